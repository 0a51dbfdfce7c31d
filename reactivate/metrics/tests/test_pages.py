"""The dashboard, its CSV, the costs page and the agency's side-by-side, as people use them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.metrics.models import CostEntry, MetricsSnapshot, ProgramCosts
from reactivate.metrics.snapshots import FRESH, refresh_all
from reactivate.metrics.tests.helpers import program, t0
from reactivate.replies.models import Reply
from reactivate.testing import PASSWORD, BaseTestCase


class Pages(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.built = program(cls.north, t0())

    def as_user(self, username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client

    def url(self, name: str, practice=None, **kwargs) -> str:
        return reverse(name, kwargs={"slug": (practice or self.north).slug, **kwargs})

    def test_dashboard_shows_the_figures_the_diagnosis_and_the_lift(self):
        page = self.as_user("vic").get(self.url("dashboard"))
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn('data-testid="contacted">7<', html)
        self.assertIn('data-testid="response-rate">57.1%<', html)
        self.assertIn('data-testid="cost-per">$37.09<', html)
        self.assertIn("Too early to judge", html)  # 7 contacted: under 30
        self.assertIn("Lift in reactivation: -12.5 points (-59.5 to +39.1)", html)
        self.assertIn("By why they stalled", html)
        self.assertIn("By status", html)  # the list's summary stays on the home page

    def test_one_campaign_and_the_wall_between_practices(self):
        client = self.as_user("vic")
        campaign = self.built["campaign"]
        page = client.get(self.url("dashboard") + f"?campaign={campaign.pk}")
        self.assertContains(page, f'<option value="{campaign.pk}" selected>Autumn</option>',
                            html=False)  # fmt: skip
        south = self.as_user("sam")
        self.assertEqual(
            south.get(self.url("dashboard", self.south) + f"?campaign={campaign.pk}").status_code,
            404,
        )
        self.assertEqual(south.get(self.url("dashboard")).status_code, 404)
        self.assertEqual(client.get(self.url("dashboard") + "?campaign=x").status_code, 404)

    def test_csv_export_is_audited_and_reads_in_a_spreadsheet(self):
        response = self.as_user("vic").get(self.url("metrics_csv"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        figures = {r["measure"]: r["value"] for r in rows if r["section"] == "figures"}
        self.assertEqual((figures["contacted"], figures["reactivated"]), ("7", "2"))
        self.assertEqual(figures["cost_per_reactivated_lead"], "37.09")
        lift = {r["measure"]: r["value"] for r in rows if r["section"] == "lift"}
        self.assertEqual((lift["difference"], lift["significant"]), ("-0.125", "no"))
        self.assertTrue(any(r["section"] == "dormancy_reason" for r in rows))
        self.assertTrue(AuditEvent.objects.filter(
            practice=self.north, action=AuditAction.METRICS_EXPORTED, actor=self.north_viewer
        ).exists())  # fmt: skip

    def test_a_formula_in_a_campaign_name_stays_text(self):
        campaign = self.built["campaign"]
        campaign.name = '=HYPERLINK("http://x")'
        campaign.save(update_fields=["name"])
        body = self.as_user("vic").get(self.url("metrics_csv") + f"?campaign={campaign.pk}")
        self.assertIn("'=HYPERLINK", body.content.decode())

    def test_owner_sets_prices_and_the_figure_follows(self):
        client = self.as_user("nora")
        form = {
            "email_price": "0.01",
            "sms_price": "0.05",
            "letter_price": "1.00",
            "staff_hourly_rate": "60",
            "minutes_per_call": "5",
            "minutes_per_reply": "4",
        }
        response = client.post(self.url("metrics_costs"), form)
        self.assertRedirects(response, self.url("metrics_costs"))
        self.assertEqual(ProgramCosts.objects.get(practice=self.north).staff_hourly_rate, 60)
        event = AuditEvent.objects.get(practice=self.north, action=AuditAction.COSTS_CHANGED)
        self.assertEqual(event.detail, {"staff_hourly_rate": ["30.00", "60"]})
        # 26 staff minutes now cost $26: (1.18 + 26 + 60) / 2.
        page = client.get(self.url("dashboard"))
        self.assertContains(page, 'data-testid="cost-per">$43.59<')

    def test_fixed_costs_added_and_removed_with_their_audit(self):
        client = self.as_user("nora")
        client.post(self.url("metrics_cost_add"), {
            "description": "Mail house", "amount": "40.00", "incurred_on": "2026-11-02",
            "campaign": self.built["campaign"].pk,
        })  # fmt: skip
        entry = CostEntry.objects.get(practice=self.north, description="Mail house")
        self.assertEqual(entry.amount, Decimal("40.00"))
        self.assertEqual(entry.created_by, self.north_owner)
        client.post(self.url("metrics_cost_remove", pk=entry.pk))
        self.assertFalse(CostEntry.objects.filter(pk=entry.pk).exists())
        actions = set(
            AuditEvent.objects.filter(practice=self.north).values_list("action", flat=True)
        )
        self.assertLessEqual({AuditAction.COST_ADDED, AuditAction.COST_REMOVED}, actions)

    def test_a_bad_cost_is_refused_with_the_reason_and_nothing_saved(self):
        response = self.as_user("nora").post(self.url("metrics_cost_add"), {
            "description": "Oops", "amount": "-5", "incurred_on": "2026-11-02"})  # fmt: skip
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "greater than or equal to 0", status_code=400)
        self.assertFalse(CostEntry.objects.filter(description="Oops").exists())

    def test_coordinators_and_viewers_cannot_change_costs(self):
        for username in ("cole", "vic"):
            response = self.as_user(username).post(self.url("metrics_costs"), {"sms_price": "9"})
            self.assertEqual(response.status_code, 403)
        entry = CostEntry.objects.filter(practice=self.north).first()
        response = self.as_user("sam").post(
            self.url("metrics_cost_remove", self.south, pk=entry.pk)
        )
        self.assertEqual(response.status_code, 404)  # South's owner, North's cost
        self.assertTrue(CostEntry.objects.filter(pk=entry.pk).exists())

    def test_side_by_side_lists_only_practices_the_user_may_open(self):
        operator = self.as_user("ada").get(self.url("metrics_side_by_side"))
        self.assertContains(operator, "North Dental")
        self.assertContains(operator, "South Smiles")
        self.assertNotContains(operator, "West Aesthetics")
        owner = self.as_user("nora").get(self.url("metrics_side_by_side"))
        self.assertContains(owner, "North Dental")
        self.assertNotContains(owner, "South Smiles")


class Snapshots(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.built = program(cls.north, t0())

    def setUp(self) -> None:
        self.client.login(username="cole", password=PASSWORD)
        self.url = reverse("dashboard", kwargs={"slug": "north"})

    def test_the_page_reads_a_fresh_snapshot_and_refresh_recomputes_it(self):
        self.client.get(self.url)
        kept = MetricsSnapshot.objects.get(practice=self.north, scope="all")
        self.assertEqual(kept.report["contacted"], 7)
        # A reply arrives after the snapshot: the page keeps showing the snapshot...
        Reply.objects.filter(lead=self.built["L3"]).update(label="positive")
        self.assertContains(self.client.get(self.url), 'data-testid="response-rate">57.1%<')
        # ...until someone refreshes (or the worker does, every five minutes).
        self.client.post(reverse("metrics_refresh", kwargs={"slug": "north"}))
        self.assertContains(self.client.get(self.url), 'data-testid="response-rate">71.4%<')

    def test_a_stale_snapshot_is_computed_again(self):
        self.client.get(self.url)
        MetricsSnapshot.objects.filter(practice=self.north).update(
            computed_at=timezone.now() - FRESH - timedelta(minutes=1)
        )
        Reply.objects.filter(lead=self.built["L3"]).update(label="positive")
        self.assertContains(self.client.get(self.url), 'data-testid="response-rate">71.4%<')

    def test_a_slow_report_is_shown_as_kept_while_the_worker_computes_the_next(self):
        self.client.get(self.url)
        # A practice whose report takes seconds: a stale snapshot does not hold the page up.
        MetricsSnapshot.objects.filter(practice=self.north).update(
            computed_at=timezone.now() - FRESH - timedelta(minutes=1), seconds=6.4
        )
        Reply.objects.filter(lead=self.built["L3"]).update(label="positive")
        page = self.client.get(self.url)
        self.assertContains(page, 'data-testid="response-rate">57.1%<')
        self.assertContains(page, "newer figures are being computed by the worker")
        self.assertContains(page, "takes 6.4 s")
        self.assertEqual(refresh_all(), 1)
        page = self.client.get(self.url)
        self.assertContains(page, 'data-testid="response-rate">71.4%<')
        self.assertContains(page, "the worker refreshes them every five minutes")

    def test_refresh_now_on_a_slow_report_goes_to_the_worker(self):
        self.client.get(self.url)
        MetricsSnapshot.objects.filter(practice=self.north).update(seconds=6.4)
        Reply.objects.filter(lead=self.built["L3"]).update(label="positive")
        # The tests' queue runs a task at once; a real worker picks it up in a moment.
        done = self.client.post(reverse("metrics_refresh", kwargs={"slug": "north"}),
                                follow=True)  # fmt: skip
        self.assertContains(done, "Newer figures are being computed by the worker")
        self.assertContains(done, 'data-testid="response-rate">71.4%<')

    def test_the_worker_keeps_a_campaign_current_while_someone_reads_it(self):
        campaign = self.built["campaign"]
        self.client.get(self.url, {"campaign": campaign.pk})
        kept = MetricsSnapshot.objects.get(practice=self.north, scope=f"campaign-{campaign.pk}")
        self.assertIsNotNone(kept.read_at)
        self.assertEqual(refresh_all(), 2)  # the program and the campaign being read
        MetricsSnapshot.objects.filter(pk=kept.pk).update(
            read_at=timezone.now() - timedelta(days=2)
        )
        self.assertEqual(refresh_all(), 1)  # nobody has looked at it for two days

    def test_the_worker_refreshes_practices_with_a_program(self):
        self.assertEqual(refresh_all(), 1)  # North launched a campaign; South did not
        self.assertEqual(
            list(MetricsSnapshot.objects.values_list("practice__slug", "scope")), [("north", "all")]
        )

    def test_viewers_may_not_refresh(self):
        viewer = Client()
        viewer.login(username="vic", password=PASSWORD)
        response = viewer.post(reverse("metrics_refresh", kwargs={"slug": "north"}))
        self.assertEqual(response.status_code, 403)
