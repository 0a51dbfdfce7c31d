"""Contact points, opt-outs and merge history for an import (inside the caller's transaction)."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
from django.utils import timezone

from reactivate.imports.fields import mailable
from reactivate.imports.reading import ROW
from reactivate.leads.choices import Channel, InteractionKind
from reactivate.leads.frames import insert_frame, read_frame
from reactivate.leads.optout import opt_out_leads
from reactivate.tenancy.models import Practice

POINT_TABLE = "leads_contactpoint"


def existing_points(practice: Practice) -> pl.DataFrame:
    """lead_id and "kind:value" key of every email and phone the practice already has."""
    return read_frame(
        POINT_TABLE,
        {"lead_id": ("lead_id", pl.Int64), "key": ("kind || ':' || value", pl.Utf8)},
        "practice_id = %s AND kind IN ('email', 'phone')",
        [practice.pk],
    )


def addresses(accepted: pl.DataFrame) -> pl.DataFrame:
    """One-line postal addresses from the address columns, as contact points."""
    parts = pl.concat_str(
        [
            pl.col("street"),
            pl.col("city"),
            pl.concat_str(
                [pl.col("state"), pl.col("postal_code")], separator=" ", ignore_nulls=True
            ).replace("", None),
            pl.col("country"),
        ],
        separator=", ",
        ignore_nulls=True,
    ).replace("", None)
    return accepted.filter(mailable()).select(
        ROW,
        pl.lit("address").alias("kind"),
        parts.str.slice(0, 320).alias("value"),
        parts.alias("raw"),
        pl.lit(None, pl.Utf8).alias("extension"),
        pl.lit(None, pl.Utf8).alias("line_type"),
        pl.lit(None, pl.Utf8).alias("timezone"),
        pl.lit(99, pl.Int32).alias("position"),
    )


def new_points(
    contacts: pl.DataFrame, row_leads: pl.DataFrame, known: pl.DataFrame
) -> pl.DataFrame:
    """Every address and number not yet on its lead; the first of a kind becomes primary."""
    points = (
        contacts.join(row_leads, on=ROW)
        .sort("lead_id", ROW, "position")
        .filter(pl.struct("lead_id", "kind", "value").is_first_distinct())
    )
    if not known.is_empty():
        points = points.join(
            known.select(
                "lead_id",
                pl.col("key").str.split_exact(":", 1).struct.rename_fields(["kind", "value"]),
            ).unnest("key"),
            on=["lead_id", "kind", "value"],
            how="anti",
            maintain_order="left",
        )
        had_kind = known.select(
            "lead_id", pl.col("key").str.extract(r"^(\w+):", 1).alias("kind")
        ).unique()
        points = points.join(
            had_kind.with_columns(pl.lit(True).alias("had_kind")),
            on=["lead_id", "kind"],
            how="left",
            # The order decides which point of a kind is first, and so primary.
            maintain_order="left",
        )
    else:
        points = points.with_columns(pl.lit(None, pl.Boolean).alias("had_kind"))
    # The first address or number of a kind becomes primary unless the lead already had one.
    points = points.with_columns(
        (pl.col("had_kind").is_null() & pl.struct("lead_id", "kind").is_first_distinct()).alias(
            "is_primary"
        )
    )
    return points.select(
        "lead_id",
        "kind",
        "value",
        pl.col("raw").fill_null("").str.slice(0, 500).alias("raw_value"),
        pl.col("extension").fill_null(""),
        pl.col("line_type").fill_null("unknown"),
        pl.col("timezone").fill_null(""),
        "is_primary",
    )


def create_points(practice: Practice, points: pl.DataFrame, now: datetime) -> int:
    """Insert ``points`` (from ``new_points``)."""
    insert_frame(
        POINT_TABLE,
        points,
        constants={"practice_id": practice.pk, "label": "", "validity": "valid", "created_at": now},
    )
    return points.height


# The CRM's opt-out flags and the channel each was given on. Any of them stops the person
# everywhere (DESIGN rule 2), through the one opt-out service.
OPT_OUTS = (
    ("email_opt_out", Channel.EMAIL),
    ("sms_opt_out", Channel.SMS),
    ("call_opt_out", Channel.CALL),
    ("do_not_contact", ""),
)


def apply_opt_outs(
    practice: Practice, accepted: pl.DataFrame, row_leads: pl.DataFrame, filename: str
) -> int:
    """Opt-outs the CRM knew about; returns how many leads were opted out."""
    flagged = accepted.select(ROW, *(flag for flag, _ in OPT_OUTS)).join(row_leads, on=ROW)
    now = timezone.now()
    changed = 0
    for flag, channel in OPT_OUTS:
        lead_ids = flagged.filter(pl.col(flag)).get_column("lead_id").unique().to_list()
        if lead_ids:
            changed += opt_out_leads(
                practice=practice,
                lead_ids=lead_ids,
                channel=channel,
                source=f"CRM export {filename}",
                evidence=f"{flag.replace('_', ' ')} in the CRM",
                at=now,
            )
    return changed


def record_merges(practice: Practice, merged: pl.DataFrame, filename: str) -> None:
    """A timeline entry on each lead that absorbed duplicate rows of this file."""
    if merged.is_empty():
        return
    now = timezone.now()
    name = json.dumps(filename)
    insert_frame(
        "leads_interaction",
        merged.select(
            "lead_id",
            (
                pl.lit("Merged duplicate row ")
                + pl.col(ROW).cast(pl.Utf8)
                + pl.lit(f" of {filename} (same email, phone or CRM id)")
            )
            .str.slice(0, 300)
            .alias("summary"),
            (pl.lit('{"row": ') + pl.col(ROW).cast(pl.Utf8) + pl.lit(f', "file": {name}}}')).alias(
                "data"
            ),
        ),
        constants={
            "practice_id": practice.pk,
            "kind": InteractionKind.MERGE.value,
            "channel": "",
            "actor_id": None,
            "actor_label": "import",
            "body": "",
            "occurred_at": now,
            "created_at": now,
        },
    )
