import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.imports.models import ImportBatch
from reactivate.leads.models import Lead
from reactivate.testing import BaseTestCase

CSV = (
    "Record ID,First Name,Last Name,Email,Phone Number,Lead Status,Favourite\r\n"
    "7,Ana,Ruiz,ana@example.com,(312) 456-7401,BAD_TIMING,tea\r\n"
    "8,Ben,Ode,bad@,12,NEW,\r\n"
    "9,ANA,RUIZ,ANA@EXAMPLE.COM,,OPEN,\r\n"
)


def upload(name: str = "hubspot.csv", data: str = CSV) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")


class ImportPageTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.north_coordinator)
        self.index = reverse("import_index", args=["north"])

    def upload(self) -> ImportBatch:
        response = self.client.post(self.index, {"file": upload()})
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("import_detail", args=["north", batch.pk]))
        return batch

    def test_an_upload_is_mapped_by_detection_and_previewed_before_anything_is_stored(self):
        batch = self.upload()
        self.assertEqual(batch.preset, "hubspot")
        page = self.client.get(reverse("import_detail", args=["north", batch.pk]))
        self.assertContains(page, "recognised as a Hubspot export")
        self.assertContains(page, '<option value="email" selected>')
        self.assertContains(page, "Rejected: no usable email, phone or address")
        self.assertContains(page, "ana@example.com")
        self.assertEqual(Lead.objects.filter(practice=self.north).count(), 1)

    def test_running_the_import_shows_the_counts_and_the_report(self):
        batch = self.upload()
        page = self.client.get(reverse("import_detail", args=["north", batch.pk]))
        data = {
            name: field.value() or "" for name, field in ((f.name, f) for f in page.context["form"])
        }
        data.pop("dry_run")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("import_detail", args=["north", batch.pk]), data)
        self.assertEqual(response.status_code, 302)
        batch.refresh_from_db()
        self.assertEqual(batch.status, "done")
        self.assertEqual(
            batch.counts(),
            {"rows": 3, "created": 1, "updated": 0, "merged": 1, "rejected": 1, "flagged": 0},
        )
        status = self.client.get(reverse("import_detail", args=["north", batch.pk]))
        self.assertContains(status, "Import finished")
        report = self.client.get(reverse("import_report", args=["north", batch.pk]))
        lines = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
        self.assertEqual([line["outcome"] for line in lines], ["created", "rejected", "merged"])
        lead = Lead.objects.get(external_id="7")
        self.assertEqual(lead.custom_fields, {"Favourite": "tea"})

    def test_the_user_can_change_the_mapping(self):
        batch = self.upload()
        page = self.client.get(reverse("import_detail", args=["north", batch.pk]))
        data = {f.name: f.value() or "" for f in page.context["form"]}
        data.pop("dry_run")
        favourite = page.context["preview"].table.headers.index("Favourite")
        data[f"col_{favourite}"] = "treatment"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("import_detail", args=["north", batch.pk]), data)
        self.assertEqual(
            Lead.objects.get(external_id="7").treatment, "Tea"
        )  # tidied like every treatment

    def test_two_columns_cannot_fill_one_field(self):
        batch = self.upload()
        page = self.client.get(reverse("import_detail", args=["north", batch.pk]))
        data = {f.name: f.value() or "" for f in page.context["form"]}
        data.pop("dry_run")
        data["col_6"] = "email"
        response = self.client.post(reverse("import_detail", args=["north", batch.pk]), data)
        self.assertContains(response, "Email is already filled from")
        batch.refresh_from_db()
        self.assertEqual(batch.status, "uploaded")

    def test_an_unreadable_upload_is_refused_with_the_reason(self):
        response = self.client.post(self.index, {"file": upload("empty.csv", "   ")})
        self.assertContains(response, "is empty")
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_viewer_cannot_upload(self):
        self.client.force_login(self.north_viewer)
        self.assertEqual(self.client.post(self.index, {"file": upload()}).status_code, 403)
        self.assertNotContains(self.client.get(self.index), "Upload and map columns")

    def test_another_practice_cannot_see_an_import_or_its_report(self):
        batch = self.upload()
        self.client.force_login(self.south_user)
        for name in ("import_detail", "import_progress", "import_report"):
            with self.subTest(name=name):
                url = reverse(name, args=["south", batch.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
                url = reverse(name, args=["north", batch.pk])
                self.assertEqual(self.client.get(url).status_code, 404)


class DryRunThenRealTests(BaseTestCase):
    def test_a_dry_run_stores_nothing_and_can_then_be_imported_for_real(self):
        from pathlib import Path

        self.client.force_login(self.north_owner)
        self.client.post(reverse("import_index", args=["north"]), {"file": upload()})
        batch = ImportBatch.objects.get()
        url = reverse("import_detail", args=["north", batch.pk])
        page = self.client.get(url)
        data = {f.name: f.value() or "" for f in page.context["form"]}
        data["dry_run"] = "on"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, data)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.dry_run, batch.created), ("done", True, 1))
        self.assertFalse(Lead.objects.filter(external_id="7").exists())
        self.assertContains(self.client.get(url), "Import these 3 rows for real")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.dry_run, batch.created), ("done", False, 1))
        self.assertTrue(Lead.objects.filter(external_id="7").exists())
        # The uploaded export is not kept once its rows are leads; the report is.
        self.assertFalse(Path(batch.stored_path).exists())
        self.assertTrue(Path(batch.report_path).exists())
        started = AuditEvent.objects.filter(action=AuditAction.IMPORT_STARTED, object_id=batch.pk)
        self.assertEqual(
            [(e.actor, e.detail["dry_run"]) for e in started.order_by("id")],
            [(self.north_owner, True), (self.north_owner, False)],
        )


class ShellImportHistoryTests(BaseTestCase):
    def test_a_shell_import_is_recorded_and_its_leads_know_where_they_came_from(self):
        from reactivate.imports.tests.helpers import run_import, write_csv

        path = write_csv([["First Name", "Email"], ["Ida", "ida@example.com"]], name="crm.csv")
        run_import(path)
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.filename, batch.status, batch.created), ("crm.csv", "done", 1))
        self.assertIsNone(batch.created_by)
        self.client.force_login(self.north_owner)
        history = self.client.get(reverse("import_index", args=["north"]))
        self.assertContains(history, "crm.csv")
        report = self.client.get(reverse("import_report", args=["north", batch.pk]))
        self.assertEqual(report.status_code, 200)
        lead = Lead.objects.get(first_name="Ida")
        page = self.client.get(reverse("lead_detail", args=["north", lead.pk]))
        self.assertContains(page, "Came in with")
        self.assertContains(page, "crm.csv")
