"""Priority = P(reactivate) x value, for every lead of a practice, explained.

P comes from the practice's active ScoringModel when one has beaten the prior table on
held-out outcomes, else from the prior table (segments.prior). Value is the lead's estimated
value, else the typical value of its treatment at this practice, else the practice's typical
value. A lead that cannot be worked (closed, converted, do not contact, unreachable, or no
channel left) is worth 0 to call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone

from reactivate.leads.choices import LeadStatus
from reactivate.leads.frames import read_frame, sql_datetime, sql_float, update_frame
from reactivate.leads.models import Lead
from reactivate.segments import prior
from reactivate.segments.cadence import months_after_stall
from reactivate.segments.model import ExplainableModel
from reactivate.segments.models import ScoringModel
from reactivate.segments.reach import ANY_CHANNEL, CAN, CHANNELS, reach_frame
from reactivate.tenancy.models import Practice

POSITIVE = (LeadStatus.REACTIVATED, LeadStatus.SCHEDULED, LeadStatus.CONVERTED)
# Still in play: not an outcome yet.
PENDING = (LeadStatus.IN_SEQUENCE, LeadStatus.RESPONDED)
NOT_WORKABLE = (
    LeadStatus.CONVERTED,
    LeadStatus.CLOSED,
    LeadStatus.DO_NOT_CONTACT,
    LeadStatus.UNREACHABLE,
)
MIN_OUTCOMES = 100
# Leads written per transaction by a scoring pass (about a second of SQLite's write lock).
WRITE_CHUNK = 50_000
MIN_EACH = 10

CATEGORICAL = ["recency", "stage", "dormancy_reason", "treatment", "source", "channels"]
NUMERIC = ["estimated_value", "cycle_count"]
LABELS = {
    "recency": "months since last contact",
    "stage": "stage reached",
    "dormancy_reason": "reason it stalled",
    "treatment": "treatment",
    "source": "source",
    "channels": "reachable by",
    "estimated_value": "estimated value",
    "cycle_count": "earlier reactivation attempts",
}
LEAD_COLUMNS = {
    "id": ("id", pl.Int64),
    "status": ("status", pl.Utf8),
    "stage": ("stage", pl.Utf8),
    "dormancy_reason": ("dormancy_reason", pl.Utf8),
    "treatment": ("treatment", pl.Utf8),
    "source": ("source", pl.Utf8),
    "estimated_value": (sql_float("estimated_value"), pl.Float64),
    "cycle_count": ("cycle_count", pl.Int64),
    "reach": ("reach", pl.Int64),
    "stalled_at": (
        sql_datetime("COALESCE(last_contact_at, inquired_at, created_at)"),
        pl.Datetime("us", "UTC"),
    ),
    "next_eligible_at": (sql_datetime("next_eligible_at"), pl.Datetime("us", "UTC")),
    "stored_p": ("p_reactivate", pl.Float64),
    "stored_priority": ("priority", pl.Float64),
}


class NotEnoughOutcomes(Exception):
    pass


def lead_frame(practice: Practice, where: str = "", params: list | None = None) -> pl.DataFrame:
    """The practice's leads with everything scoring needs, one row each."""
    clause = "practice_id = %s" + (f" AND ({where})" if where else "")
    frame = read_frame("leads_lead", LEAD_COLUMNS, clause, [practice.pk, *(params or [])])
    return features(frame, timezone.now())


