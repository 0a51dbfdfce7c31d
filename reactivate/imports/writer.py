"""Store an import: new leads, updates in place, contact points, opt-outs, merge history.

Runs inside the caller's transaction. Every lead read or written is the practice's own.
"""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
from django.db import connection

from reactivate.core.text import last_word_key_expr, search_key_expr
from reactivate.imports.reading import ROW
from reactivate.leads.choices import STAGE_ORDER, LeadStatus, Stage
from reactivate.leads.frames import (
    for_sqlite,
    insert_frame,
    read_frame,
    reserve_ids,
    sql_datetime,
    sql_float,
    sql_text,
)
from reactivate.tenancy.models import Practice

LEAD_TABLE = "leads_lead"
# Kept through a large load: every new lead enters this index at the end of its status's run
# (same practice, reach not yet scored, ids ascending), cheaper than sorting the whole table
# for it afterwards.
APPENDED_INDEXES = frozenset({"lead_practice_status_reach"})
STAGE_RANK = {stage.value: rank for stage, rank in STAGE_ORDER.items()}
RANK_STAGE = {rank: stage for stage, rank in STAGE_RANK.items()}
# Statuses the product itself decides; an imported status never overrides them.
KEPT_STATUSES = [
    LeadStatus.DO_NOT_CONTACT,
    LeadStatus.CONVERTED,
    LeadStatus.IN_SEQUENCE,
    LeadStatus.RESPONDED,
    LeadStatus.REACTIVATED,
    LeadStatus.SCHEDULED,
]
TEXT_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "treatment",
    "source",
    "lost_reason",
    "preferred_language",
)


def combine(accepted: pl.DataFrame) -> pl.DataFrame:
    """One row per person (component): first value seen for text, widest dates, best stage."""
    frame = accepted.sort(ROW).with_columns(
        pl.col("stage").replace_strict(STAGE_RANK, return_dtype=pl.Int8).alias("stage_rank"),
        pl.when(pl.col("do_not_contact"))
        .then(pl.lit(LeadStatus.DO_NOT_CONTACT.value))
        .otherwise(pl.col("status"))
        .alias("status"),
    )
    # Most people appear once: only components of several rows need aggregating.
    frame = frame.with_columns(pl.len().over("component").alias("_rows"))
    single = frame.filter(pl.col("_rows") == 1)
    several = frame.filter(pl.col("_rows") > 1)
    combined = several.group_by("component", maintain_order=True).agg(
        pl.col("lead_id").first(),
        *[pl.col(f).drop_nulls().first() for f in TEXT_FIELDS],
        pl.col("status").first(),
        pl.col("dormancy_reason")
        .filter(pl.col("dormancy_reason") != "unknown")
        .first()
        .fill_null("unknown"),
        pl.col("estimated_value").drop_nulls().first(),
        pl.col("acquisition_cost").drop_nulls().first(),
        pl.col("inquired_at").min(),
        pl.col("last_contact_at").max(),
        pl.col("stage_rank").max(),
        # Duplicates mostly carry the same custom fields, or none: only distinct, non-empty
        # objects need merging, and those few are merged in Python.
        pl.col("custom").filter(pl.col("custom") != "{}").unique(maintain_order=True),
    )
    several_objects = combined.get_column("custom").list.len() > 1
    merged = [_merge_custom(values) for values in combined.filter(several_objects)["custom"]]
    custom = combined.get_column("custom").list.first().cast(pl.Utf8).fill_null("{}")
    if merged:
        custom = custom.scatter(several_objects.arg_true(), merged)
    combined = combined.with_columns(custom)
    # Sorted by first row, so new lead ids follow the order of the file.
    people = pl.concat([single.select(combined.columns), combined]).sort("component")
    people = people.with_columns(
        pl.col("stage_rank").replace_strict(RANK_STAGE, return_dtype=pl.Utf8).alias("stage")
    )
    return people.with_columns(fingerprint(people))


FINGERPRINTED = (
    *TEXT_FIELDS,
    "stage",
    "status",
    "dormancy_reason",
    "estimated_value",
    "acquisition_cost",
    "inquired_at",
    "last_contact_at",
    "custom",
)


def fingerprint(people: pl.DataFrame) -> pl.Expr:
    """One 64-bit hash of everything an import would write for a person.

    Hashed from the typed values themselves (a struct), not from their text: turning a
    million amounts and dates into strings cost more than the hash. polars does not promise
    the same hash across its versions; after an upgrade the first re-import compares every
    lead value by value once (still writing only what changed) and stores the new hashes.
    """
    return pl.struct(list(FINGERPRINTED)).hash(seed=7).reinterpret(signed=True).alias("fingerprint")


