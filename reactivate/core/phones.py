"""Phone numbers to E.164, vectorised for the shapes that make up nearly every export.

phonenumbers costs ~10 µs a number, so a million rows would take ten seconds on one core.
North American numbers in their common shapes are normalised with polars expressions; only
the rest (international, odd shapes, candidates for rejection) go through the library, once
per distinct value.
"""

from __future__ import annotations

from functools import cache, lru_cache

import phonenumbers
import polars as pl
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as pn_timezone

# Countries that share the +1 plan: a 10-digit number there is a full national number.
NANP_REGIONS = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP", "BS", "BB", "JM", "TT", "DO"})
EXTENSION = r"(?i)\s*(?:ext\.?|extension|x|#)\s*(\d{1,7})\s*$"
LINE_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.VOIP: "voip",
}


def normalise_phones(raw: pl.Series, *, region: str) -> pl.DataFrame:
    """Return columns ``phone`` (E.164 or null), ``extension``, ``reason`` (why rejected),
    ``line_type`` and ``timezone``, one row per input value, nulls for blank input."""
    region = region.upper()
    frame = pl.DataFrame({"raw": raw.cast(pl.Utf8)}).with_columns(
        pl.col("raw").str.strip_chars().replace("", None).alias("raw")
    )
    frame = frame.with_columns(
        pl.col("raw").str.extract(EXTENSION, 1).fill_null("").alias("extension"),
        pl.col("raw").str.replace(EXTENSION, "").alias("main"),
    ).with_columns(pl.col("main").str.replace_all(r"\D", "").alias("digits"))
    if region in NANP_REGIONS:
        national = (
            pl.when(pl.col("digits").str.len_chars() == 10)
            .then(pl.col("digits"))
            .when((pl.col("digits").str.len_chars() == 11) & pl.col("digits").str.starts_with("1"))
            .then(pl.col("digits").str.slice(1))
        )
        plus_other = pl.col("main").str.starts_with("+") & ~pl.col("main").str.starts_with("+1")
        frame = frame.with_columns(
            pl.when(~plus_other & national.str.contains(r"^[2-9]\d\d[2-9]\d{6}$"))
            .then(national)
            .alias("nanp")
        )
        # Area codes are checked against phonenumbers' data once each, not once a row.
        npas = frame.get_column("nanp").drop_nulls().str.slice(0, 3).unique().to_list()
        valid_npas = [npa for npa in npas if _npa_is_valid(npa)]
        frame = frame.with_columns(
            pl.when(
                pl.col("nanp").str.slice(0, 3).is_in(valid_npas)
                & ~pl.col("nanp").is_in([str(d) * 10 for d in range(2, 10)])
            )
            .then(pl.col("nanp"))
            .alias("nanp")
        )
        fictional = pl.col("nanp").str.contains(r"^\d{3}55501\d\d$")
        frame = frame.with_columns(
            pl.when(fictional).then(None).otherwise("+1" + pl.col("nanp")).alias("fast"),
            pl.when(fictional)
            .then(pl.lit("fictional 555-01xx number"))
            .otherwise(None)
            .alias("fast_reason"),
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Utf8).alias("fast"), pl.lit(None, pl.Utf8).alias("fast_reason")
        )

    slow_values = (
        frame.filter(
            pl.col("raw").is_not_null() & pl.col("fast").is_null() & pl.col("fast_reason").is_null()
        )
        .get_column("main")
        .unique()
        .to_list()
    )
    slow = _parse_each(slow_values, region)
    frame = frame.join(slow, on="main", how="left", maintain_order="left")
    frame = frame.with_columns(
        pl.coalesce("fast", "slow_phone").alias("phone"),
        pl.when(pl.col("raw").is_null())
        .then(None)
        .otherwise(pl.coalesce("fast_reason", "slow_reason"))
        .alias("reason"),
    )
    zones = _zones_for(frame.get_column("phone").drop_nulls().str.slice(0, 5).unique().to_list())
    frame = frame.with_columns(pl.col("phone").str.slice(0, 5).alias("prefix")).join(
        zones, on="prefix", how="left", maintain_order="left"
    )
    return frame.select(
        "phone",
        pl.when(pl.col("phone").is_not_null()).then(pl.col("extension")).alias("extension"),
        pl.when(pl.col("phone").is_null()).then(pl.col("reason")).alias("reason"),
        pl.coalesce("slow_line_type", pl.lit("unknown")).alias("line_type"),
        pl.coalesce("slow_timezone", "prefix_timezone").alias("timezone"),
    )


