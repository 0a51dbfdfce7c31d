import polars as pl
import pytest

from reactivate.core.emails import normalise_emails

CASES = [
    ("  John.Smith@Gmail.COM ", "john.smith@gmail.com", None),
    ("Maria Lopez <maria.lopez@yahoo.com>", "maria.lopez@yahoo.com", None),
    ("mailto:bob@example.org", "bob@example.org", None),
    ("o'brien+implants@outlook.com", "o'brien+implants@outlook.com", None),
    ("josé@correo.es", "josé@correo.es", None),
    ("bad@", None, "after the @-sign"),
    ("no at sign", None, "must have an @-sign"),
    ("a..b@gmail.com", None, "two periods"),
    ("x@localhost", None, "period"),
]


@pytest.mark.parametrize(("raw", "email", "reason"), CASES)
def test_it_normalises_or_explains(raw, email, reason):
    result = normalise_emails(pl.Series([raw])).row(0, named=True)
    assert result["email"] == email
    if reason:
        assert reason in result["reason"]
    else:
        assert result["reason"] is None


def test_blank_values_are_not_errors():
    result = normalise_emails(pl.Series([None, "", " "]))
    assert result.get_column("reason").null_count() == 3