def features(frame: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Derived facts: whole months since the stall, its recency band, reachable channels."""
    now = now.astimezone(UTC)
    stalled = pl.col("stalled_at")
    months = (
        (now.year - stalled.dt.year().cast(pl.Int32)) * 12
        + (now.month - stalled.dt.month().cast(pl.Int32))
        - (stalled.dt.day() > now.day).cast(pl.Int32)
    ).clip(lower_bound=0)
    recency = pl.lit(prior.AGE_BUCKETS[-1][0])
    for label, _, high in reversed(prior.AGE_BUCKETS[:-1]):
        recency = pl.when(pl.col("months") < high).then(pl.lit(label)).otherwise(recency)
    reach = pl.col("reach").fill_null(0)
    channels = pl.concat_str(
        [pl.when((reach & CAN[c]) > 0).then(pl.lit(str(c))) for c in CHANNELS],
        separator="+",
        ignore_nulls=True,
    )
    return (
        frame.with_columns(months.fill_null(0).alias("months"))
        .with_columns(
            recency.alias("recency"),
            pl.when(channels == "").then(pl.lit("none")).otherwise(channels).alias("channels"),
        )
        .with_columns(pl.col(c).cast(pl.Utf8) for c in ("stage", "dormancy_reason"))
    )


def prior_p(frame: pl.DataFrame) -> pl.Series:
    table = {
        (b, s, r): prior.prior_probability(b, s, r)
        for b in prior.RECENCY
        for s in prior.STAGE
        for r in prior.REASON
    }
    keys = pl.concat_str(["recency", "stage", "dormancy_reason"], separator="|")
    lookup = {"|".join(map(str, k)): v for k, v in table.items()}
    return frame.select(
        keys.replace_strict(lookup, default=prior.BASE_RATE, return_dtype=pl.Float64)
    ).to_series()


def active_model(practice: Practice) -> tuple[ScoringModel | None, ExplainableModel | None]:
    record = ScoringModel.objects.filter(practice=practice, active=True).first()
    return (record, ExplainableModel.from_dict(record.parameters)) if record else (None, None)


def typical_values(frame: pl.DataFrame) -> tuple[dict[str, float], float]:
    """Median known value per treatment, and over the practice (1 when nothing is known)."""
    known = frame.filter(pl.col("estimated_value") > 0)
    overall = known.get_column("estimated_value").median() if known.height else None
    per_treatment = known.group_by("treatment").agg(pl.col("estimated_value").median())
    return dict(per_treatment.iter_rows()), float(overall or 1.0)


@dataclass
class ScoreRun:
    leads: int
    source: str
    model_id: int | None = None
    written: int = 0


def score_practice(practice: Practice, lead_ids: list[int] | None = None) -> ScoreRun:
    """Reach, eligibility date, P and priority for every lead (or only ``lead_ids``; typical
    values still come from the whole practice). Only leads whose figures changed are written,
    so rescoring an unchanged list reads but does not write.

    The figures are read and computed without holding the database's write lock, and written
    in transactions of WRITE_CHUNK leads: on SQLite (one writer at a time) a pass over a
    million leads would otherwise hold the lock for half a minute, and the front desk's own
    writes would wait past their busy timeout. Scores are derived data: a lead that changes
    while a pass runs is scored again by the task its change queued.
    """
    ids = None if lead_ids is None else [int(i) for i in lead_ids]
    if ids == []:
        return ScoreRun(leads=0, source="prior table")
    where = "" if ids is None else f"id IN ({', '.join(map(str, ids))})"
    frame = lead_frame(practice, where)
    if frame.is_empty():
        return ScoreRun(leads=0, source="prior table")
    per_treatment, overall = typical_values(frame if ids is None else _value_frame(practice))
    reach = reach_frame(practice, ids).rename({"lead_id": "id", "reach": "new_reach"})
    frame = (
        frame.rename({"reach": "stored_reach"})
        .join(reach, on="id", how="left")
        .with_columns(pl.col("new_reach").fill_null(0).alias("reach"))
    )
    frame = features(frame.drop("new_reach"), timezone.now())
    record, model = active_model(practice)
    p = pl.Series(model.predict(frame)) if model else prior_p(frame)
    value = pl.coalesce(
        pl.when(pl.col("estimated_value") > 0).then(pl.col("estimated_value")),
        pl.col("treatment").replace_strict(per_treatment, default=None, return_dtype=pl.Float64),
        pl.lit(overall),
    )
    workable = ~pl.col("status").is_in([s.value for s in NOT_WORKABLE]) & (
        (pl.col("reach") & ANY_CHANNEL) > 0
    )
    scored = frame.with_columns(p.alias("p_reactivate")).with_columns(
        pl.when(workable).then(pl.col("p_reactivate") * value).otherwise(0.0).alias("priority"),
        pl.coalesce(pl.col("next_eligible_at"), _first_due(practice, frame)).alias("due"),
    )
    changed = scored.filter(
        pl.col("reach").ne_missing(pl.col("stored_reach"))
        | _moved("p_reactivate", "stored_p")
        | _moved("priority", "stored_priority")
        | pl.col("due").ne_missing(pl.col("next_eligible_at"))
    ).select("id", "reach", "p_reactivate", "priority", pl.col("due").alias("next_eligible_at"))
    for start in range(0, changed.height, WRITE_CHUNK):
        with transaction.atomic():
            update_frame("leads_lead", changed.slice(start, WRITE_CHUNK))
    return ScoreRun(
        leads=frame.height,
        source=f"model #{record.pk}" if record else "prior table",
        model_id=record.pk if record else None,
        written=changed.height,
    )


def _moved(new: str, stored: str) -> pl.Expr:
    """A score changed beyond float noise (stored REALs come back through JSON text, which
    keeps about 15 significant digits)."""
    return pl.col(stored).is_null() | (
        (pl.col(new) - pl.col(stored)).abs() > 1e-9 * pl.max_horizontal(pl.col(new).abs(), 1)
    )


def _value_frame(practice: Practice) -> pl.DataFrame:
    return read_frame(
        "leads_lead",
        {
            "treatment": ("treatment", pl.Utf8),
            "estimated_value": (sql_float("estimated_value"), pl.Float64),
        },
        "practice_id = %s AND estimated_value > 0",
        [practice.pk],
    )


def _first_due(practice: Practice, frame: pl.DataFrame) -> pl.Expr:
    """When each lead is next due by the cadence (segments.cadence), counted from its stall."""

    schedule = {
        n: months_after_stall(practice, n)
        for n in range(int(frame.get_column("cycle_count").max() or 0) + 1)
    }
    months = pl.col("cycle_count").replace_strict(schedule, default=None, return_dtype=pl.Int64)
    return pl.col("stalled_at").dt.offset_by(pl.format("{}mo", months))


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Leads whose reactivation outcome is known: reactivated (1) or tried without it (0)."""
    positive = pl.col("status").is_in([s.value for s in POSITIVE])
    tried = (pl.col("cycle_count") > 0) & ~pl.col("status").is_in([s.value for s in PENDING])
    return frame.filter(positive | tried).with_columns(positive.cast(pl.Int8).alias("outcome"))


@dataclass
class FitResult:
    record: ScoringModel
    activated: bool


def fit_practice(practice: Practice, *, seed: int = 0) -> FitResult:
    """Learn P from the practice's own outcomes; activate it only if it beats the prior.

    70% of the outcomes train a model, the other 30% judge it against the prior table. The
    model is activated (refit on every outcome) only when its held-out AUC is at least the
    prior's and its Brier score no worse; otherwise it is recorded and the prior stays.
    """
    from sklearn.metrics import brier_score_loss, roc_auc_score  # slow to import: see model.fit
    from sklearn.model_selection import train_test_split

    data = labelled(lead_frame(practice))
    y = data.get_column("outcome").to_numpy()
    positives = int(y.sum()) if y.size else 0
    if y.size < MIN_OUTCOMES or min(positives, y.size - positives) < MIN_EACH:
        raise NotEnoughOutcomes(
            f"{practice.name} has {y.size} known outcomes ({positives} reactivated); a model "
            f"needs at least {MIN_OUTCOMES}, with {MIN_EACH} each way. The prior table scores "
            "its leads until then."
        )
    index = np.arange(y.size)
    train_i, test_i = train_test_split(index, test_size=0.3, stratify=y, random_state=seed)
    trial = ExplainableModel(CATEGORICAL, NUMERIC, LABELS).fit(data[train_i], y[train_i], seed=seed)
    test = data[test_i]
    p_model, p_prior = trial.predict(test), prior_p(test).to_numpy()
    metrics = {
        "heldout_auc": float(roc_auc_score(y[test_i], p_model)),
        "heldout_brier": float(brier_score_loss(y[test_i], p_model)),
        "prior_auc": float(roc_auc_score(y[test_i], p_prior)),
        "prior_brier": float(brier_score_loss(y[test_i], p_prior)),
    }
    better = (
        metrics["heldout_auc"] >= metrics["prior_auc"]
        and metrics["heldout_brier"] <= metrics["prior_brier"]
    )
    final = (
        ExplainableModel(CATEGORICAL, NUMERIC, LABELS).fit(data, y, seed=seed) if better else trial
    )
    note = (
        "Beat the prior table on held-out outcomes; scoring with it."
        if better
        else "Did not beat the prior table on held-out outcomes; the prior keeps scoring."
    )
    with transaction.atomic():
        if better:
            ScoringModel.objects.filter(practice=practice, active=True).update(active=False)
        record = ScoringModel.objects.create(
            practice=practice,
            parameters=final.to_dict(),
            outcomes=int(y.size),
            positives=positives,
            active=better,
            note=note,
            **metrics,
        )
    return FitResult(record=record, activated=better)


@dataclass
class Explanation:
    p: float
    priority: float
    value: float
    value_note: str
    base: float
    source: str
    reasons: list[tuple[str, float]]


def explain_lead(lead: Lead) -> Explanation | None:
    """Why this lead scores what it does, in the terms a coordinator reads."""
    if lead.p_reactivate is None:
        return None
    frame = lead_frame(lead.practice, "id = %s", [lead.pk])
    if frame.is_empty():
        return None
    row = frame.row(0, named=True)
    record, model = active_model(lead.practice)
    if model:
        reasons = [r for r in model.explain(frame) if abs(math.log(r[1])) >= math.log(1.05)][:5]
        base, source = model.base_rate, f"learned from {record.outcomes:,} outcomes"
    else:
        reasons = prior.prior_reasons(
            row["recency"], row["months"], row["stage"], row["dormancy_reason"]
        )
        base, source = prior.BASE_RATE, "prior table"
    if lead.estimated_value:
        value, note = float(lead.estimated_value), "estimated value"
    elif lead.priority:
        value = lead.priority / lead.p_reactivate
        note = f"typical value for {lead.treatment}" if lead.treatment else "typical value"
    else:
        value, note = 0.0, "cannot be worked now"
    return Explanation(
        p=lead.p_reactivate,
        priority=lead.priority or 0.0,
        value=value,
        value_note=note,
        base=base,
        source=source,
        reasons=reasons,
    )