def _merge_custom(values: pl.Series) -> str:
    """Custom fields of several rows of one person: the first row's value of a key wins."""
    merged: dict = {}
    for text in values:
        merged.update({k: v for k, v in json.loads(text).items() if k not in merged})
    return json.dumps(merged, ensure_ascii=False)


def new_leads(people: pl.DataFrame) -> pl.DataFrame:
    """The people without a lead yet, each with the id its lead will be stored under."""
    new = people.filter(pl.col("lead_id").is_null())
    ids = reserve_ids(LEAD_TABLE, new.height)
    return new.with_columns(pl.Series("id", ids, dtype=pl.Int64))


def create_leads(
    practice: Practice, new: pl.DataFrame, now: datetime, batch_id: int | None = None
) -> pl.DataFrame:
    """Insert ``new`` (from ``new_leads``); return component → lead_id for them."""
    insert_frame(
        LEAD_TABLE,
        new.select(
            "id",
            *[
                pl.col(f).fill_null("")
                for f in ("first_name", "last_name", "treatment", "source", "external_id")
            ],
            search_key_expr("first_name").alias("first_key"),
            search_key_expr("last_name").alias("last_key"),
            last_word_key_expr("last_name").alias("last_word_key"),
            pl.col("stage").fill_null(Stage.FORM.value),
            "status",
            pl.col("estimated_value").round(2),
            pl.col("acquisition_cost").round(2),
            "dormancy_reason",
            pl.col("lost_reason").fill_null("").alias("dormancy_note"),
            pl.col("preferred_language").fill_null("en"),
            "inquired_at",
            "last_contact_at",
            pl.col("custom").alias("custom_fields"),
            pl.col("fingerprint").alias("import_fingerprint"),
        ),
        constants={
            "practice_id": practice.pk,
            "import_batch_id": batch_id,
            "next_eligible_at": None,
            "cycle_count": 0,
            "created_at": now,
            "updated_at": now,
        },
    )
    return new.select("component", pl.col("id").alias("lead_id"))


def known_leads(practice: Practice) -> pl.DataFrame:
    """What matching needs of every lead of the practice: ids, CRM ids, names, fingerprint."""
    return read_frame(
        LEAD_TABLE,
        {
            "lead_id": ("id", pl.Int64),
            "external_id": ("NULLIF(external_id, '')", pl.Utf8),
            "first_name": ("NULLIF(first_name, '')", pl.Utf8),
            "last_name": ("NULLIF(last_name, '')", pl.Utf8),
            "stored_fingerprint": ("import_fingerprint", pl.Int64),
        },
        "practice_id = %s",
        [practice.pk],
        empty_text_is_null=True,
    )


def current_leads(practice: Practice, ids: list[int]) -> pl.DataFrame:
    """The stored values of the leads an import is about to change."""
    columns = {
        "lead_id": ("id", pl.Int64),
        "cur_first_name": ("first_name", pl.Utf8),
        "cur_last_name": ("last_name", pl.Utf8),
        "cur_treatment": ("treatment", pl.Utf8),
        "cur_source": ("source", pl.Utf8),
        "cur_external_id": ("external_id", pl.Utf8),
        "cur_stage": ("stage", pl.Utf8),
        "cur_status": ("status", pl.Utf8),
        "cur_estimated_value": (sql_float("estimated_value"), pl.Float64),
        "cur_acquisition_cost": (sql_float("acquisition_cost"), pl.Float64),
        "cur_dormancy_reason": ("dormancy_reason", pl.Utf8),
        "cur_dormancy_note": ("dormancy_note", pl.Utf8),
        "cur_inquired_at": (sql_datetime("inquired_at"), pl.Datetime("us", "UTC")),
        "cur_last_contact_at": (sql_datetime("last_contact_at"), pl.Datetime("us", "UTC")),
        "cur_custom": (sql_text("custom_fields"), pl.Utf8),
    }
    frames = [
        read_frame(
            LEAD_TABLE,
            columns,
            f"practice_id = %s AND id IN ({','.join(map(str, chunk))})",
            [practice.pk],
        )
        for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000))
    ]
    return pl.concat(frames) if frames else read_frame(LEAD_TABLE, columns, "0 = 1", [])


