"""The practice's leads as one CSV row each (the `reactivate export-leads` contract)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reactivate.leads.imports.bulk import read_frame, sql_datetime, sql_text
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
        "SELECT id, external_id, first_name, last_name, stage, status, "
        f"{sql_text('estimated_value')}, dormancy_reason, {sql_datetime('last_contact_at')} "
        "FROM leads_lead WHERE practice_id = %s ORDER BY id",
        [practice.pk],
        {
            "lead_id": pl.Int64,
            "external_id": pl.Utf8,
            "first_name": pl.Utf8,
            "last_name": pl.Utf8,
            "stage": pl.Utf8,
            "status": pl.Utf8,
            "estimated_value": pl.Utf8,
            "dormancy_reason": pl.Utf8,
            "last_contact_at": pl.Datetime("us", "UTC"),
        },
    )
    points = read_frame(
        "SELECT lead_id, kind, value, is_primary, id FROM leads_contactpoint "
        "WHERE practice_id = %s AND kind IN ('email', 'phone')",
        [practice.pk],
        {
            "lead_id": pl.Int64,
            "kind": pl.Utf8,
            "value": pl.Utf8,
            "is_primary": pl.Boolean,
            "id": pl.Int64,
        },
    )
    joined = (
        points.sort("lead_id", pl.col("is_primary").not_(), "id")
        .group_by("lead_id", "kind", maintain_order=True)
        .agg(pl.col("value").str.join(";"))
        .pivot(on="kind", index="lead_id", values="value")
    )
    for kind in ("email", "phone"):
        if kind not in joined.columns:
            joined = joined.with_columns(pl.lit(None, pl.Utf8).alias(kind))
    return leads.join(joined, on="lead_id", how="left").select(
        "lead_id",
        "external_id",
        "first_name",
        "last_name",
        pl.col("email").fill_null("").alias("emails"),
        pl.col("phone").fill_null("").alias("phones"),
        "stage",
        "status",
        # SQLite may hand back 4500 or 4500.0; write every amount the same way.
        pl.col("estimated_value")
        .cast(pl.Float64)
        .round(2)
        .map_elements(lambda v: f"{v:.2f}", return_dtype=pl.Utf8),
        "dormancy_reason",
        pl.col("last_contact_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def leads_export(*, practice: Practice, path: Path | str) -> int:
    frame = leads_frame(practice=practice)
    frame.write_csv(path)
    return frame.height
