from datetime import timedelta

from django.utils import timezone

from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.models import Interaction, Lead
from reactivate.leads.stalling import leads_mark_stalled
from reactivate.testing import BaseTestCase, make_lead

# HubSpot's default contacts view: no lifecycle column, only the lead status.
HEADERS = ["Record ID", "First Name", "Email", "Lead Status", "Last Activity Date"]


def ago(days: int) -> str:
    return (timezone.now() - timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


class StagesAndStatuses(BaseTestCase):
    def imported(self, *rows) -> dict[str, tuple[str, str]]:
        run_import(write_csv([HEADERS, *rows]))
        return {
            lead.external_id: (lead.stage, lead.status)
            for lead in Lead.objects.filter(practice=self.north).exclude(external_id="")
        }

    def test_the_lead_status_tells_how_far_a_lead_got(self):
        leads = self.imported(
            ["1", "Ava", "ava@example.com", "OPEN_DEAL", ago(300)],
            ["2", "Bo", "bo@example.com", "CONNECTED", ago(300)],
            ["3", "Cy", "cy@example.com", "NEW", ago(300)],
            ["4", "Di", "di@example.com", "UNQUALIFIED", ago(300)],
        )
        self.assertEqual(
            {k: stage for k, (stage, _) in leads.items()},
            {"1": "treatment_plan", "2": "info_request", "3": "form", "4": "form"},
        )

    def test_an_active_lead_quiet_for_months_is_stalled(self):
        leads = self.imported(
            ["1", "Ava", "ava@example.com", "IN_PROGRESS", ago(270)],
            ["2", "Bo", "bo@example.com", "IN_PROGRESS", ago(10)],
            ["3", "Cy", "cy@example.com", "", ago(270)],
            ["4", "Di", "di@example.com", "", ago(5)],
        )
        self.assertEqual(
            {k: status for k, (_, status) in leads.items()},
            {"1": "stalled", "2": "active", "3": "stalled", "4": "active"},
        )

    def test_stalled_after_is_the_practices_setting(self):
        self.north.stalled_after_days = 365
        self.north.save()
        leads = self.imported(["1", "Ava", "ava@example.com", "IN_PROGRESS", ago(270)])
        self.assertEqual(leads["1"][1], "active")

    def test_leads_that_go_quiet_after_the_import_become_stalled(self):
        quiet = make_lead(self.north, "Quiet", "One", status="active",
                          last_contact_at=timezone.now() - timedelta(days=61))  # fmt: skip
        busy = make_lead(self.north, "Busy", "One", status="active",
                         last_contact_at=timezone.now() - timedelta(days=3))  # fmt: skip
        self.assertEqual(leads_mark_stalled(practice=self.north), 1)
        quiet.refresh_from_db()
        busy.refresh_from_db()
        self.assertEqual((quiet.status, busy.status), ("stalled", "active"))
        self.assertTrue(Interaction.objects.filter(lead=quiet, summary__contains="no activity"))
