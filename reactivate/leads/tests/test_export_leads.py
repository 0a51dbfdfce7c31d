import csv
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from reactivate.audit.models import AuditEvent
from reactivate.leads.models import ContactPoint
from reactivate.testing import BaseTestCase, make_lead

COLUMNS = [
    "lead_id",
    "external_id",
    "first_name",
    "last_name",
    "emails",
    "phones",
    "stage",
    "status",
    "estimated_value",
    "dormancy_reason",
    "last_contact_at",
]


class ExportLeadsTests(BaseTestCase):
    def export(self, practice: str = "north") -> list[dict]:
        out = Path(tempfile.mkdtemp()) / "leads.csv"
        call_command("export-leads", "--practice", practice, "--out", str(out), stdout=StringIO())
        with out.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            self.assertEqual(reader.fieldnames, COLUMNS)
            return list(reader)

    def test_one_row_per_lead_with_contacts_joined(self):
        lead = make_lead(
            self.north,
            "José",
            "Núñez",
            email="jose@example.com",
            phone="+13125550177",
            external_id="HS-9",
            estimated_value=Decimal("15000"),
            last_contact_at=datetime(2025, 3, 1, 14, 30, tzinfo=UTC),
            dormancy_reason="price",
        )
        ContactPoint.objects.create(
            practice=self.north, lead=lead, kind="email", value="jn@work.example.com"
        )
        rows = {r["lead_id"]: r for r in self.export()}
        self.assertEqual(len(rows), 2)
        row = rows[str(lead.pk)]
        self.assertEqual(row["emails"], "jose@example.com;jn@work.example.com")
        self.assertEqual(row["phones"], "+13125550177")
        self.assertEqual(
            (
                row["external_id"],
                row["first_name"],
                row["estimated_value"],
                row["dormancy_reason"],
                row["last_contact_at"],
            ),
            ("HS-9", "José", "15000.00", "price", "2025-03-01T14:30:00Z"),
        )

    def test_only_the_practices_own_leads(self):
        self.assertEqual([r["first_name"] for r in self.export("south")], ["Samuel"])

    def test_a_lead_without_contacts_or_value_exports_blanks(self):
        lead = make_lead(self.north, "Zoë", "Lee", last_contact_at=None)
        row = next(r for r in self.export() if r["lead_id"] == str(lead.pk))
        self.assertEqual(
            (row["emails"], row["phones"], row["estimated_value"], row["last_contact_at"]),
            ("", "", "", ""),
        )

    def test_the_export_is_audited(self):
        self.export()
        self.assertTrue(AuditEvent.objects.filter(action="leads.exported").exists())
