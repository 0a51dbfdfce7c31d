import importlib
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from unittest import mock, skipUnless

from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from reactivate.imports.tests.helpers import run_import, write_csv, write_xlsx
from reactivate.leads.models import ContactPoint, Lead, Suppression
from reactivate.testing import BaseTestCase

HUBSPOT = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Lifecycle Stage",
    "Lead Status",
    "Create Date",
    "Last Activity Date",
    "Contact owner",
]


class ImportBasicsTests(BaseTestCase):
    def test_counts_add_up_and_every_row_is_reported(self):
        path = write_csv(
            [
                HUBSPOT,
                [
                    "101",
                    "Ana",
                    "Ruiz",
                    "ana@example.com",
                    "(312) 456-7001",
                    "opportunity",
                    "OPEN",
                    "2025-01-05",
                    "2025-03-01",
                    "Nora",
                ],
                ["102", "Ben", "Ode", "", "312.456.7002", "lead", "NEW", "", "", "Nora"],
                ["103", "Cy", "Fox", "cy@example.com", "", "", "", "", "", ""],
                ["104", "No", "Contact", "bad@", "12", "", "", "", "", ""],
            ]
        )
        counts, report = run_import(path)
        self.assertEqual(counts["rows"], 4)
        self.assertEqual(
            counts["created"] + counts["updated"] + counts["merged"] + counts["rejected"], 4
        )
        self.assertEqual((counts["created"], counts["rejected"]), (3, 1))
        self.assertEqual([r["row"] for r in report], ["1", "2", "3", "4"])
        self.assertEqual(list(report[0]), ["row", "outcome", "reason", "lead_id", "flag"])
        self.assertIn("no usable email, phone or address", report[3]["reason"])
        self.assertEqual(report[3]["lead_id"], "")

    def test_phone_only_and_email_only_rows_are_kept(self):
        path = write_csv(
            [
                ["First Name", "Last Name", "Email", "Phone"],
                ["Pho", "Only", "", "(312) 456-7003"],
                ["Mai", "Only", "mai@example.com", ""],
            ]
        )
        counts, _ = run_import(path)
        self.assertEqual(counts["created"], 2)
        pho = Lead.objects.get(practice=self.north, first_name="Pho")
        self.assertEqual(
            list(pho.contact_points.values_list("kind", "value")), [("phone", "+13124567003")]
        )

    def test_values_are_cleaned_into_the_lead(self):
        path = write_csv(
            [
                [
                    "Name",
                    "Email",
                    "Phone",
                    "Treatment",
                    "Stage",
                    "Amount",
                    "Lost Reason",
                    "Created",
                    "Last Contact",
                    "Favourite colour",
                ],
                [
                    "JOSÉ NÚÑEZ",
                    " Jose.Nunez@Gmail.COM ",
                    "312-456-7004 x12",
                    "All-on-4",
                    "Treatment plan presented",
                    "$24,500.00",
                    "Went with another dentist",
                    "Jul 22 2025 02:09 PM",
                    "1735689600000",
                    "teal",
                ],
            ]
        )
        run_import(path)
        lead = Lead.objects.get(practice=self.north, last_name="Núñez")
        # "All-on-4" is one of the starter vocabulary's names for implants.
        self.assertEqual((lead.first_name, lead.treatment), ("José", "Dental implants"))
        self.assertEqual((lead.stage, lead.dormancy_reason), ("treatment_plan", "competitor"))
        self.assertEqual(lead.estimated_value, Decimal("24500.00"))
        self.assertEqual(lead.dormancy_note, "Went with another dentist")
        self.assertEqual(lead.last_contact_at.isoformat(), "2025-01-01T00:00:00+00:00")
        self.assertEqual(lead.inquired_at.isoformat(), "2025-07-22T19:09:00+00:00")
        # Stored exactly as the application stores dates, so an exact filter finds the lead.
        same = Lead.objects.filter(
            last_contact_at=lead.last_contact_at, inquired_at=lead.inquired_at
        )
        self.assertEqual(list(same), [lead])
        self.assertEqual(lead.custom_fields, {"Favourite colour": "teal"})
        phone = lead.contact_points.get(kind="phone")
        self.assertEqual((phone.value, phone.extension), ("+13124567004", "12"))
        self.assertEqual(phone.timezone, "America/Chicago")
        self.assertEqual(lead.contact_points.get(kind="email").value, "jose.nunez@gmail.com")

    def test_a_dry_run_reports_but_stores_nothing(self):
        path = write_csv([["Email"], ["dry@example.com"], ["nope"]])
        counts, report = run_import(path, "north", "--dry-run")
        self.assertEqual((counts["created"], counts["rejected"]), (1, 1))
        self.assertEqual(
            set(counts), {"rows", "created", "updated", "merged", "rejected", "flagged"}
        )
        self.assertEqual(len(report), 2)
        self.assertFalse(ContactPoint.objects.filter(value="dry@example.com").exists())

    def test_the_import_stays_inside_its_practice(self):
        # South already has this email; importing it into North creates North's own lead.
        path = write_csv([["Email", "First Name"], ["sam.park@example.com", "Sam"]])
        counts, _ = run_import(path, "north")
        self.assertEqual(counts["created"], 1)
        self.assertEqual(self.south_lead.contact_points.count(), 2)
        self.assertEqual(Lead.objects.filter(practice=self.south).count(), 1)

    def test_opt_outs_in_the_export_are_honoured(self):
        path = write_csv(
            [
                ["Email", "Phone", "Unsubscribed from all email", "Do Not Call"],
                ["quiet@example.com", "312-456-7010", "true", "Yes"],
                ["loud@example.com", "312-456-7011", "false", ""],
            ]
        )
        run_import(path)
        # An opt-out on any channel stops the person everywhere (DESIGN rule 2).
        self.assertEqual(
            sorted(Suppression.objects.filter(practice=self.north).values_list("value", flat=True)),
            ["+13124567010", "quiet@example.com"],
        )
        point = ContactPoint.objects.get(value="+13124567010")
        self.assertEqual(point.consents.get(channel="call").status, "revoked")
        self.assertEqual(point.lead.status, "do_not_contact")
        self.assertEqual(
            Lead.objects.get(contact_points__value="loud@example.com").status, "stalled"
        )

    def test_xlsx_files_import_like_csv(self):
        path = write_xlsx(
            [
                ["First Name", "Last Name", "Mobile", "Created"],
                ["Zoë", "Lee", 3124567012, "2024-05-01"],
            ]
        )
        counts, _ = run_import(path)
        self.assertEqual(counts["created"], 1)
        point = ContactPoint.objects.get(lead__first_name="Zoë")
        self.assertEqual((point.value, point.line_type), ("+13124567012", "mobile"))

    def test_an_unreadable_file_fails_with_a_reason(self):
        path = write_csv([])
        with self.assertRaisesMessage(CommandError, "is empty"):
            call_command("import", str(path), "--practice", "north", stdout=StringIO())

    def test_an_unknown_practice_fails_clearly(self):
        path = write_csv([["Email"], ["x@example.com"]])
        with self.assertRaisesMessage(CommandError, "No practice with slug 'nowhere'"):
            call_command("import", str(path), "--practice", "nowhere", stdout=StringIO())

    def test_a_mapping_file_decides_the_columns(self):
        import json
        import tempfile
        from pathlib import Path

        path = write_csv(
            [["Patient", "Cell", "Procedure"], ["Ada Lovelace", "3124567013", "Veneers"]]
        )
        mapping = Path(tempfile.mkdtemp()) / "m.json"
        mapping.write_text(
            json.dumps({"Patient": "full_name", "Cell": "mobile_phone", "Procedure": "treatment"})
        )
        run_import(path, "north", "--mapping", str(mapping))
        lead = Lead.objects.get(practice=self.north, last_name="Lovelace")
        self.assertEqual((lead.first_name, lead.treatment), ("Ada", "Veneers"))

    def test_a_bad_mapping_file_names_the_problem(self):
        import json
        import tempfile
        from pathlib import Path

        path = write_csv([["Patient"], ["Ada"]])
        mapping = Path(tempfile.mkdtemp()) / "m.json"
        mapping.write_text(json.dumps({"Patient": "shoe_size"}))
        with self.assertRaisesMessage(CommandError, "'shoe_size' (for 'Patient') is not a field"):
            call_command(
                "import",
                str(path),
                "--practice",
                "north",
                "--mapping",
                str(mapping),
                stdout=StringIO(),
            )