def _parse_each(values: list[str], region: str) -> pl.DataFrame:
    rows = [(value, *parse_phone(value, region)) for value in values]
    return pl.DataFrame(
        rows,
        schema={
            "main": pl.Utf8,
            "slow_phone": pl.Utf8,
            "slow_reason": pl.Utf8,
            "slow_line_type": pl.Utf8,
            "slow_timezone": pl.Utf8,
        },
        orient="row",
    )


def parse_phone(value: str, region: str) -> tuple[str | None, str | None, str, str | None]:
    """(E.164, reason it was rejected, line type, time zone) for one number."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if not digits:
        return None, "no digits in phone number", "unknown", None
    if len(set(digits)) == 1 or (len(digits) >= 7 and digits in "12345678901234567890"):
        return None, "placeholder phone number", "unknown", None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        return None, f"not a phone number ({exc._msg.rstrip('.').lower()})", "unknown", None
    # The country code names the country cheaply; region_code_for_number would walk every
    # North American region's patterns for each number.
    where = phonenumbers.region_code_for_country_code(number.country_code)
    where = region if where == "ZZ" else where
    if not phonenumbers.is_possible_number(number):
        return None, f"not a valid {where} phone number (wrong length)", "unknown", None
    if not phonenumbers.is_valid_number(number):
        return None, f"not a valid {where} phone number", "unknown", None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.country_code == 1 and e164[5:10].startswith("55501"):
        return None, "fictional 555-01xx number", "unknown", None
    line_type = LINE_TYPES.get(phonenumbers.number_type(number), "unknown")
    return e164, None, line_type, _single_zone(number)


def _zones_for(prefixes: list[str]) -> pl.DataFrame:
    """Time zone by "+1NPA" prefix: the area code decides it for North American numbers."""
    rows = [(p, _nanp_zone(p) if p.startswith("+1") else None) for p in prefixes]
    return pl.DataFrame(rows, schema={"prefix": pl.Utf8, "prefix_timezone": pl.Utf8}, orient="row")


@cache
def _npa_is_valid(npa: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(f"+1{npa}2345678"))


@cache
def _nanp_zone(prefix: str) -> str | None:
    try:
        number = phonenumbers.parse(prefix + "2000000")
    except phonenumbers.NumberParseException:
        return None
    return _single_zone(number)


def _single_zone(number: phonenumbers.PhoneNumber) -> str | None:
    zones = pn_timezone.time_zones_for_number(number)
    # Several zones (or "Etc/Unknown") means we do not know: callers fall back to the practice's.
    if len(zones) == 1 and zones[0] != pn_timezone.UNKNOWN_TIMEZONE:
        return zones[0]
    return None


@lru_cache(maxsize=1024)
def format_national(value: str, region: str) -> str:
    """A stored number the way people write it at home: +18055550142 → (805) 555-0142."""
    try:
        number = phonenumbers.parse(value, region or "US")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY", "Washington D.C.": "DC",
}  # fmt: skip


def state_for_number(e164: str) -> str | None:
    """The US state a number's area code belongs to ("+13055550177" → "FL"), when known."""
    if not e164.startswith("+1") or len(e164) != 12:
        return None
    # An area code lies in one state: cache by it, not by number, so that a worker that
    # checks a million numbers keeps a few hundred answers, not a million.
    return _state_for_area(e164[:5], e164)


_AREA_STATES: dict[str, str] = {}


def _state_for_area(area: str, sample: str) -> str | None:
    if area in _AREA_STATES:
        return _AREA_STATES[area]
    from phonenumbers import geocoder

    try:
        number = phonenumbers.parse(sample)
    except phonenumbers.NumberParseException:
        return None  # a malformed number says nothing about its area code
    place = geocoder.description_for_number(number, "en")
    state = US_STATES.get(place)
    if state is None:
        tail = place.rsplit(", ", 1)[-1]
        state = tail if tail in US_STATES.values() else None
    if state is not None:
        # Only answers are kept: a geocoder that knows no place for this exchange may still
        # know one for another number in the same area code.
        _AREA_STATES[area] = state
    return state


def e164_typed(value: str, region: str) -> str | None:
    """The E.164 form of a number someone typed to look it up ("(773) 555-0142"), or None.
    Only its shape is checked: a search finds what was stored, valid or not."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
