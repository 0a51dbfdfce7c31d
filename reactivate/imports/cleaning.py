"""Turn read text columns into clean lead values and contact points, column-wise.

The result keeps every row: a row that cannot become a lead carries its reason in ``reject``;
values dropped from a kept row (a bad second phone, an unreadable date) are named in ``warnings``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
from nameparser import HumanName

from reactivate.core.emails import normalise_emails
from reactivate.core.phones import normalise_phones
from reactivate.core.treatments import normalise_all, vocabulary_for
from reactivate.imports.fields import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    EMAIL_FIELDS,
    FLAG_FIELDS,
    PHONE_FIELDS,
    Field,
    mailable,
    partial_address,
)
from reactivate.imports.mapping import Mapping
from reactivate.imports.quality import test_data_flags
from reactivate.imports.reading import ROW, Table
from reactivate.imports.values import parse_amounts, parse_datetimes, slash_date_order
from reactivate.imports.vocab import (
    is_true,
    map_reason,
    map_stage,
    map_status,
    stage_from_status,
)
from reactivate.leads.choices import STAGE_ORDER, DormancyReason, LeadStatus

TEXT_FIELDS = (
    Field.EXTERNAL_ID,
    Field.TREATMENT,
    Field.SOURCE,
    Field.LOST_REASON,
    Field.LANGUAGE,
    Field.STREET,
    Field.CITY,
    Field.STATE,
    Field.POSTAL_CODE,
    Field.COUNTRY,
)


@dataclass
class Cleaned:
    leads: pl.DataFrame  # one row per input row: _row, reject, warnings, lead fields
    contacts: pl.DataFrame  # _row, kind, value, raw, extension, line_type, timezone, position


def clean(
    table: Table,
    mapping: Mapping,
    *,
    country: str,
    zone: str,
    check_deliverability: bool = False,
    stalled_after_days: int = 60,
    vocabulary: str = "",
) -> Cleaned:
    src = table.frame

    def column(target: Field) -> pl.Series:
        header = mapping.column_for(target)
        if header is None:
            # A column of nulls made by polars: a Python list of a million Nones costs 30 ms.
            return pl.repeat(None, src.height, dtype=pl.Utf8, eager=True).alias(target.value)
        return src.get_column(header).alias(target.value)

    out = pl.DataFrame({ROW: src.get_column(ROW)})
    warnings: list[pl.Series] = []
    out = out.with_columns(column(f) for f in TEXT_FIELDS)
    # "Dental Implants", "implant" and "All-on-4" are one treatment in filters and reports.
    treatments = out.get_column(Field.TREATMENT.value)
    names = normalise_all(treatments.drop_nulls().unique().to_list(), vocabulary_for(vocabulary))
    out = out.with_columns(
        treatments.replace_strict(names, default=None, return_dtype=pl.Utf8)
        .replace("", None)
        .alias(Field.TREATMENT.value)
    )
    out = out.with_columns(
        _names(column(Field.FIRST_NAME), column(Field.LAST_NAME), column(Field.FULL_NAME))
    )
    out = out.with_columns(
        _stage(column(Field.STAGE), column(Field.STATUS)).alias("stage"),
        _mapped(column(Field.STATUS), map_status, None).alias("status"),
        _reason(column(Field.LOST_REASON), column(Field.STATUS)).alias("dormancy_reason"),
    )
    # 03/04/2025 means the same thing throughout one file: its unambiguous dates decide.
    day_first = slash_date_order([column(target) for target in DATE_FIELDS])
    for target in DATE_FIELDS:
        parsed = parse_datetimes(column(target), zone=zone, country=country, day_first=day_first)
        out = out.with_columns(parsed.get_column("value").alias(target.value))
        warnings.append(parsed.get_column("reason"))
    future = pl.col(Field.LAST_CONTACT_AT.value) > pl.lit(datetime.now(UTC) + timedelta(days=1))
    warnings.append(
        out.select(
            pl.when(future).then(
                pl.lit("last contact date in the future (")
                + column(Field.LAST_CONTACT_AT).cast(pl.Utf8)
                + pl.lit("; day and month the wrong way round?): left blank")
            )
        ).to_series()
    )
    out = out.with_columns(
        pl.when(future)
        .then(None)
        .otherwise(pl.col(Field.LAST_CONTACT_AT.value))
        .alias(Field.LAST_CONTACT_AT.value)
    )
    for target in AMOUNT_FIELDS:
        parsed = parse_amounts(column(target))
        out = out.with_columns(parsed.get_column("value").alias(target.value))
        warnings.append(parsed.get_column("reason"))
    # HubSpot's Total Revenue (and the like) stands in where the deal amount is blank.
    value, fallback = Field.ESTIMATED_VALUE.value, Field.VALUE_FALLBACK.value
    out = out.with_columns(pl.coalesce(value, fallback).alias(value)).drop(fallback)
    out = out.with_columns(_stalled_or_active(stalled_after_days).alias("status"))
    for target in FLAG_FIELDS:
        out = out.with_columns(_flag(column(target)).alias(target.value))
    out = out.with_columns(_custom(src, mapping).alias("custom"))

    contacts, contact_problems = _contacts(
        src, mapping, out.height, country=country, check_deliverability=check_deliverability
    )
    out = out.with_columns(test_data_flags(out, contacts).alias("test_flag"))
    has_contact = pl.Series(ROW, contacts.get_column(ROW).unique())
    has_address = out.select(mailable()).to_series()
    # A city and postal code without a street cannot take a letter: say so, keep the row
    # only if an email or phone reaches the person.
    contact_problems = pl.select(
        pl.concat_str(
            [
                contact_problems,
                out.select(
                    pl.when(partial_address()).then(pl.lit("address has no street line"))
                ).to_series(),
            ],
            separator="; ",
            ignore_nulls=True,
        ).replace("", None)
    ).to_series()
    all_empty = pl.all_horizontal(pl.col(h).is_null() for h in table.headers)
    empty = src.select(all_empty).to_series()
    reachable = out.get_column(ROW).is_in(has_contact.implode()) | has_address
    read_problem = out.get_column(ROW).replace_strict(
        table.problems, default=None, return_dtype=pl.Utf8
    )
    reject = pl.select(
        pl.when(read_problem.is_not_null())
        .then(read_problem)
        .when(empty)
        .then(pl.lit("empty row"))
        .when(~reachable)
        .then(
            pl.lit("no usable email, phone or address")
            + pl.when(contact_problems.is_not_null())
            .then(pl.lit(" (") + contact_problems + pl.lit(")"))
            .otherwise(pl.lit(""))
        )
    ).to_series()
    warnings.append(pl.select(pl.when(reachable).then(contact_problems)).to_series())
    joined = pl.select(pl.concat_str(warnings, separator="; ", ignore_nulls=True)).to_series()
    out = out.with_columns(
        reject.alias("reject"),
        pl.select(pl.when(reject.is_null()).then(joined.replace("", None)))
        .to_series()
        .alias("warnings"),
    )
    rejected_rows = out.filter(pl.col("reject").is_not_null()).get_column(ROW).implode()
    contacts = contacts.filter(~pl.col(ROW).is_in(rejected_rows))
    return Cleaned(leads=out, contacts=contacts)


def _names(first: pl.Series, last: pl.Series, full: pl.Series) -> list[pl.Series]:
    """First and last names; a single name column is split (nameparser for the hard ones)."""
    first = _tidy_name(first)
    last = _tidy_name(last)
    if full.null_count() < len(full):
        full = _tidy_name(full)
        need = first.is_null() & last.is_null() & full.is_not_null()
        values = full.filter(need).unique().to_list()
        parts = {v: _split_name(v) for v in values}
        split_first = full.replace_strict(
            {k: p[0] for k, p in parts.items()}, default=None, return_dtype=pl.Utf8
        )
        split_last = full.replace_strict(
            {k: p[1] for k, p in parts.items()}, default=None, return_dtype=pl.Utf8
        )
        first = first.zip_with(~need, split_first)
        last = last.zip_with(~need, split_last)
    return [first.alias("first_name").str.slice(0, 100), last.alias("last_name").str.slice(0, 100)]


def _split_name(value: str) -> tuple[str | None, str | None]:
    name = HumanName(value)
    first = " ".join(p for p in (name.first, name.middle) if p) or None
    last = " ".join(p for p in (name.last, name.suffix) if p) or None
    if first is None and last is None:
        return value, None
    return first, last


def _tidy_name(names: pl.Series) -> pl.Series:
    """Collapse spaces; "JOHN" and "john" become "John" (nameparser knows McDonald, O'Brien)."""
    tidy = names.cast(pl.Utf8).str.replace_all(r"\s+", " ").str.strip_chars().replace("", None)
    shouting = (
        tidy.is_not_null()
        & ((tidy == tidy.str.to_uppercase()) | (tidy == tidy.str.to_lowercase()))
        & tidy.str.contains(r"[A-Za-z]")
    )
    values = tidy.filter(shouting).unique().to_list()
    if not values:
        return tidy
    fixed = {}
    for value in values:
        name = HumanName(value)
        name.capitalize(force=True)
        fixed[value] = str(name) or value
    return tidy.zip_with(~shouting, tidy.replace_strict(fixed, default=None, return_dtype=pl.Utf8))


def _stage(stage: pl.Series, status: pl.Series) -> pl.Series:
    """The furthest stage the lifecycle column or the lead status shows (HubSpot's default
    export has only the status: "Open Deal" is a treatment plan, "Connected" a conversation)."""
    ranks = {s.value: rank for s, rank in STAGE_ORDER.items()}
    by_stage = _mapped(stage, map_stage, None).replace_strict(ranks, default=None)
    by_status = _mapped(status, stage_from_status, None).replace_strict(ranks, default=None)
    best = pl.select(pl.max_horizontal(by_stage, by_status).fill_null(0)).to_series()
    order = {rank: s.value for s, rank in STAGE_ORDER.items()}
    return best.replace_strict(order, return_dtype=pl.Utf8)


def _stalled_or_active(days: int) -> pl.Expr:
    """A lead the CRM calls active (or says nothing of) is stalled once its last activity is
    more than ``days`` old, or unknown: "Active" with nine quiet months is a stalled lead."""
    last = pl.coalesce(Field.LAST_CONTACT_AT.value, Field.INQUIRED_AT.value)
    quiet = last.is_null() | (last < pl.lit(datetime.now(UTC) - timedelta(days=days)))
    open_status = pl.col("status").is_null() | (pl.col("status") == LeadStatus.ACTIVE.value)
    return (
        pl.when(open_status & quiet)
        .then(pl.lit(LeadStatus.STALLED.value))
        .when(open_status)
        .then(pl.lit(LeadStatus.ACTIVE.value))
        .otherwise(pl.col("status"))
    )


def _mapped(values: pl.Series, rule, default: str | None) -> pl.Series:
    distinct = values.drop_nulls().unique().to_list()
    table = {v: (rule(v) or default) for v in distinct}
    return values.replace_strict(table, default=default, return_dtype=pl.Utf8)


def _reason(lost: pl.Series, status: pl.Series) -> pl.Series:
    text = pl.select(pl.coalesce(lost, status)).to_series()
    distinct = text.drop_nulls().unique().to_list()
    table = {v: map_reason(v).value for v in distinct}
    return text.replace_strict(table, default=DormancyReason.UNKNOWN.value, return_dtype=pl.Utf8)


def _flag(values: pl.Series) -> pl.Series:
    distinct = values.drop_nulls().unique().to_list()
    table = {v: is_true(v) for v in distinct}
    return values.replace_strict(table, default=False, return_dtype=pl.Boolean)


def _custom(src: pl.DataFrame, mapping: Mapping) -> pl.Series:
    """Unmapped columns as a JSON object of their non-empty values (nothing is lost)."""
    custom = mapping.custom_columns
    if not custom:
        return pl.repeat("{}", src.height, dtype=pl.Utf8, eager=True).alias("custom")
    parts = [
        pl.when(pl.col(header).is_not_null()).then(
            pl.lit(json.dumps(header)[:-1] + '":')
            + pl.col(header).map_batches(_json_strings, return_dtype=pl.Utf8)
        )
        for header in custom
    ]
    body = pl.concat_str(parts, separator=",", ignore_nulls=True)
    return src.select((pl.lit("{") + body.fill_null("") + pl.lit("}")).alias("custom")).to_series()


def _json_strings(values: pl.Series) -> pl.Series:
    # JSON-escape through a struct encode: fast and exact for any text.
    encoded = pl.DataFrame({"v": values}).select(pl.struct("v").struct.json_encode()).to_series()
    return encoded.str.slice(5).str.head(-1)


def _contacts(
    src: pl.DataFrame, mapping: Mapping, height: int, *, country: str, check_deliverability: bool
) -> tuple[pl.DataFrame, pl.Series]:
    """Long table of every usable email and phone, and per row the values that were not."""
    frames: list[pl.DataFrame] = []
    problems: list[pl.Series] = []
    position = 0
    for target in (*EMAIL_FIELDS, *PHONE_FIELDS):
        header = mapping.column_for(target)
        if header is None:
            continue
        # Only cells with something in them are worth normalising (a Mobile column is often
        # mostly blank).
        present = src.select(ROW, header).filter(pl.col(header).is_not_null())
        raw = present.get_column(header)
        if target in EMAIL_FIELDS:
            result = normalise_emails(raw, check_deliverability=check_deliverability)
            found = pl.DataFrame({"value": result.get_column("email")}).with_columns(
                pl.lit("email").alias("kind"),
                pl.lit(None, pl.Utf8).alias("extension"),
                pl.lit(None, pl.Utf8).alias("line_type"),
                pl.lit(None, pl.Utf8).alias("timezone"),
            )
        else:
            result = normalise_phones(raw, region=country)
            found = result.select(
                pl.col("phone").alias("value"),
                pl.lit("phone").alias("kind"),
                "extension",
                # A number from a "Mobile" column is a mobile even when the plan cannot tell.
                pl.col("line_type").replace("unknown", "mobile")
                if target == Field.MOBILE_PHONE
                else pl.col("line_type"),
                "timezone",
            )
        frames.append(
            found.with_columns(
                present.get_column(ROW), raw.alias("raw"), pl.lit(position).alias("position")
            )
        )
        problems.append(
            pl.DataFrame({ROW: present.get_column(ROW), "reason": result.get_column("reason")})
            .with_columns(pl.lit(position).alias("position"))
            .filter(pl.col("reason").is_not_null())
        )
        position += 1
    schema = {
        ROW: pl.UInt32,
        "kind": pl.Utf8,
        "value": pl.Utf8,
        "raw": pl.Utf8,
        "extension": pl.Utf8,
        "line_type": pl.Utf8,
        "timezone": pl.Utf8,
        "position": pl.Int32,
    }
    if not frames:
        return pl.DataFrame(schema=schema), pl.Series([None] * height, dtype=pl.Utf8)
    contacts = pl.concat(
        [f.select(pl.col(name).cast(dtype) for name, dtype in schema.items()) for f in frames]
    )
    contacts = (
        contacts.filter(pl.col("value").is_not_null())
        # The same number in "Phone" and "Mobile" is one contact point.
        .unique(subset=[ROW, "kind", "value"], keep="first", maintain_order=True)
    )
    reasons = (
        pl.concat(problems)
        .sort(ROW, "position")
        .group_by(ROW, maintain_order=True)
        .agg(pl.col("reason").str.join("; "))
    )
    joined = (
        src.select(ROW)
        .join(reasons, on=ROW, how="left", maintain_order="left")
        .get_column("reason")
    )
    return contacts, joined
