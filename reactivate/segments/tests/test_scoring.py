from datetime import timedelta
from decimal import Decimal
from io import StringIO
from unittest import mock

import numpy as np
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.choices import DormancyReason, LeadStatus, Stage
from reactivate.leads.models import Lead
from reactivate.leads.services import lead_set_status
from reactivate.segments import prior, scoring
from reactivate.segments.model import ExplainableModel
from reactivate.segments.models import ScoringModel
from reactivate.segments.reach import CAN, GRANTED, TEXTABLE_PHONE, VALID_EMAIL, VALID_PHONE
from reactivate.segments.rescoring import rescore_marked
from reactivate.segments.scoring import (
    NotEnoughOutcomes,
    explain_lead,
    fit_practice,
    score_practice,
)
from reactivate.segments.tests.helpers import known_practice, months_ago
from reactivate.testing import PASSWORD, BaseTestCase, make_lead, make_practice


class ReachBits(BaseTestCase):
    def test_each_lead_gets_the_channels_a_message_may_use(self):
        practice, leads = known_practice(self.agency, timezone.now())
        score_practice(practice)
        reach = {k: Lead.objects.get(pk=v.pk).reach for k, v in leads.items()}
        self.assertEqual(
            reach["a"],
            CAN["email"]
            | CAN["sms"]
            | CAN["call"]
            | VALID_EMAIL
            | TEXTABLE_PHONE
            | VALID_PHONE
            | GRANTED["email"]
            | GRANTED["sms"],
        )
        # Email without a recorded consent is usable (opt-out channel); texts are not.
        self.assertEqual(reach["b"], CAN["email"] | VALID_EMAIL)
        # A landline takes calls, never texts.
        self.assertEqual(reach["c"], CAN["call"] | VALID_PHONE)
        self.assertEqual(reach["d"], 0)
        # Suppressed: still a valid address, but no channel may use it.
        self.assertEqual(reach["e"], VALID_EMAIL)
        self.assertEqual(reach["h"] & CAN["letter"], CAN["letter"])


