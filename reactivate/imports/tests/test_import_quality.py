from datetime import date

import polars as pl

from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.imports.values import parse_datetimes, slash_date_order
from reactivate.leads.models import Lead
from reactivate.testing import BaseTestCase


class TestRecords(BaseTestCase):
    def test_obvious_test_data_is_imported_and_flagged(self):
        counts, report = run_import(
            write_csv(
                [
                    ["First Name", "Last Name", "Email"],
                    ["Test", "TEST", "someone@clinic-mail.com"],
                    ["Ana", "Ruiz", "test@example.com"],
                    ["Ben", "Ode", "ben.ode@example.com"],
                ]
            )
        )
        self.assertEqual((counts["created"], counts["flagged"]), (3, 2))
        flags = [line["flag"] for line in report]
        self.assertIn("looks like test data (name Test Test)", flags[0])
        self.assertIn("email test@example.com", flags[1])
        self.assertEqual(flags[2], "")


class DatesInOneFile(BaseTestCase):
    def test_the_files_unambiguous_dates_decide_the_order(self):
        # A US practice, but this export writes 25/12/2024: so 03/04/2025 is 3 April.
        run_import(
            write_csv(
                [
                    ["Email", "Created", "Last Contact"],
                    ["a@example.com", "25/12/2024", "03/04/2025"],
                    ["b@example.com", "13/01/2025", "02/03/2025"],
                ]
            )
        )
        lead = Lead.objects.get(contact_points__value="a@example.com")
        self.assertEqual(lead.last_contact_at.date(), date(2025, 4, 3))

    def test_a_last_contact_in_the_future_is_reported_and_left_blank(self):
        _, report = run_import(
            write_csv([["Email", "Last Contact"], ["a@example.com", "2031-02-11"]])
        )
        self.assertIn("last contact date in the future (2031-02-11", report[0]["reason"])
        lead = Lead.objects.get(contact_points__value="a@example.com")
        self.assertIsNone(lead.last_contact_at)


def test_slash_date_order_reads_only_the_values_that_tell():
    def series(*values):
        return pl.Series(values, dtype=pl.Utf8)

    assert slash_date_order([series("25/12/2024", "03/04/2025")]) is True
    assert slash_date_order([series("12/25/2024", "03/04/2025")]) is False
    assert slash_date_order([series("03/04/2025", None)]) is None
    assert slash_date_order([series("25/12/2024"), series("12/25/2024")]) is None
    parsed = parse_datetimes(series("03/04/2025"), zone="UTC", country="US", day_first=True)
    assert parsed.get_column("value")[0].date() == date(2025, 4, 3)
