from datetime import UTC, datetime

import polars as pl
import pytest

from reactivate.imports.values import parse_amounts, parse_datetimes

DATES = [
    ("2026-06-08T10:28:39-07:00", datetime(2026, 6, 8, 17, 28, 39, tzinfo=UTC)),
    ("2026-06-08T17:28:39Z", datetime(2026, 6, 8, 17, 28, 39, tzinfo=UTC)),
    ("Jul 22 2026 02:09 PM", datetime(2026, 7, 22, 19, 9, tzinfo=UTC)),  # Chicago, CDT
    ("07/22/2026", datetime(2026, 7, 22, 5, 0, tzinfo=UTC)),
    ("2025-01-05", datetime(2025, 1, 5, 6, 0, tzinfo=UTC)),
    ("2025-01-05 13:45:00", datetime(2025, 1, 5, 19, 45, tzinfo=UTC)),
    ("1700000000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),  # epoch ms
    ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),  # epoch s
    ("March 3, 2024", datetime(2024, 3, 3, 6, 0, tzinfo=UTC)),
    ("3 Mar 2024", datetime(2024, 3, 3, 6, 0, tzinfo=UTC)),
    ("2024-03-10 02:30:00", datetime(2024, 3, 10, 8, 30, tzinfo=UTC)),  # skipped by DST
]


@pytest.mark.parametrize(("raw", "expected"), DATES)
def test_dates_in_every_common_format(raw, expected):
    result = parse_datetimes(pl.Series([raw]), zone="America/Chicago").row(0, named=True)
    assert result == {"value": expected, "reason": None}


def test_day_first_countries_read_slashes_the_other_way():
    us = parse_datetimes(pl.Series(["03/04/2026"]), zone="UTC", country="US").item(0, "value")
    gb = parse_datetimes(pl.Series(["03/04/2026"]), zone="UTC", country="GB").item(0, "value")
    assert (us.month, gb.month) == (3, 4)


def test_an_unreadable_date_is_reported_not_guessed():
    result = parse_datetimes(pl.Series(["someday", None]), zone="UTC")
    assert result.get_column("value").to_list() == [None, None]
    assert result.get_column("reason").to_list() == ["unreadable date: someday", None]


AMOUNTS = [
    ("$15,000.00", 15000.0),
    ("15k", 15000.0),
    ("15K", 15000.0),
    ("1.2M", 1_200_000.0),
    ("€ 12.500,00", 12500.0),
    ("USD 900", 900.0),
    ("4500", 4500.0),
    ("$ 4,500", 4500.0),
    ("12,5", 12.5),
]


@pytest.mark.parametrize(("raw", "expected"), AMOUNTS)
def test_amounts_in_every_format(raw, expected):
    assert parse_amounts(pl.Series([raw])).row(0, named=True) == {"value": expected, "reason": None}


def test_a_negative_or_unreadable_amount_is_reported():
    result = parse_amounts(pl.Series(["-5", "call us", None]))
    assert result.get_column("value").to_list() == [None, None, None]
    assert result.get_column("reason").to_list()[:2] == [
        "unreadable amount: -5",
        "unreadable amount: call us",
    ]
