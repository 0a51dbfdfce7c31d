"""A large, messy HubSpot-format export for benchmarks (vectorised: 1M rows in seconds).

Mess as real exports have it: mixed phone shapes and extensions, shouting and padded emails,
blank and invalid values, date formats, amounts with symbols, and ~5% duplicate people in
disguise (different case, formatting, or only one contact in common).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import polars as pl

from reactivate.leads.synthetic import AREA_CODES as AREAS
from reactivate.leads.synthetic import FIRST_NAMES as FIRST
from reactivate.leads.synthetic import LAST_NAMES as LAST

HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Mobile Phone Number",
    "Lifecycle Stage",
    "Lead Status",
    "Create Date",
    "Last Activity Date",
    "Original Source",
    "Contact owner",
    "Treatment",
    "Quoted Amount",
    "Lost Reason",
]
STAGES = ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "subscriber"]
STATUSES = ["NEW", "OPEN", "IN_PROGRESS", "ATTEMPTED_TO_CONTACT", "BAD_TIMING", "UNQUALIFIED"]
TREATMENTS = ["Dental implant", "All-on-4", "Invisalign", "Veneers", "Crown", "Whitening"]
REASONS = [
    "",
    "",
    "Too expensive",
    "Went with another dentist",
    "Needs to talk to spouse",
    "Wants to wait until after the holidays",
    "Moved",
    "Never got a call back",
]


def generate(rows: int, seed: int = 42) -> pl.DataFrame:
    rng = random.Random(seed)

    def pick(values: list | range) -> list:
        return rng.choices(values, k=rows)

    frame = pl.DataFrame(
        {
            "serial": range(1, rows + 1),
            "first": pick(FIRST),
            "last": pick(LAST),
            "area": pick(AREAS),
            "exchange": pick(range(200, 999)),
            "line": pick(range(10000)),
            "shape": pick(range(6)),
            "mess": [rng.random() for _ in range(rows)],
            "days": pick(range(30, 3 * 365)),
            "gap": pick(range(90)),
            "amount": [a * 100 for a in pick(range(5, 300))],
            "stage": pick(STAGES),
            "status": pick(STATUSES),
            "treatment": pick(TREATMENTS),
            "reason": pick(REASONS),
            "source": pick(["Facebook Ads", "Google Ads", "Referral", "Website"]),
            "owner": pick(["Nora", "Cole", "Dana"]),
        }
    )
    ascii_name = (
        (pl.col("first") + "." + pl.col("last")).str.to_lowercase().str.replace_all(r"[^a-z.]", "")
    )
    email = ascii_name + pl.col("serial").cast(pl.Utf8) + "@example.com"
    exchange = pl.col("exchange").cast(pl.Utf8)
    line = pl.col("line").cast(pl.Utf8).str.zfill(4)
    digits = pl.col("area") + exchange + line

    def shaped(prefix: str, open_: str, close: str, sep: str) -> pl.Expr:
        return prefix + open_ + pl.col("area") + close + exchange + sep + line

    # The shapes people and CRMs write one number in.
    pretty = (
        pl.when(pl.col("shape") == 0)
        .then(shaped("", "(", ") ", "-"))
        .when(pl.col("shape") == 1)
        .then(shaped("", "", ".", "."))
        .when(pl.col("shape") == 2)
        .then(shaped("+1 ", "", " ", " "))
        .when(pl.col("shape") == 3)
        .then(shaped("1-", "", "-", "-"))
        .when(pl.col("shape") == 4)
        .then(digits + " x" + pl.col("line").cast(pl.Utf8).str.slice(0, 2))
        .otherwise(digits)
    )
    messy_email = (
        pl.when(pl.col("mess") < 0.10)
        .then(email.str.to_uppercase())
        .when(pl.col("mess") < 0.15)
        .then("  " + email + " ")
        .when(pl.col("mess") < 0.17)
        .then(pl.lit("not-an-email"))
        .when(pl.col("mess") < 0.25)
        .then(pl.lit(""))
        .otherwise(email)
    )
    base = pl.datetime(2026, 11, 1, time_zone="UTC")
    created = base - pl.duration(days=pl.col("days"))
    out = frame.select(
        pl.col("serial").cast(pl.Utf8).alias("Record ID"),
        pl.when(pl.col("mess") > 0.97)
        .then(pl.col("first").str.to_uppercase())
        .otherwise(pl.col("first"))
        .alias("First Name"),
        pl.col("last").alias("Last Name"),
        messy_email.alias("Email"),
        pl.when(pl.col("mess").is_between(0.20, 0.30))
        .then(pl.lit(""))
        .otherwise(pretty)
        .alias("Phone Number"),
        pl.when(pl.col("shape") == 5)
        .then(pretty)
        .otherwise(pl.lit(""))
        .alias("Mobile Phone Number"),
        pl.col("stage").alias("Lifecycle Stage"),
        pl.col("status").alias("Lead Status"),
        pl.when(pl.col("shape") < 3)
        .then(created.dt.strftime("%Y-%m-%d %H:%M"))
        .otherwise(created.dt.strftime("%m/%d/%Y"))
        .alias("Create Date"),
        ((created + pl.duration(days=pl.col("gap"))).dt.epoch("ms"))
        .cast(pl.Utf8)
        .alias("Last Activity Date"),
        pl.col("source").alias("Original Source"),
        pl.col("owner").alias("Contact owner"),
        pl.col("treatment").alias("Treatment"),
        ("$" + pl.col("amount").cast(pl.Utf8).str.replace(r"(\d)(\d{3})$", "$1,$2") + ".00").alias(
            "Quoted Amount"
        ),
        pl.col("reason").alias("Lost Reason"),
    )
    # ~5% duplicates of earlier people: same email in other case, or same phone only.
    dupes = max(rows // 20, 1)
    source = [rng.randrange(rows - dupes) for _ in range(dupes)]
    copies = out[source].with_columns(
        pl.lit("").alias("Record ID"),
        pl.col("Email").str.to_uppercase(),
        pl.col("Phone Number").str.replace_all(r"\D", ""),
    )
    return pl.concat([out.head(rows - dupes), copies])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    generate(args.rows).write_csv(args.out)
    print(f"{args.rows} rows written to {args.out}")


if __name__ == "__main__":
    main()
