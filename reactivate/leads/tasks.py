"""Periodic upkeep of the lead list."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reactivate.leads.stalling import leads_mark_stalled
from reactivate.tenancy.models import Practice


@db_periodic_task(crontab(hour="2", minute="41"))
@lock_task("leads-mark-stalled")
def mark_stalled_task() -> None:
    for practice in Practice.objects.all():
        leads_mark_stalled(practice=practice)
