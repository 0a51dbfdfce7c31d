"""Phase 1 of the seed ("Audit your lead list"): what the dormant list holds and is worth.

Three aggregate queries over the lead table: stalled leads by stage, reason and treatment
with a filtered count per age band (one scan); every lead by status and reach, for data
quality and health (read from the covering index alone); the recommended first segment and
its fallbacks (one scan); plus the saved import counts for duplicates merged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.utils import timezone

from reactivate.core.dates import add_months
from reactivate.imports.models import ImportBatch, ImportStatus
from reactivate.leads.choices import DormancyReason, LeadStatus, Stage
from reactivate.leads.models import Lead
from reactivate.leads.scans import add_totals, per_value, practice_leads, split_scan
from reactivate.segments import reach as bits
from reactivate.segments.definitions import describe, segment_counts, stalled_before
from reactivate.segments.models import HealthSnapshot
from reactivate.segments.prior import AGE_BUCKETS
from reactivate.segments.rescoring import rescore_marked
from reactivate.segments.scoring import NOT_WORKABLE, score_practice
from reactivate.tenancy.models import Practice

KEYS = (
    "stalled_by_age",
    "by_stage",
    "by_reason",
    "potential_value",
    "sunk_acquisition_cost",
    "data_quality",
    "health_score",
    "recommended_segment",
)
# Seed, "Measuring": healthy campaigns see 10-25% respond; 30-50% of responders reactivate.
RESPONSE_BAND = (0.10, 0.25)
REACTIVATION_OF_RESPONSES = (0.30, 0.50)
MIN_PILOT = 25
# Unscored leads the page scores before answering (about a second); more wait for the worker.
SCORE_INLINE_LIMIT = 50_000
TREND_POINTS = 12


def _money(value: Decimal | float | None) -> float:
    return round(float(value or 0), 2)


def assess(
    practice: Practice,
    now: datetime | None = None,
    *,
    record: bool = True,
    wait_for_scores: bool = True,
) -> dict:
    """The assessment report as plain data (the page, PDF, CSV and JSON all render this).

    Leads no scoring pass has seen yet (the worker has not caught up with an import) are
    scored first, unless there are more than SCORE_INLINE_LIMIT of them and the caller would
    rather not wait (the page): the report then says how many are pending, leaves them out of
    the reach and health figures, and records no health snapshot until they are scored.
    """
    now = now or timezone.now()
    if wait_for_scores:
        rescore_marked(practice.pk)
    groups = _status_reach(practice)
    unscored = sum(n for _, reach, n in groups if reach is None)
    if unscored and (wait_for_scores or unscored <= SCORE_INLINE_LIMIT):
        score_practice(practice)
        groups = _status_reach(practice)
        unscored = 0
    stalled = _stalled(practice, now)
    quality, health = _health(practice, now, groups, record=record and not unscored)
    report = {
        "practice": practice.slug,
        "generated_at": now.isoformat(timespec="seconds"),
        "unscored_leads": unscored,
        **stalled,
        "data_quality": quality,
        "health_score": health,
        "recommended_segment": recommend(practice, stalled, now),
    }
    return report


def database_health(practice: Practice, now: datetime | None = None) -> tuple[dict, dict]:
    """The list's data quality and its health score (the workable share, 0-100) with its
    trend: what the metrics dashboard shows beside the program's results. Leads not scored
    yet are left out until the scoring pass has seen them."""
    now = now or timezone.now()
    groups = _status_reach(practice)
    unscored = any(reach is None for _, reach, _ in groups)
    return _health(practice, now, groups, record=not unscored)


def _health(practice: Practice, now: datetime, groups: list, *, record: bool) -> tuple:
    quality, health = _quality_and_health(practice, [g for g in groups if g[1] is not None])
    if record:
        _record_health(practice, now, health)
    health["trend"] = [
        {"day": s.day.isoformat(), "score": round(s.score, 1), "workable": s.workable}
        for s in HealthSnapshot.objects.filter(practice=practice).order_by("-day")[:TREND_POINTS]
    ][::-1]
    earlier = [p for p in health["trend"] if p["day"] < _practice_day(practice, now).isoformat()]
    health["change"] = round(health["score"] - earlier[-1]["score"], 1) if earlier else None
    return quality, health


def _stalled(practice: Practice, now: datetime) -> dict:
    """Stalled leads by age band, stage and reason in one scan of filtered aggregates (no
    GROUP BY: SQLite sorts every row for one), and by treatment in a second query."""
    stalled = practice_leads(practice).filter(status=LeadStatus.STALLED)
    # Cumulative counts ("stalled at least N months ago"): one comparison a row per band edge.
    edges = [low for _, low, _ in AGE_BUCKETS if low]
    aggregates = {
        "n": Count("id"),
        "value": Sum("estimated_value"),
        "valued": Count("estimated_value"),
        "own_cost": Sum("acquisition_cost"),
        "costed": Count("acquisition_cost"),
    }
    for low in edges:
        older = stalled_before(add_months(now, -low))
        aggregates[f"age_n{low}"] = Count("id", filter=older)
        aggregates[f"age_v{low}"] = Sum("estimated_value", filter=older)
    aggregates |= per_value("stage", Stage.values)
    aggregates |= per_value("dormancy_reason", DormancyReason.values)
    totals = split_scan(lambda part: stalled.filter(part).aggregate(**aggregates), add_totals)
    totals = {k: v or 0 for k, v in totals.items()}
    leads, value = totals["n"], Decimal(totals["value"])
    valued, costed, own_cost = totals["valued"], totals["costed"], Decimal(totals["own_cost"])
    cumulative = (
        [(leads, value)]
        + [(totals[f"age_n{low}"], Decimal(totals[f"age_v{low}"])) for low in edges]
        + [(0, Decimal(0))]
    )
    by_age = {
        label: (cumulative[i][0] - cumulative[i + 1][0], cumulative[i][1] - cumulative[i + 1][1])
        for i, (label, _, _) in enumerate(AGE_BUCKETS)
    }
    by_stage = {v: (totals[f"stage_n_{v}"], totals[f"stage_v_{v}"]) for v in Stage.values}
    by_reason = {
        v: (totals[f"dormancy_reason_n_{v}"], totals[f"dormancy_reason_v_{v}"])
        for v in DormancyReason.values
    }
    by_treatment = split_scan(
        lambda part: {
            t or "": (n, v or 0)
            for t, n, v in stalled.filter(part)
            .values_list("treatment")
            .annotate(n=Count("id"), v=Sum("estimated_value"))
            .order_by()
        },
        _add_groups,
    )
    rate = practice.cost_per_new_lead
    at_rate = (leads - costed) * rate
    return {
        "stalled_by_age": [
            {"months": label, "leads": n, "potential_value": _money(v)}
            for label, (n, v) in by_age.items()
        ],
        "by_stage": [
            {
                "stage": s.value,
                "label": s.label,
                "leads": by_stage[s.value][0],
                "potential_value": _money(by_stage[s.value][1]),
            }
            for s in Stage
        ],
        "by_reason": [
            {
                "reason": r.value,
                "label": r.label,
                "leads": by_reason[r.value][0],
                "potential_value": _money(by_reason[r.value][1]),
            }
            for r in DormancyReason
        ],
        "by_treatment": sorted(
            (
                {"treatment": t or "(not recorded)", "leads": n, "potential_value": _money(v)}
                for t, (n, v) in by_treatment.items()
            ),
            key=lambda row: (-row["potential_value"], -row["leads"], row["treatment"]),
        ),
        "potential_value": {
            "stalled_leads": leads,
            "total": _money(value),
            "leads_with_value": valued,
            "leads_without_value": leads - valued,
            "average_value": _money(value / valued) if valued else 0.0,
        },
        "sunk_acquisition_cost": {
            "total": _money(own_cost + at_rate),
            "from_lead_costs": _money(own_cost),
            "leads_with_cost": costed,
            "at_practice_rate": _money(at_rate),
            "practice_cost_per_lead": _money(rate),
        },
    }


def _add_groups(parts: list[dict]) -> dict:
    """Grouped (count, value) pairs of a split scan, added up group by group."""
    merged: dict = {}
    for part in parts:
        for key, (n, v) in part.items():
            seen_n, seen_v = merged.get(key, (0, 0))
            merged[key] = (seen_n + n, seen_v + v)
    return merged


def _status_reach(practice: Practice) -> list[tuple[str, int | None, int]]:
    """Leads by status and reach: read straight from the (practice, status, reach) index."""
    return list(
        Lead.objects.filter(practice=practice)
        .values_list("status", "reach")
        .annotate(n=Count("id"))
        .order_by()
    )


def _quality_and_health(practice: Practice, groups: list) -> tuple[dict, dict]:
    closed = {s.value for s in NOT_WORKABLE}
    total = workable = unreachable = 0
    quality = defaultdict(int)
    consent = dict.fromkeys(map(str, bits.CHANNELS), 0)
    reachable = dict.fromkeys(map(str, bits.CHANNELS), 0)
    for status, reach, n in groups:
        reach = reach or 0
        total += n
        for key, bit in (
            ("valid_email", bits.VALID_EMAIL),
            ("valid_mobile", bits.TEXTABLE_PHONE),
            ("valid_phone", bits.VALID_PHONE),
            ("postal_address", bits.POSTAL_ADDRESS),
        ):
            quality[key] += n if reach & bit else 0
        for channel in bits.CHANNELS:
            consent[str(channel)] += n if reach & bits.GRANTED[channel] else 0
            reachable[str(channel)] += n if reach & bits.CAN[channel] else 0
        can_reach = bool(reach & bits.ANY_CHANNEL)
        if not can_reach or status == LeadStatus.UNREACHABLE:
            unreachable += n
        if can_reach and status not in closed:
            workable += n
    merged = sum(
        ImportBatch.objects.filter(
            practice=practice, status=ImportStatus.DONE, dry_run=False
        ).values_list("merged", flat=True)
    )
    data_quality = {
        "leads": total,
        "valid_email": quality["valid_email"],
        "valid_mobile": quality["valid_mobile"],
        "valid_phone": quality["valid_phone"],
        "postal_address": quality["postal_address"],
        "consent": consent,
        "reachable": reachable,
        "duplicates_merged": merged,
        "unreachable": unreachable,
    }
    health = {
        "score": round(100 * workable / total, 1) if total else 0.0,
        "workable": workable,
        "leads": total,
    }
    return data_quality, health


def _practice_day(practice: Practice, now: datetime):
    """The day it is at the practice, whoever asks: the page (in the practice's time zone)
    and the command (in the server's) must agree on which day a snapshot belongs to."""
    return now.astimezone(ZoneInfo(practice.timezone)).date()


def _record_health(practice: Practice, now: datetime, health: dict) -> None:
    HealthSnapshot.objects.update_or_create(
        practice=practice,
        day=_practice_day(practice, now),
        defaults={
            "leads": health["leads"],
            "workable": health["workable"],
            "score": health["score"],
        },
    )


def candidates(practice: Practice, average_value: float) -> list[tuple[str, dict]]:
    """The recommended pilot and its fallbacks, most selective first (seed, Phase 2:
    "Recent leads with high engagement and large deal sizes are the obvious starting point").

    Recent means past the practice's first-attempt wait and within a year; high engagement
    means a consultation or a treatment plan; high value means at or above the average.
    """
    first = practice.first_attempt_months
    base = {"statuses": [LeadStatus.STALLED.value], "reachable": True}
    warm = [Stage.CONSULTATION.value, Stage.TREATMENT_PLAN.value]
    value = {"value_min": f"{average_value:.2f}"} if average_value > 0 else {}
    return [
        (
            "recent, warm, high value",
            {**base, "months_min": first, "months_max": 12, "stages": warm, **value},
        ),
        (
            "warm, high value, within 2 years",
            {**base, "months_min": first, "months_max": 24, "stages": warm, **value},
        ),
        ("warm, within 2 years", {**base, "months_min": first, "months_max": 24, "stages": warm}),
        ("every reachable stalled lead", {**base, "months_min": first}),
    ]


def recommend(practice: Practice, stalled: dict, now: datetime) -> dict:
    options = candidates(practice, stalled["potential_value"]["average_value"])
    counts = segment_counts(practice, dict(options), now)
    chosen = next(
        (name for name, _ in options if counts[name]["leads"] >= MIN_PILOT), options[-1][0]
    )
    definition = dict(options)[chosen]
    n, value = counts[chosen]["leads"], counts[chosen]["value"]
    average = value / n if n else 0.0
    responses = [round(n * share) for share in RESPONSE_BAND]
    low = n * RESPONSE_BAND[0] * REACTIVATION_OF_RESPONSES[0]
    high = n * RESPONSE_BAND[1] * REACTIVATION_OF_RESPONSES[1]
    return {
        "name": f"Pilot: {chosen}",
        "rule": chosen,
        "definition": definition,
        "description": describe(definition),
        "leads": n,
        "potential_value": round(value, 2),
        "average_value": round(average, 2),
        "expected": {
            "responses": responses,
            "reactivated": [round(low), round(high)],
            "pipeline_value": [round(low * average, 2), round(high * average, 2)],
        },
        "assumption": (
            "Seed bands, not a promise: 10-25% of contacted leads respond and 30-50% of those "
            f"reactivate, at this segment's average value of ${average:,.0f}. A pilot's own "
            "response and reactivation rates replace these figures."
        ),
    }
