from datetime import timedelta

from django.utils import timezone

from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.models import ContactPoint, Interaction, Lead
from reactivate.testing import BaseTestCase

HEADER = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Last Activity Date"]


class DuplicatesInTheFileTests(BaseTestCase):
    def test_the_same_person_in_every_disguise_becomes_one_lead(self):
        path = write_csv(
            [
                HEADER,
                ["", "Maria", "Lopez", "maria.lopez@gmail.com", "", "2024-01-01"],
                ["", "MARIA", "LOPEZ", "  Maria.Lopez@GMAIL.com ", "(312) 456-7100", "2024-06-01"],
                ["", "M.", "Lopez", "", "312.456.7100", "2023-05-01"],
                ["", "Maria", "Lopez-Diaz", "mlopez@work.example.com", "+1 312 456 7100", ""],
            ]
        )
        counts, report = run_import(path)
        self.assertEqual((counts["created"], counts["merged"]), (1, 3))
        lead = Lead.objects.get(practice=self.north, first_name="Maria", last_name="Lopez")
        self.assertEqual({r["lead_id"] for r in report}, {str(lead.pk)})
        self.assertEqual(report[1]["reason"], "same person as row 1")
        # Every contact point is kept, and the most recent activity wins.
        self.assertEqual(
            sorted(lead.contact_points.values_list("value", flat=True)),
            ["+13124567100", "maria.lopez@gmail.com", "mlopez@work.example.com"],
        )
        self.assertEqual(lead.last_contact_at.date().isoformat(), "2024-06-01")
        merges = Interaction.objects.filter(lead=lead, kind="merge")
        self.assertEqual(merges.count(), 3)

    def test_custom_fields_of_duplicate_rows_are_combined(self):
        header = [*HEADER, "Contact owner", "Referral"]
        path = write_csv(
            [
                header,
                ["", "Zoë", "Ng", "zoe@example.com", "", "", "Nora", ""],
                ["", "Zoe", "Ng", "ZOE@example.com", "", "", "Dana", "Dr. Park"],
                ["", "Zoë", "Ng", "zoe@example.com", "", "", "", ""],
            ]
        )
        counts, _ = run_import(path)
        self.assertEqual((counts["created"], counts["merged"]), (1, 2))
        lead = Lead.objects.get(practice=self.north, last_name="Ng")
        # The first row's value of a field wins; a field only a later row has is kept.
        self.assertEqual(lead.custom_fields, {"Contact owner": "Nora", "Referral": "Dr. Park"})

    def test_nicknames_are_flagged_for_review_not_merged(self):
        path = write_csv(
            [
                HEADER,
                ["", "Robert", "Smith", "robert.smith@example.com", "", ""],
                ["", "Bob", "Smith", "bobby77@example.com", "", ""],
                ["", "Jon", "Smyth", "", "312-456-7101", ""],
            ]
        )
        counts, report = run_import(path)
        self.assertEqual((counts["created"], counts["merged"], counts["flagged"]), (3, 0, 1))
        self.assertIn("possible duplicate of row 1 (Robert Smith)", report[1]["flag"])
        self.assertEqual(report[2]["flag"], "")

    def test_a_similar_name_already_on_the_list_is_flagged(self):
        path = write_csv([HEADER, ["", "Mária", "Gonzales", "mg@example.com", "", ""]])
        counts, report = run_import(path)
        self.assertEqual(counts["flagged"], 1)
        self.assertIn(f"lead {self.north_lead.pk} (Maria Gonzalez)", report[0]["flag"])