class LargerImportTests(BaseTestCase):
    def test_hundreds_of_rows_are_written_in_batches_without_losing_any(self):
        rows = [["Record ID", "First Name", "Email", "Phone"]]
        rows += [
            [f"R{n}", f"Person{n}", f"p{n}@example.com", f"312-456-{n:04d}"]
            for n in range(2000, 2700)
        ]
        counts, report = run_import(write_csv(rows))
        self.assertEqual(counts["created"], 700)
        leads = Lead.objects.filter(practice=self.north, external_id__startswith="R")
        self.assertEqual(leads.count(), 700)
        last = leads.get(external_id="R2699")
        self.assertEqual(last.first_name, "Person2699")
        self.assertEqual(
            sorted(last.contact_points.values_list("value", flat=True)),
            ["+13124562699", "p2699@example.com"],
        )
        self.assertEqual(report[-1]["lead_id"], str(last.pk))

    def test_a_large_load_leaves_every_index_in_place(self):
        """Large loads drop secondary indexes and build them again at the end (on SQLite)."""

        def indexes():
            with connection.cursor() as cursor:
                found = set()
                for table in ("leads_lead", "leads_contactpoint"):
                    found |= set(connection.introspection.get_constraints(cursor, table))
                return found

        before = indexes()
        rows = [["Record ID", "First Name", "Email", "Last Activity Date"]]
        rows += [
            [f"L{n}", f"P{n}", f"l{n}@example.com", f"2024-0{n % 9 + 1}-01"] for n in range(60)
        ]
        with mock.patch("reactivate.leads.frames.DEFER_INDEXES_FROM", 10):
            counts, _ = run_import(write_csv(rows))
        self.assertEqual(counts["created"], 60)
        self.assertEqual(indexes(), before)
        # The rebuilt unique index still refuses a second lead with the same CRM id.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Lead.objects.create(practice=self.north, external_id="L7")
        newest = Lead.objects.filter(practice=self.north, external_id__startswith="L").order_by(
            "-last_contact_at", "-id"
        )
        self.assertEqual(newest.first().last_contact_at.month, 9)


