"""Periodic upkeep of the lead list."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reactivate.leads.frames import refresh_statistics
from reactivate.leads.stalling import leads_mark_stalled
from reactivate.tenancy.models import Practice


@db_periodic_task(crontab(hour="2", minute="41"))
@lock_task("leads-mark-stalled")
def mark_stalled_task() -> None:
    for practice in Practice.objects.all():
        leads_mark_stalled(practice=practice)


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("leads-statistics")
def refresh_statistics_task() -> None:
    """The planner's picture of the lead tables, kept current as they grow by small imports
    and by hand (a large import refreshes it at once)."""
    refresh_statistics(["leads_lead", "leads_contactpoint"])