class PriorScores(BaseTestCase):
    def test_priority_is_chance_times_value_with_the_prior_table(self):
        now = timezone.now()
        lead = make_lead(
            self.north,
            "Tess",
            "Plan",
            email="tess@example.com",
            stage=Stage.TREATMENT_PLAN,
            dormancy_reason=DormancyReason.PRICE,
            estimated_value=Decimal("15000"),
            last_contact_at=months_ago(now, 4),
        )
        run = score_practice(self.north)
        self.assertEqual(run.source, "prior table")
        lead.refresh_from_db()
        expected = prior.BASE_RATE * 1.4 * 1.8 * 1.1
        self.assertAlmostEqual(lead.p_reactivate, expected)
        self.assertAlmostEqual(lead.priority, expected * 15000)
        why = explain_lead(lead)
        labels = dict(why.reasons)
        self.assertEqual(labels["last contact 4 months ago"], 1.4)
        self.assertEqual(labels["treatment plan received"], 1.8)
        self.assertEqual(labels["price as the reason it stalled"], 1.1)

    def test_unknown_value_uses_the_treatments_typical_value(self):
        for value in ("4000", "6000"):
            make_lead(
                self.north,
                "V",
                value,
                email=f"v{value}@example.com",
                treatment="Implants",
                estimated_value=Decimal(value),
            )
        unknown = make_lead(self.north, "No", "Value", email="nv@example.com", treatment="Implants")
        score_practice(self.north)
        unknown.refresh_from_db()
        self.assertAlmostEqual(unknown.priority / unknown.p_reactivate, 5000)
        self.assertEqual(explain_lead(unknown).value_note, "typical value for Implants")

    def test_leads_that_cannot_be_worked_are_worth_nothing_to_call(self):
        no_way = make_lead(self.north, "No", "Channel", estimated_value=Decimal("9000"))
        closed = make_lead(
            self.north,
            "Closed",
            "Lead",
            email="closed@example.com",
            status=LeadStatus.CLOSED,
            estimated_value=Decimal("9000"),
        )
        score_practice(self.north)
        for lead in (no_way, closed):
            lead.refresh_from_db()
            self.assertEqual(lead.priority, 0)
            self.assertGreater(lead.p_reactivate, 0)

    def test_first_attempt_date_is_filled_from_the_cadence(self):
        stalled = timezone.now() - timedelta(days=10)
        lead = make_lead(
            self.north, "New", "Stall", email="ns@example.com", last_contact_at=stalled
        )
        score_practice(self.north)
        lead.refresh_from_db()
        from reactivate.core.dates import add_months

        self.assertEqual(lead.next_eligible_at, add_months(stalled, 3))

    def test_the_lead_page_shows_the_score_and_its_reasons(self):
        score_practice(self.north)
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.get(reverse("lead_detail", args=["north", self.north_lead.pk]))
        panel_url = reverse("lead_score", args=["north", self.north_lead.pk])
        self.assertContains(page, f'hx-get="{panel_url}"')  # the lead page loads the panel
        page = self.client.get(panel_url, headers={"HX-Request": "true"})
        self.assertContains(page, "Worth calling?")
        self.assertContains(page, "consultation attended: ×1.30")  # noqa: RUF001
        self.assertContains(page, "prior table")
        self.assertContains(self.client.get(panel_url), "consultation attended")  # without JS

    def test_the_score_panel_is_walled_by_practice(self):
        self.client.login(username="sam", password=PASSWORD)
        page = self.client.get(reverse("lead_score", args=["north", self.north_lead.pk]))
        self.assertIn(page.status_code, (403, 404))

    def test_an_import_rescores_the_practice(self):
        path = write_csv(
            [
                ["First Name", "Last Name", "Email", "Lifecycle Stage"],
                ["Ivy", "Import", "ivy@example.com", "lead"],
            ]
        )
        run_import(path)
        # The import leaves a mark; the scheduler's minutely task scores the practice.
        self.assertEqual(rescore_marked(), 1)
        ivy = Lead.objects.get(practice=self.north, first_name="Ivy")
        self.assertIsNotNone(ivy.p_reactivate)
        self.assertEqual(ivy.reach & CAN["email"], CAN["email"])
        self.north_lead.refresh_from_db()
        self.assertIsNotNone(self.north_lead.priority)

    def test_an_outcome_rescores_the_lead(self):
        score_practice(self.north)
        self.north_lead.refresh_from_db()
        self.assertGreater(self.north_lead.priority, 0)
        lead_set_status(
            lead=self.north_lead, actor=self.north_coordinator, status=LeadStatus.CONVERTED
        )
        # Leads leave a mark; the scheduler's minutely task scores what was marked.
        self.assertEqual(rescore_marked(), 1)
        self.north_lead.refresh_from_db()
        self.assertEqual(self.north_lead.priority, 0)