class ReportPathTests(BaseTestCase):
    def test_a_report_into_a_missing_folder_is_refused_before_importing(self):
        path = write_csv([["Email"], ["early@example.com"]])
        with self.assertRaisesMessage(CommandError, "is not a folder"):
            call_command(
                "import",
                str(path),
                "--practice",
                "north",
                "--report",
                "/nonexistent/dir/report.csv",
                stdout=StringIO(),
            )
        self.assertFalse(ContactPoint.objects.filter(value="early@example.com").exists())


@skipUnless(connection.vendor == "sqlite", "PostgreSQL stores timestamps natively")
class OlderImportDatetimes(BaseTestCase):
    def test_the_migration_rewrites_six_zero_fractions_as_django_writes_them(self):
        migration = importlib.import_module("reactivate.leads.migrations.0005_datetime_text")
        lead = self.north_lead
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE leads_lead SET last_contact_at = '2024-06-01 05:00:00.000000', "
                "inquired_at = '2024-01-02 03:04:05.250000' WHERE id = %s",
                [lead.pk],
            )
        lead.refresh_from_db()
        self.assertFalse(Lead.objects.filter(last_contact_at=lead.last_contact_at).exists())
        migration.strip_zero_fractions(None, SimpleNamespace(connection=connection))
        self.assertEqual(list(Lead.objects.filter(last_contact_at=lead.last_contact_at)), [lead])
        # A real fraction is left as it is.
        self.assertEqual(list(Lead.objects.filter(inquired_at=lead.inquired_at)), [lead])


class AddressRows(BaseTestCase):
    def test_an_address_needs_a_street_line_to_reach_anyone(self):
        path = write_csv(
            [
                ["First Name", "Street", "City", "Zip", "Email"],
                ["Place", "", "Chicago", "60601", ""],
                ["Letter", "12 Lake St", "Chicago", "60601", ""],
                ["Mail", "", "Chicago", "60601", "mail@example.com"],
            ]
        )
        counts, report = run_import(path)
        self.assertEqual(counts["created"], 2)
        rejected = [line for line in report if line["outcome"] == "rejected"]
        self.assertEqual(len(rejected), 1)
        self.assertIn("no usable email, phone or address", rejected[0]["reason"])
        self.assertIn("address has no street line", rejected[0]["reason"])
        letter = Lead.objects.get(first_name="Letter")
        self.assertEqual(
            list(letter.contact_points.values_list("kind", "value")),
            [("address", "12 Lake St, Chicago, 60601")],
        )
        # Reached by email; the partial address is not kept as a way to send letters.
        mail = Lead.objects.get(first_name="Mail")
        self.assertFalse(mail.contact_points.filter(kind="address").exists())
