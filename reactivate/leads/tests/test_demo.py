from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from reactivate.imports.models import MergedRow, MergeReview
from reactivate.leads.models import ContactPoint, Lead
from reactivate.metrics.report import metrics
from reactivate.tenancy.models import Practice


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    return next(
        line.split(":", 1)[1].strip() for line in output.splitlines() if "password:" in line
    )


class DemoTests(TestCase):
    def test_running_it_twice_leaves_one_demo_practice_and_the_same_leads(self):
        demo("--leads", "300")
        first_ids = set(Lead.objects.values_list("id", flat=True))
        demo("--leads", "300")
        self.assertEqual(Practice.objects.filter(slug="demo").count(), 1)
        self.assertEqual(set(Lead.objects.values_list("id", flat=True)), first_ids)
        # 300 generated, 7 people from the sample export (imported once).
        self.assertEqual(len(first_ids), 307)

    def test_the_demo_shows_a_merge_to_undo_and_pairs_to_review(self):
        output = demo("--leads", "50")
        self.assertIn("1 merged (undo from the lead page), 3 flagged", output)
        merged = Lead.objects.get(last_name="Alvarado")
        self.assertEqual(MergedRow.objects.get().lead, merged)
        self.assertEqual(MergeReview.objects.filter(status="open").count(), 2)

    def test_the_printed_credentials_open_the_lead_list(self):
        output = demo("--leads", "120")
        self.assertIn("username: demo", output)
        logged_in = self.client.post(
            reverse("login"),
            {"username": "demo", "password": printed_password(output)},
            follow=True,
        )
        self.assertEqual(logged_in.resolver_match.url_name, "dashboard")
        leads = self.client.get(reverse("lead_index", args=["demo"]))
        self.assertEqual(leads.context["page"].paginator.count, 127)

    def test_the_demo_list_is_realistic(self):
        demo("--leads", "400")
        leads = Lead.objects.all()
        self.assertGreater(leads.values("treatment").distinct().count(), 4)
        self.assertEqual(
            set(leads.values_list("stage", flat=True)),
            {"form", "info_request", "consultation", "treatment_plan"},
        )
        self.assertTrue(leads.exclude(dormancy_reason="unknown").exists())
        # Phone-only and email-only rows, and messy raw formats behind clean values.
        phone_only = leads.exclude(contact_points__kind="email").filter(
            contact_points__kind="phone"
        )
        self.assertTrue(phone_only.exists())
        phones = ContactPoint.objects.filter(kind="phone")
        self.assertTrue(all(p.value.startswith("+1") and len(p.value) == 12 for p in phones))
        self.assertTrue(phones.exclude(raw_value__startswith="+1").exists())
        years = {d.year for d in leads.values_list("inquired_at", flat=True)}
        self.assertGreaterEqual(len(years), 3)

    def test_every_figure_of_the_metrics_contract_is_filled_in(self):
        """A manager opening the demo dashboard sees a figure in every tile, the new leads'
        time to a won case beside the reactivated leads', and a lift with its interval."""
        output = demo("--leads", "400")
        self.assertIn("new leads' won cases to compare", output)
        report = metrics(Practice.objects.get(slug="demo"))
        for key in ("contacted", "responded", "response_rate", "reactivated",
                    "reactivation_rate", "pipeline_value", "cost_per_reactivated_lead",
                    "cost_per_new_lead", "time_to_conversion_days",
                    "new_lead_time_to_conversion_days", "health_score",
                    "speed_to_human_minutes"):  # fmt: skip
            self.assertTrue(report[key], key)
        # Won cases of new leads are counted from inquiry: two to ten weeks in the demo.
        self.assertTrue(14 <= report["new_lead_time_to_conversion_days"] <= 70)
        lift = report["lift"]
        self.assertLess(lift["ci_low"], lift["difference"])
        self.assertLess(lift["difference"], lift["ci_high"])

    def test_links_in_messages_point_at_the_port_the_demo_serves_on(self):
        import os
        from unittest import mock

        from django.test import override_settings

        from reactivate.messaging.unsubscribe import unsubscribe_url

        with mock.patch.dict(os.environ, clear=False), override_settings():
            os.environ.pop("SITE_URL", None)
            demo("--leads", "20", "--port", "8123")
            lead = Lead.objects.first()
            self.assertTrue(unsubscribe_url(lead).startswith("http://127.0.0.1:8123/u/"))
            self.assertEqual(os.environ["SITE_URL"], "http://127.0.0.1:8123")
        clinic = "https://clinic.example.com"
        with mock.patch.dict(os.environ, {"SITE_URL": clinic}), override_settings(SITE_URL=clinic):
            demo("--leads", "20", "--port", "8124")
            self.assertTrue(unsubscribe_url(lead).startswith(f"{clinic}/u/"))
