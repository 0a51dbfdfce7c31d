"""Dates and amounts as exports write them, parsed column-wise with polars."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import polars as pl

# Tried in order on the values still unparsed, so a column in one format costs one pass.
AWARE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%:z",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S%:z",
)
NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%b %d %Y %I:%M %p",  # GoHighLevel: "Jul 22 2026 02:09 PM"
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
)
MONTH_FIRST = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%m/%d/%y")
DAY_FIRST = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y")
# Countries that write 03/04/2026 as 4 March; everywhere else reads it as 3 April.
MONTH_FIRST_COUNTRIES = frozenset({"US", "PR", "PH", "FM", "MH", "PW", "BZ"})


def per_distinct(column: pl.Series, parse: Callable[[pl.Series], pl.DataFrame]) -> pl.DataFrame:
    """``parse`` applied to each distinct non-null text once, its columns given back row by
    row (nulls for null input): exports repeat the same dates and amounts endlessly."""
    distinct = column.drop_nulls().unique()
    lookup = parse(distinct).with_columns(distinct.alias("_text"))
    return (
        column.alias("_text")
        .to_frame()
        .join(lookup, on="_text", how="left", maintain_order="left")
        .drop("_text")
    )


SLASH_DATE = r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b"


def slash_date_order(columns: list[pl.Series]) -> bool | None:
    """Whether a file writes day first (31/01/2025) or month first (01/31/2025), from the
    values only one reading fits; None when none tells, or the file contradicts itself (the
    country's convention then decides)."""
    first_big = second_big = False
    for raw in columns:
        parts = raw.cast(pl.Utf8).drop_nulls().unique().str.extract_groups(SLASH_DATE)
        a = parts.struct.field("1").cast(pl.Int32, strict=False)
        b = parts.struct.field("2").cast(pl.Int32, strict=False)
        first_big = first_big or bool((a > 12).any())
        second_big = second_big or bool((b > 12).any())
    if first_big == second_big:
        return None
    return first_big


def parse_datetimes(
    raw: pl.Series, *, zone: str, country: str = "US", day_first: bool | None = None
) -> pl.DataFrame:
    """Columns ``value`` (UTC datetime or null) and ``reason`` (set when a value did not parse).

    Dates without an offset are taken in ``zone`` (the practice's time zone). ``day_first``
    is the file's own date order (``slash_date_order``); None falls back on the country's.
    """
    column = raw.cast(pl.Utf8).str.strip_chars().replace("", None)
    value = per_distinct(
        column,
        lambda text: _parse_distinct(
            text, zone=zone, country=country, day_first=day_first
        ).to_frame(),
    ).get_column("value")
    reason = pl.select(
        pl.when(value.is_null() & column.is_not_null())
        .then(pl.lit("unreadable date: ") + column)
        .otherwise(None)
    ).to_series()
    return pl.DataFrame({"value": value, "reason": reason})


def _parse_distinct(
    text: pl.Series, *, zone: str, country: str, day_first: bool | None = None
) -> pl.Series:
    result = pl.Series("value", [None] * len(text), dtype=pl.Datetime("us", "UTC"))

    digits = text.str.contains(r"^\d{9,13}(?:\.\d+)?$").fill_null(False)
    if digits.any():
        number = text.str.extract(r"^(\d+)", 1).cast(pl.Int64, strict=False)
        # 13 digits: epoch milliseconds (HubSpot, JavaScript); 9-10: epoch seconds.
        micros = pl.select(
            pl.when(text.str.len_chars() >= 12)
            .then(number * 1000)
            .otherwise(number * 1_000_000)
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone("UTC")
        ).to_series()
        result = result.zip_with(~digits, micros)

    if day_first is None:
        day_first = country.upper() not in MONTH_FIRST_COUNTRIES
    naive = NAIVE_FORMATS + (DAY_FIRST + MONTH_FIRST if day_first else MONTH_FIRST + DAY_FIRST)
    for fmt in AWARE_FORMATS + naive:
        pending = result.is_null() & text.is_not_null()
        if not pending.any():
            break
        parsed = text.str.to_datetime(fmt, strict=False, time_unit="us")
        if fmt in AWARE_FORMATS:
            parsed = parsed.dt.convert_time_zone("UTC")
        else:
            local = parsed.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
            # A wall-clock time skipped by the spring DST change is read an hour later.
            shifted = (parsed + timedelta(hours=1)).dt.replace_time_zone(
                zone, ambiguous="earliest", non_existent="null"
            )
            parsed = local.fill_null(shifted).dt.convert_time_zone("UTC")
        result = result.zip_with(~pending | parsed.is_null(), parsed)
    return result


def parse_amounts(raw: pl.Series) -> pl.DataFrame:
    """ "$15,000.00", "15k", "1.2M", "€ 12.500,00", "USD 900" → Decimal-ready strings (2 places)."""
    return per_distinct(raw.cast(pl.Utf8), _parse_distinct_amounts)


def _parse_distinct_amounts(raw: pl.Series) -> pl.DataFrame:
    text = (
        raw.str.strip_chars()
        .str.replace_all(r"(?i)^(usd|us\$|cad|eur|gbp|aud)\s*|\s*(usd|cad|eur|gbp|aud)$", "")
        .str.replace_all(r"[$€£\s\u00a0]", "")
        .replace("", None)
    )
    frame = pl.DataFrame({"t": text}).with_columns(
        pl.col("t").str.extract(r"(?i)([km])$", 1).str.to_lowercase().alias("suffix"),
        pl.col("t").str.replace(r"(?i)[km]$", "").alias("n"),
    )
    european = pl.col("n").str.contains(r"^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$|^-?\d+,\d{1,2}$")
    number = (
        pl.when(european)
        .then(pl.col("n").str.replace_all(r"\.", "").str.replace(",", "."))
        .otherwise(pl.col("n").str.replace_all(",", ""))
    )
    frame = frame.with_columns(number.cast(pl.Float64, strict=False).alias("f"))
    scale = pl.col("suffix").replace_strict(
        {"k": 1e3, "m": 1e6}, default=1.0, return_dtype=pl.Float64
    )
    frame = frame.with_columns((pl.col("f") * scale).round(2).alias("value"))
    return frame.select(
        pl.when(pl.col("value") >= 0).then(pl.col("value")).alias("value"),
        pl.when(pl.col("t").is_not_null() & ~(pl.col("value") >= 0).fill_null(False))
        .then(pl.lit("unreadable amount: ") + raw.cast(pl.Utf8))
        .alias("reason"),
    )
