"""What an import merged and what it was unsure of, kept so a person can undo or decide.

Each row merged into another lead is stored as it was imported (``MergedRow``): its fields and
its contact points, with the points only it brought marked ``own``. Each pair of leads the
matcher kept apart but named as a possible duplicate becomes a ``MergeReview``.
"""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl

from reactivate.imports.models import MergeReview
from reactivate.imports.reading import ROW
from reactivate.leads.frames import insert_frame
from reactivate.tenancy.models import Practice

MERGED_TABLE = "imports_mergedrow"
REVIEW_TABLE = "imports_mergereview"
# The lead fields a row brings, as the writer stores them (see writer.create_leads).
ROW_FIELDS = (
    "first_name",
    "last_name",
    "treatment",
    "source",
    "external_id",
    "stage",
    "status",
    "estimated_value",
    "acquisition_cost",
    "dormancy_reason",
    "lost_reason",
    "preferred_language",
    "inquired_at",
    "last_contact_at",
)


def record_merged_rows(
    *,
    practice: Practice,
    merged: pl.DataFrame,
    all_points: pl.DataFrame,
    row_leads: pl.DataFrame,
    known_points: pl.DataFrame,
    filename: str,
    batch_id: int | None,
    now: datetime,
) -> None:
    """Store every merged row (``merged``: its accepted columns and ``lead_id``)."""
    if merged.is_empty():
        return
    # A point is the row's own when this row is the first to bring it to its lead and the
    # lead did not have it before: it leaves with the row if the merge is undone.
    brought = (
        all_points.join(row_leads, on=ROW)
        .sort("lead_id", ROW)
        .with_columns(
            pl.struct("lead_id", "kind", "value").is_first_distinct().alias("first"),
        )
    )
    if not known_points.is_empty():
        known = known_points.select(
            "lead_id", pl.col("key").alias("_key"), pl.lit(True).alias("known")
        )
        brought = brought.with_columns((pl.col("kind") + ":" + pl.col("value")).alias("_key")).join(
            known, on=["lead_id", "_key"], how="left"
        )
    else:
        brought = brought.with_columns(pl.lit(None, pl.Boolean).alias("known"))
    points = (
        brought.join(merged.select(ROW), on=ROW)
        .with_columns((pl.col("first") & pl.col("known").is_null()).alias("own"))
        .group_by(ROW)
        .agg(pl.struct("kind", "value", "own").alias("points"))
    )
    fields = [
        pl.col(f).cast(pl.Utf8) if f in ("estimated_value", "acquisition_cost") else pl.col(f)
        for f in ROW_FIELDS
        if f not in ("inquired_at", "last_contact_at")
    ]
    # UTC, as the writer stores them.
    dates = [
        pl.col(f).dt.strftime("%Y-%m-%dT%H:%M:%S").alias(f)
        for f in ("inquired_at", "last_contact_at")
    ]
    values = (
        merged.select(ROW, "lead_id", *fields, *dates, pl.col("custom"))
        .join(points, on=ROW, how="left")
        .with_columns(pl.col("points").fill_null([]))
    )
    encoded = [
        json.dumps({**row, "custom": json.loads(row["custom"] or "{}")}, default=str)
        for row in values.drop(ROW, "lead_id").iter_rows(named=True)
    ]
    insert_frame(
        MERGED_TABLE,
        values.select(
            "lead_id",
            pl.col(ROW).cast(pl.Int64).alias("row"),
            pl.Series("values", encoded),
            # Text columns, not constants: SQLite constants are folded in as plain literals.
            pl.lit(filename[:300]).alias("source"),
            pl.lit("same email, phone or CRM id").alias("reason"),
        ),
        constants={
            "practice_id": practice.pk,
            "batch_id": batch_id,
            "created_at": now,
            "undone_at": None,
            "undone_by_id": None,
            "split_lead_id": None,
        },
    )


def record_reviews(
    *,
    practice: Practice,
    pairs: pl.DataFrame,
    row_leads: pl.DataFrame,
    batch_id: int | None,
    now: datetime,
) -> int:
    """Store each pair (``pairs``: _row, other_row or other_lead, reason) as two lead ids."""
    if pairs.is_empty():
        return 0
    by_row = row_leads.rename({ROW: "other_row", "lead_id": "row_lead"})
    resolved = (
        pairs.join(row_leads, on=ROW)
        .join(by_row, on="other_row", how="left")
        .select(
            "lead_id",
            pl.coalesce("other_lead", "row_lead").alias("other_id"),
            pl.col("reason").str.slice(0, 300),
        )
        .drop_nulls()
        .filter(pl.col("lead_id") != pl.col("other_id"))
        # One review per pair of people, whichever of them the flag was raised on.
        .with_columns(
            pl.min_horizontal("lead_id", "other_id").alias("lead_id"),
            pl.max_horizontal("lead_id", "other_id").alias("other_id"),
        )
        .unique(["lead_id", "other_id"], keep="first", maintain_order=True)
    )
    existing = _open_pairs(practice)
    if not existing.is_empty():
        resolved = resolved.join(existing, on=["lead_id", "other_id"], how="anti")
    insert_frame(
        REVIEW_TABLE,
        resolved,
        constants={
            "practice_id": practice.pk,
            "batch_id": batch_id,
            "status": "open",
            "decided_by_id": None,
            "decided_at": None,
            "created_at": now,
        },
    )
    return resolved.height


def _open_pairs(practice: Practice) -> pl.DataFrame:
    """Every pair already under review (any status): a re-import does not ask again."""
    from_db = list(MergeReview.objects.filter(practice=practice).values_list("lead_id", "other_id"))
    return pl.DataFrame(from_db, schema={"lead_id": pl.Int64, "other_id": pl.Int64}, orient="row")
