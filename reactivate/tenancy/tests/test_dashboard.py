from decimal import Decimal

from django.urls import reverse

from reactivate.leads.choices import LeadStatus, Stage
from reactivate.testing import BaseTestCase, make_lead


class DashboardTests(BaseTestCase):
    def test_it_counts_the_list_by_status_and_stage_with_value(self):
        make_lead(
            self.north,
            "Ann",
            "Lee",
            stage=Stage.TREATMENT_PLAN,
            status=LeadStatus.CONVERTED,
            estimated_value=Decimal("12000"),
        )
        self.client.force_login(self.north_owner)
        response = self.client.get(reverse("dashboard", args=["north"]))
        summary = response.context["summary"]
        self.assertEqual(summary["total"], 2)
        # The summary is kept with the metrics snapshot as JSON: money as exact decimal text.
        self.assertEqual(Decimal(summary["total_value"]), Decimal("16500"))
        self.assertEqual(summary["by_status"]["converted"]["n"], 1)
        self.assertEqual(Decimal(summary["by_stage"]["treatment_plan"]["value"]), Decimal("12000"))
        self.assertContains(response, "$16,500")
        self.assertContains(response, "?stage=treatment_plan")
