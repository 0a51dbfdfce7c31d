"""The practice's leads as one CSV row each (the `reactivate export-leads` contract)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reactivate.leads.frames import read_frame, sql_datetime, sql_float
from reactivate.tenancy.models import Practice

COLUMNS = [
    "lead_id",
    "external_id",
    "first_name",
    "last_name",
    "emails",
    "phones",
    "stage",
    "status",
    "estimated_value",
    "dormancy_reason",
    "last_contact_at",
]


def leads_frame(*, practice: Practice) -> pl.DataFrame:
    leads = read_frame(
        "leads_lead",
        {
            "lead_id": ("id", pl.Int64),
            "external_id": ("external_id", pl.Utf8),
            "first_name": ("first_name", pl.Utf8),
            "last_name": ("last_name", pl.Utf8),
            "stage": ("stage", pl.Utf8),
            "status": ("status", pl.Utf8),
            "estimated_value": (sql_float("estimated_value"), pl.Float64),
            "dormancy_reason": ("dormancy_reason", pl.Utf8),
            "last_contact_at": (sql_datetime("last_contact_at"), pl.Datetime("us", "UTC")),
        },
        "practice_id = %s",
        [practice.pk],
    ).sort("lead_id")
    points = read_frame(
        "leads_contactpoint",
        {
            "lead_id": ("lead_id", pl.Int64),
            "kind": ("kind", pl.Utf8),
            "value": ("value", pl.Utf8),
            "primary_rank": ("CASE WHEN is_primary THEN 0 ELSE 1 END", pl.Int8),
            "id": ("id", pl.Int64),
        },
        "practice_id = %s AND kind IN ('email', 'phone')",
        [practice.pk],
    )
    joined = (
        points.sort("lead_id", "primary_rank", "id")
        .group_by("lead_id", "kind", maintain_order=True)
        .agg(pl.col("value").str.join(";"))
        .pivot(on="kind", index="lead_id", values="value")
    )
    for kind in ("email", "phone"):
        if kind not in joined.columns:
            joined = joined.with_columns(pl.lit(None, pl.Utf8).alias(kind))
    return leads.join(joined, on="lead_id", how="left", maintain_order="left").select(
        "lead_id",
        "external_id",
        "first_name",
        "last_name",
        pl.col("email").fill_null("").alias("emails"),
        pl.col("phone").fill_null("").alias("phones"),
        "stage",
        "status",
        # SQLite may hand back 4500 or 4500.0; write every amount the same way.
        pl.col("estimated_value").round(2).map_elements(lambda v: f"{v:.2f}", return_dtype=pl.Utf8),
        "dormancy_reason",
        pl.col("last_contact_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def leads_export(*, practice: Practice, path: Path | str) -> int:
    frame = leads_frame(practice=practice)
    frame.write_csv(path)
    return frame.height
