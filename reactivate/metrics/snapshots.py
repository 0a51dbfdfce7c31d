"""The dashboard reads the report from its last snapshot, so a manager at a large practice
never waits on the report: at a million leads it takes seconds to compute (docs/benchmarks.md)
and a page must answer in well under one.

A snapshot older than ``FRESH`` is computed again on the page only when the last computation
was quick (a practice of a few thousand leads: always current); a slow one is shown as kept,
with its age, while the worker computes the next. The worker refreshes every practice's
program-wide snapshot every five minutes, and each campaign's while someone reads it.
"""

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

# Older than this, a snapshot is due again; the worker refreshes more often than this.
FRESH = timedelta(minutes=15)
# A report that took less than this to compute is computed on the page when it is due; a
# slower one never holds the page up (the budget for the dashboard is 500 ms).
INLINE = 0.5
# How often a page marks a snapshot read, and for how long the worker keeps a campaign's
# snapshot current after that.
READ_MARK = timedelta(hours=1)
READERS = timedelta(days=1)


@dataclass(frozen=True)
class Figures:
    report: dict
    summary: dict
    computed_at: datetime
    seconds: float
    stale: bool = False  # older than FRESH: the worker is computing the next one


def scope_of(campaign: Campaign | None) -> str:
    return campaign_source(campaign.pk) if campaign else "all"


def figures(practice: Practice, campaign: Campaign | None = None, *,
            fresh: timedelta = FRESH) -> Figures:  # fmt: skip
    """The report and the list's summary: from the snapshot, computed here only when there
    is none or when it is due and quick to compute."""
    kept = MetricsSnapshot.objects.filter(practice=practice, scope=scope_of(campaign)).first()
    if kept is None:
        return refresh(practice, campaign, read=True)
    now = timezone.now()
    stale = now - kept.computed_at >= fresh
    if stale and kept.seconds < INLINE:
        return refresh(practice, campaign, read=True)
    if kept.read_at is None or now - kept.read_at >= READ_MARK:
        MetricsSnapshot.objects.filter(pk=kept.pk).update(read_at=now)
    return Figures(kept.report, kept.summary, kept.computed_at, kept.seconds, stale)


def slow(practice: Practice, campaign: Campaign | None = None) -> bool:
    """Whether this report took long enough last time that no page should wait for it."""
    kept = MetricsSnapshot.objects.filter(practice=practice, scope=scope_of(campaign))
    return kept.filter(seconds__gte=INLINE).exists()


def refresh(practice: Practice, campaign: Campaign | None = None, *, read: bool = False) -> Figures:
    """Compute the report now and keep it (what the worker and "Refresh now" do); ``read``
    when a person is looking at it."""
    started = time.perf_counter()
    now = timezone.now()
    report = metrics(practice, campaign, now=now, breakdowns=True)
    summary = practice_summary(practice=practice)
    seconds = round(time.perf_counter() - started, 3)
    # Through JSON and back, so a fresh report and a kept one are the same plain data.
    report, summary = (json.loads(json.dumps(x, cls=DjangoJSONEncoder)) for x in (report, summary))
    MetricsSnapshot.objects.update_or_create(
        practice=practice, scope=scope_of(campaign),
        defaults={"computed_at": now, "seconds": seconds, "report": report, "summary": summary,
                  **({"read_at": now} if read else {})},
    )  # fmt: skip
    return Figures(report, summary, now, seconds)


def refresh_all() -> int:
    """Every practice with a launched campaign, and every campaign's snapshot read in the
    last day; how many snapshots were refreshed."""
    practices = Practice.objects.filter(campaigns__launched_at__isnull=False).distinct()
    count = 0
    for practice in practices:
        refresh(practice)
        count += 1
    read = MetricsSnapshot.objects.filter(
        scope__startswith="campaign-", read_at__gte=timezone.now() - READERS
    ).values_list("practice_id", "scope")
    wanted = {(practice, scope) for practice, scope in read}
    for campaign in Campaign.objects.filter(practice_id__in={p for p, _ in wanted}).select_related(
        "practice"
    ):
        if (campaign.practice_id, scope_of(campaign)) in wanted:
            refresh(campaign.practice, campaign)
            count += 1
    return count
