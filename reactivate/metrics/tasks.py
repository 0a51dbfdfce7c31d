"""The dashboard's snapshots refreshed every five minutes (docs/metrics.md), and the owner's
weekly report (hourly: it goes on Monday at 08:00 in each practice's own time zone)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from reactivate.campaigns.models import Campaign
from reactivate.metrics.snapshots import refresh, refresh_all
from reactivate.metrics.weekly import send_weekly_reports
from reactivate.tenancy.models import Practice


@db_periodic_task(crontab(minute="*/5"))
@lock_task("metrics-snapshots")
def refresh_snapshots() -> None:
    refresh_all()


@db_task(retries=0)
def refresh_snapshot(practice_id: int, campaign_id: int | None = None) -> None:
    """ "Refresh now" on a report that takes seconds: computed here, not in the request."""
    practice = Practice.objects.filter(pk=practice_id).first()
    campaign = Campaign.objects.filter(pk=campaign_id, practice_id=practice_id).first()
    if practice is not None and (campaign_id is None or campaign is not None):
        refresh(practice, campaign, read=True)


@db_periodic_task(crontab(minute="10"))
@lock_task("metrics-weekly")
def weekly_reports() -> None:
    for practice in Practice.objects.filter(campaigns__launched_at__isnull=False).distinct():
        send_weekly_reports(practice)
