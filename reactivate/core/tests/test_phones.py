import polars as pl
import pytest

from reactivate.core.phones import normalise_phones

CASES = [
    # raw, region, E.164 or None, extension, reason fragment
    ("(415) 555-2671", "US", "+14155552671", "", None),
    ("415.555.2671", "US", "+14155552671", "", None),
    ("+1 415 555 2671", "US", "+14155552671", "", None),
    ("1-415-555-2671", "US", "+14155552671", "", None),
    ("4155552671", "US", "+14155552671", "", None),
    ("415-555-2671 x204", "US", "+14155552671", "204", None),
    ("415 555 2671 ext. 9", "US", "+14155552671", "9", None),
    ("+44 20 7946 0958", "US", "+442079460958", "", None),
    ("020 7946 0958", "GB", "+442079460958", "", None),
    ("+52 55 4043 2914", "US", "+525540432914", "", None),
    ("(415) 555-0123", "US", None, None, "fictional"),
    ("212-555-0199", "US", None, None, "fictional"),
    ("1111111111", "US", None, None, "placeholder"),
    ("(999) 999-9999", "US", None, None, "placeholder"),
    ("123-456-7890", "US", None, None, "placeholder"),
    ("12345", "US", None, None, "not a valid"),
    ("call me", "US", None, None, "no digits"),
]


@pytest.mark.parametrize(("raw", "region", "e164", "extension", "reason"), CASES)
def test_it_normalises_or_explains(raw, region, e164, extension, reason):
    result = normalise_phones(pl.Series([raw]), region=region).row(0, named=True)
    assert result["phone"] == e164
    if e164:
        assert result["extension"] == extension
        assert result["reason"] is None
    else:
        assert reason in result["reason"]


def test_blank_values_are_neither_numbers_nor_errors():
    result = normalise_phones(pl.Series([None, "", "  "]), region="US")
    assert result.get_column("phone").null_count() == 3
    assert result.get_column("reason").null_count() == 3


def test_the_area_code_gives_the_time_zone():
    result = normalise_phones(pl.Series(["212 456 7890", "(415) 555-2671"]), region="US")
    assert result.get_column("timezone").to_list() == ["America/New_York", "America/Los_Angeles"]


def test_the_fast_path_and_the_library_agree():
    import phonenumbers

    raws = [
        f"({area}) {exchange}-{line:04d}"
        for area in ("212", "305", "415", "702")
        for exchange in ("234", "456", "789")
        for line in (1234, 9876)
    ]
    fast = normalise_phones(pl.Series(raws), region="US").get_column("phone").to_list()
    slow = [
        phonenumbers.format_number(phonenumbers.parse(r, "US"), phonenumbers.PhoneNumberFormat.E164)
        for r in raws
    ]
    assert fast == slow