def update_leads(
    practice: Practice, people: pl.DataFrame, stored: pl.DataFrame, now: datetime
) -> int:
    """Fold new information into existing leads; write only the ones that changed."""
    # A person whose file values hash as at the last import has nothing new to say.
    known = (
        people.filter(pl.col("lead_id").is_not_null())
        .join(stored, on="lead_id", how="left")
        .filter(
            pl.col("stored_fingerprint").is_null()
            | (pl.col("stored_fingerprint") != pl.col("fingerprint"))
        )
    )
    if known.is_empty():
        return 0
    current = current_leads(practice, known.get_column("lead_id").to_list())
    both = known.join(current, on="lead_id")

    def fill_blank(name: str, incoming: str | None = None) -> pl.Expr:
        cur = pl.col(f"cur_{name}")
        return pl.when(cur == "").then(pl.col(incoming or name).fill_null("")).otherwise(cur)

    def prefer_incoming(name: str) -> pl.Expr:
        return pl.coalesce(pl.col(name), pl.col(f"cur_{name}"))

    stage_rank = pl.max_horizontal(
        pl.col("cur_stage").replace_strict(STAGE_RANK, return_dtype=pl.Int8), "stage_rank_new"
    )
    both = both.with_columns(
        pl.col("stage").replace_strict(STAGE_RANK, return_dtype=pl.Int8).alias("stage_rank_new")
    )
    new_values = both.select(
        "lead_id",
        fill_blank("first_name").alias("first_name"),
        fill_blank("last_name").alias("last_name"),
        pl.coalesce(pl.col("treatment"), pl.col("cur_treatment")).alias("treatment"),
        fill_blank("source").alias("source"),
        fill_blank("external_id").alias("external_id"),
        stage_rank.replace_strict(RANK_STAGE, return_dtype=pl.Utf8).alias("stage"),
        pl.when(
            pl.col("cur_status").is_in([s.value for s in KEPT_STATUSES])
            & (pl.col("status") != "do_not_contact")
        )
        .then(pl.col("cur_status"))
        .otherwise(pl.col("status"))
        .alias("status"),
        prefer_incoming("estimated_value").alias("estimated_value"),
        prefer_incoming("acquisition_cost").alias("acquisition_cost"),
        pl.when(pl.col("dormancy_reason") != "unknown")
        .then(pl.col("dormancy_reason"))
        .otherwise(pl.col("cur_dormancy_reason"))
        .alias("dormancy_reason"),
        pl.coalesce(pl.col("lost_reason"), pl.col("cur_dormancy_note")).alias("dormancy_note"),
        pl.min_horizontal("inquired_at", "cur_inquired_at").alias("inquired_at"),
        pl.max_horizontal("last_contact_at", "cur_last_contact_at").alias("last_contact_at"),
        pl.col("cur_custom").alias("custom_fields"),
        pl.col("fingerprint").alias("import_fingerprint"),
    )
    # Fold custom fields in Python only where the file's differ from what is stored.
    differs = both.get_column("custom") != both.get_column("cur_custom")
    if differs.any():
        folded = [
            _fold_custom(cur, new)
            for cur, new in both.filter(differs).select("cur_custom", "custom").iter_rows()
        ]
        new_values = new_values.with_columns(
            new_values.get_column("custom_fields").clone().scatter(differs.arg_true(), folded)
        )
    old_values = both.select(
        "lead_id",
        *[
            pl.col(f"cur_{c}").alias(c)
            for c in (
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
                "dormancy_note",
                "inquired_at",
                "last_contact_at",
            )
        ],
        pl.col("cur_custom").alias("custom_fields"),
        pl.col("stored_fingerprint").alias("import_fingerprint"),
    )
    changed = new_values.join(old_values, on=new_values.columns, how="anti", nulls_equal=True)
    if changed.is_empty():
        return 0
    _update_rows(
        changed.with_columns(
            pl.lit(now).dt.replace_time_zone("UTC").alias("updated_at"),
            search_key_expr("first_name").alias("first_key"),
            search_key_expr("last_name").alias("last_key"),
            last_word_key_expr("last_name").alias("last_word_key"),
        )
    )
    return changed.height


def _fold_custom(current: str | None, incoming: str | None) -> str:
    """Existing custom fields, updated with the file's (a value in the file wins)."""
    base = json.loads(current) if current else {}
    extra = json.loads(incoming) if incoming else {}
    if not extra or all(base.get(k) == v for k, v in extra.items()):
        return current or "{}"
    base.update(extra)
    return json.dumps(base, ensure_ascii=False)


def _update_rows(changed: pl.DataFrame) -> None:
    columns = [c for c in changed.columns if c != "lead_id"]
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    if connection.vendor == "postgresql":
        assignments = assignments.replace('"custom_fields" = %s', '"custom_fields" = %s::jsonb')
    rows = (
        for_sqlite(changed.select(*columns, "lead_id"))
        if connection.vendor == "sqlite"
        else changed.select(*columns, "lead_id")
    )
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {LEAD_TABLE} SET {assignments} WHERE id = %s", rows.iter_rows())
