"""Rows that are probably not people: the test records every CRM collects ("Test TEST",
test@example.com). They are imported, so nothing is lost, and flagged for a person to remove."""

from __future__ import annotations

import polars as pl

from reactivate.imports.reading import ROW

TEST_NAMES = (
    "test", "testing", "tester", "asdf", "asd", "qwerty", "fake", "dummy", "sample",
    "xxx", "xx", "zzz", "none", "delete", "deleteme", "na", "n/a", "null", "abc",
)  # fmt: skip
TEST_FULL_NAMES = ("john doe", "jane doe", "mickey mouse", "donald duck", "first last")
TEST_LOCAL = r"^(test|testing|tester|asdf+|qwerty|fake|dummy|sample|noemail|nomail|none|no|na|null|nobody|xxx+|abc)\d*$"  # noqa: E501
TEST_DOMAINS = ("test.com", "testing.com", "fake.com", "asdf.com", "noemail.com", "none.com")


def test_data_flags(leads: pl.DataFrame, contacts: pl.DataFrame) -> pl.Series:
    """Per row of ``leads`` (_row, first_name, last_name), the reason it looks like test data,
    or null; ``contacts`` is the long table of emails and phones (_row, kind, value)."""
    first = pl.col("first_name").str.to_lowercase().str.strip_chars()
    last = pl.col("last_name").str.to_lowercase().str.strip_chars()
    full = pl.concat_str([first, last], separator=" ", ignore_nulls=True)
    by_name = leads.select(
        ROW,
        pl.when(first.is_in(TEST_NAMES) | last.is_in(TEST_NAMES) | full.is_in(TEST_FULL_NAMES))
        .then(
            pl.concat_str(
                [pl.col("first_name"), pl.col("last_name")], separator=" ", ignore_nulls=True
            )
        )
        .alias("name"),
    )
    email = pl.col("value")
    local, domain = email.str.extract(r"^([^@]+)@", 1), email.str.extract(r"@(.+)$", 1)
    looks_fake = local.str.contains(TEST_LOCAL) | domain.is_in(TEST_DOMAINS)
    by_email = (
        contacts.filter((pl.col("kind") == "email") & looks_fake)
        .group_by(ROW)
        .agg(pl.col("value").first().alias("email"))
    )
    joined = by_name.join(by_email, on=ROW, how="left", maintain_order="left")
    what = pl.concat_str(
        [pl.lit("name ") + pl.col("name"), pl.lit("email ") + pl.col("email")],
        separator=", ",
        ignore_nulls=True,
    )
    return joined.select(
        pl.when(pl.col("name").is_not_null() | pl.col("email").is_not_null())
        .then(pl.lit("looks like test data (") + what + pl.lit("): check it and remove it"))
        .alias("test_flag")
    ).to_series()