class ReimportTests(BaseTestCase):
    rows = [
        HEADER,
        ["A-1", "Ann", "Lee", "ann.lee@example.com", "312-456-7200", "2024-01-01"],
        ["A-2", "Ben", "Ng", "", "312-456-7201", "2024-02-01"],
        ["A-3", "Cat", "Ray", "cat@example.com", "", "2024-03-01"],
    ]

    def test_importing_the_same_file_twice_creates_nothing_new(self):
        first, _ = run_import(write_csv(self.rows))
        before = (Lead.objects.count(), ContactPoint.objects.count())
        second, report = run_import(write_csv(self.rows))
        self.assertEqual(first["created"], 3)
        self.assertEqual((second["created"], second["updated"]), (0, 3))
        self.assertEqual((Lead.objects.count(), ContactPoint.objects.count()), before)
        self.assertEqual([r["outcome"] for r in report], ["updated"] * 3)

    def test_a_re_import_rewrites_only_the_leads_that_changed(self):
        run_import(write_csv(self.rows))
        Lead.objects.filter(external_id__startswith="A-").update(
            updated_at=timezone.now() - timedelta(days=1)
        )
        stamps = dict(Lead.objects.values_list("external_id", "updated_at"))
        run_import(write_csv(self.rows))
        self.assertEqual(dict(Lead.objects.values_list("external_id", "updated_at")), stamps)
        changed = [list(r) for r in self.rows]
        changed[1][5] = "2025-02-01"  # A-1's last activity moves on in the CRM
        run_import(write_csv(changed))
        now = dict(Lead.objects.values_list("external_id", "updated_at"))
        self.assertGreater(now.pop("A-1"), stamps.pop("A-1"))
        self.assertEqual(now, stamps)

    def test_an_updated_export_updates_in_place_matched_by_crm_id_first(self):
        run_import(write_csv(self.rows))
        ann = Lead.objects.get(external_id="A-1")
        changed = [
            HEADER,
            # new email and phone, same CRM id: the same lead, now with both addresses
            ["A-1", "Ann", "Lee-Park", "ann.park@example.com", "312-456-7299", "2025-01-01"],
            ["A-4", "Dee", "Fox", "dee@example.com", "", "2025-01-02"],
        ]
        counts, report = run_import(write_csv(changed))
        self.assertEqual((counts["updated"], counts["created"]), (1, 1))
        self.assertEqual(report[0]["lead_id"], str(ann.pk))
        ann.refresh_from_db()
        self.assertEqual(ann.last_contact_at.year, 2025)
        self.assertEqual(
            sorted(ann.contact_points.values_list("value", flat=True)),
            ["+13124567200", "+13124567299", "ann.lee@example.com", "ann.park@example.com"],
        )

    def test_an_updated_export_updates_custom_fields_and_keeps_the_others(self):
        header = [*HEADER, "Contact owner"]
        run_import(write_csv([header, ["A-9", "Eve", "Ray", "eve@example.com", "", "", "Nora"]]))
        eve = Lead.objects.get(external_id="A-9")
        eve.custom_fields = {"Contact owner": "Nora", "Note": "kept"}
        eve.save()
        counts, _ = run_import(
            write_csv([header, ["A-9", "Eve", "Ray", "eve@example.com", "", "", "Dana"]])
        )
        self.assertEqual(counts["updated"], 1)
        eve.refresh_from_db()
        self.assertEqual(eve.custom_fields, {"Contact owner": "Dana", "Note": "kept"})

    def test_a_lead_already_on_file_is_matched_by_phone(self):
        path = write_csv([HEADER, ["", "Maria", "G", "", "(312) 555-0101", ""]])
        # 555-01xx is fictional and rejected, so match on the existing email instead.
        path = write_csv([HEADER, ["", "Maria", "G", "MARIA.GONZALEZ@example.com", "", ""]])
        counts, report = run_import(path)
        self.assertEqual(counts["updated"], 1)
        self.assertEqual(report[0]["lead_id"], str(self.north_lead.pk))

    def test_an_imported_status_never_undoes_do_not_contact(self):
        run_import(write_csv(self.rows))
        ann = Lead.objects.get(external_id="A-1")
        ann.status = "do_not_contact"
        ann.save()
        run_import(write_csv(self.rows))
        ann.refresh_from_db()
        self.assertEqual(ann.status, "do_not_contact")


class SharedValues(BaseTestCase):
    def test_a_placeholder_phone_never_merges_different_people(self):
        names = ["Ann Lee", "Bo Diaz", "Cy Park", "Di Shah", "Ed Moss", "Flo Reyes", "Gus Hart"]
        rows = [HEADER] + [
            ["", *name.split(), f"{name.split()[0].lower()}@example.com", "(312) 456-7999", ""]
            for name in names
        ]
        counts, report = run_import(write_csv(rows))
        self.assertEqual((counts["created"], counts["merged"], counts["flagged"]), (7, 0, 7))
        self.assertIn("phone +13124567999 is shared by 7 different people", report[0]["flag"])
        self.assertIn("not used to merge them", report[0]["flag"])

    def test_a_household_landline_keeps_the_spouses_apart(self):
        rows = [
            HEADER,
            ["", "Ana", "Ruiz", "ana@example.com", "(312) 456-7998", ""],
            ["", "Luis", "Ruiz", "luis@example.com", "(312) 456-7998", ""],
            ["", "Ana", "Ruiz", "", "(312) 456-7998", ""],  # Ana again: same name, same number
        ]
        counts, report = run_import(write_csv(rows))
        self.assertEqual((counts["created"], counts["merged"]), (2, 1))
        self.assertIn("2 people (a household or office?)", report[1]["flag"])
        self.assertEqual(report[2]["reason"], "same person as row 1")

    def test_a_new_person_on_a_stored_leads_number_is_not_merged_into_it(self):
        from reactivate.testing import make_lead

        make_lead(self.north, "Rosa", "Vega", phone="+13124567997")
        # Her husband arrives on the same line.
        counts, _ = run_import(write_csv([HEADER, ["", "Jorge", "Vega", "", "(312) 456-7997", ""]]))
        self.assertEqual((counts["created"], counts["updated"]), (1, 0))
        self.assertEqual(Lead.objects.filter(practice=self.north, last_name="Vega").count(), 2)
        # Rosa herself still matches her lead by the same number.
        counts, _ = run_import(write_csv([HEADER, ["", "Rosa", "Vega", "", "(312) 456-7997", ""]]))
        self.assertEqual((counts["created"], counts["updated"]), (0, 1))