class LearnedScores(BaseTestCase):
    """The practice's own outcomes replace the prior only when they beat it on held-out data."""

    def outcomes(self, rule, n=400, seed=7):
        rng = np.random.default_rng(seed)
        now = timezone.now()
        sources = ["Google Ads", "Facebook", "Referral", "Walk-in"]
        for i in range(n):
            source = sources[i % 4]
            won = rule(source, rng)
            make_lead(
                self.north,
                f"L{i}",
                "Outcome",
                email=f"l{i}@example.com",
                source=source,
                estimated_value=Decimal("5000"),
                cycle_count=1,
                status=LeadStatus.REACTIVATED if won else LeadStatus.STALLED,
                last_contact_at=months_ago(now, int(rng.integers(3, 30))),
            )

    def test_a_model_that_beats_the_prior_is_activated_and_explains_itself(self):
        # Referrals come back four times in five; the prior table knows nothing of sources.
        self.outcomes(lambda s, rng: rng.random() < (0.8 if s == "Referral" else 0.1))
        result = fit_practice(self.north)
        self.assertTrue(result.activated)
        r = result.record
        self.assertGreater(r.heldout_auc, r.prior_auc)
        self.assertLessEqual(r.heldout_brier, r.prior_brier)
        run = score_practice(self.north)
        self.assertEqual(run.source, f"model #{r.pk}")
        referral = Lead.objects.filter(practice=self.north, source="Referral").first()
        other = Lead.objects.filter(practice=self.north, source="Facebook").first()
        self.assertGreater(referral.p_reactivate, 3 * other.p_reactivate)
        why = explain_lead(referral)
        self.assertEqual(why.reasons[0][0], "source: Referral")
        self.assertGreater(why.reasons[0][1], 2)

    def test_a_model_worse_than_the_prior_on_held_out_outcomes_is_never_activated(self):
        # Outcomes that follow the prior's own ordering (recent leads come back)...
        self.outcomes(lambda s, rng: False)
        for lead in Lead.objects.filter(practice=self.north, cycle_count=1):
            recent = lead.last_contact_at > timezone.now() - timedelta(days=200)
            lead.status = LeadStatus.REACTIVATED if recent else LeadStatus.STALLED
            lead.save(update_fields=["status"])
        # ...and a fitted model whose held-out scores are noise.
        noise = np.random.default_rng(1)
        with mock.patch.object(
            ExplainableModel, "predict", lambda self, frame: noise.random(frame.height)
        ):
            result = fit_practice(self.north)
        self.assertFalse(result.activated)
        self.assertLess(result.record.heldout_auc, result.record.prior_auc)
        self.assertFalse(ScoringModel.objects.filter(practice=self.north, active=True).exists())
        self.assertEqual(score_practice(self.north).source, "prior table")

    def test_too_few_outcomes_is_said_plainly(self):
        with self.assertRaisesMessage(NotEnoughOutcomes, "needs at least 100"):
            fit_practice(self.north)

    def test_score_command(self):
        self.outcomes(lambda s, rng: rng.random() < (0.8 if s == "Referral" else 0.1))
        out = StringIO()
        call_command("score", "--practice", "north", "--fit", stdout=out)
        text = out.getvalue()
        self.assertIn("learned from 400 outcomes", text)
        self.assertIn("Beat the prior table", text)
        self.assertIn("Scored 401 leads with model #", text)

    def test_score_command_without_outcomes_keeps_the_prior(self):
        out = StringIO()
        call_command("score", "--practice", "north", "--fit", stdout=out)
        self.assertIn("The prior table scores its leads until then", out.getvalue())
        self.assertIn("Scored 1 leads with the prior table", out.getvalue())


class ScoringPassTransactions(TransactionTestCase):
    """A pass reads without the write lock and writes in short transactions."""

    def test_a_pass_writes_in_chunks_and_reads_outside_any_transaction(self):
        practice = make_practice("big")
        for n in range(5):
            make_lead(practice, f"P{n}", "Lee", email=f"p{n}@example.com")
        seen = {"read_in_transaction": [], "chunks": []}
        real_read, real_write = scoring.lead_frame, scoring.update_frame

        def read(*args, **kwargs):
            seen["read_in_transaction"].append(connection.in_atomic_block)
            return real_read(*args, **kwargs)

        def write(table, frame, *args, **kwargs):
            seen["chunks"].append((frame.height, connection.in_atomic_block))
            return real_write(table, frame, *args, **kwargs)

        with (
            mock.patch.object(scoring, "WRITE_CHUNK", 2),
            mock.patch.object(scoring, "lead_frame", read),
            mock.patch.object(scoring, "update_frame", write),
        ):
            run = score_practice(practice)
        self.assertEqual((run.leads, run.written), (5, 5))
        self.assertEqual(seen["read_in_transaction"], [False])
        self.assertEqual(seen["chunks"], [(2, True), (2, True), (1, True)])
        leads = Lead.objects.filter(practice=practice)
        self.assertFalse(leads.filter(reach__isnull=True).exists())
        self.assertFalse(leads.filter(priority__lte=0).exists())
