"""The dashboard reads the report from its last snapshot while that is fresh, and computes
(and keeps) a new one when it is not. The worker refreshes every practice's program-wide
snapshot every few minutes, so a manager at a large practice never waits on the report."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from reactivate.campaigns.models import Campaign
from reactivate.campaigns.selectors import campaign_source
from reactivate.leads.selectors import practice_summary
from reactivate.metrics.models import MetricsSnapshot
from reactivate.metrics.report import metrics
from reactivate.tenancy.models import Practice

# Older than this, the page computes afresh; the worker refreshes more often than this.
FRESH = timedelta(minutes=15)


@dataclass(frozen=True)
class Figures:
    report: dict
    summary: dict
    computed_at: datetime
    seconds: float


def scope_of(campaign: Campaign | None) -> str:
    return campaign_source(campaign.pk) if campaign else "all"


def figures(practice: Practice, campaign: Campaign | None = None, *,
            fresh: timedelta = FRESH) -> Figures:  # fmt: skip
    """The report and the list's summary: from the snapshot when it is fresh, else new."""
    kept = MetricsSnapshot.objects.filter(practice=practice, scope=scope_of(campaign)).first()
    if kept is not None and timezone.now() - kept.computed_at < fresh:
        return Figures(kept.report, kept.summary, kept.computed_at, kept.seconds)
    return refresh(practice, campaign)


def refresh(practice: Practice, campaign: Campaign | None = None) -> Figures:
    """Compute the report now and keep it (what the worker and "Refresh now" do)."""
    started = time.perf_counter()
    now = timezone.now()
    report = metrics(practice, campaign, now=now, breakdowns=True)
    summary = practice_summary(practice=practice)
    seconds = round(time.perf_counter() - started, 3)
    # Through JSON and back, so a fresh report and a kept one are the same plain data.
    report, summary = (json.loads(json.dumps(x, cls=DjangoJSONEncoder)) for x in (report, summary))
    MetricsSnapshot.objects.update_or_create(
        practice=practice, scope=scope_of(campaign),
        defaults={"computed_at": now, "seconds": seconds, "report": report, "summary": summary},
    )  # fmt: skip
    return Figures(report, summary, now, seconds)


def refresh_all() -> int:
    """Every practice with a launched campaign; how many were refreshed."""
    practices = Practice.objects.filter(campaigns__launched_at__isnull=False).distinct()
    count = 0
    for practice in practices:
        refresh(practice)
        count += 1
    return count
