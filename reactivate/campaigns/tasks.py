"""The scheduler: every minute, due enrolments are claimed and acted on, in batches."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reactivate.campaigns.engine import BATCH, run_due
from reactivate.campaigns.reconcile import reconcile_uncertain
from reactivate.campaigns.services import complete_finished
from reactivate.campaigns.stops import stop_closed_leads


@db_periodic_task(crontab(minute="*"))
@lock_task("campaign-scheduler")
def send_due_steps() -> None:
    # Claims are compare-and-swap, so several workers could share this; the lock only
    # keeps one periodic run per worker pool from overlapping itself.
    stop_closed_leads()
    reconcile_uncertain()
    while run_due(limit=BATCH).claimed == BATCH:
        pass
    complete_finished()
