"""The manager told when an answer is late (every minute); each person's morning digest
(hourly: it goes at 07:00 in each practice's own time zone)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reactivate.followups.digest import send_digests
from reactivate.followups.work import escalate_breaches
from reactivate.tenancy.models import Practice


@db_periodic_task(crontab(minute="*"))
@lock_task("followups-escalate")
def escalate_late_answers() -> None:
    escalate_breaches()


@db_periodic_task(crontab(minute="5"))
@lock_task("followups-digest")
def morning_digests() -> None:
    for practice in Practice.objects.all():
        send_digests(practice)
