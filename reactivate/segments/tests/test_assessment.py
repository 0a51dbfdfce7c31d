import json
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from reactivate.imports.models import ImportBatch, ImportStatus
from reactivate.segments import assessment
from reactivate.segments import definitions as definitions_module
from reactivate.segments.assessment import KEYS, assess
from reactivate.segments.definitions import named_values, segment_counts
from reactivate.segments.models import HealthSnapshot
from reactivate.segments.tests.helpers import known_practice
from reactivate.testing import (
    PASSWORD,
    BaseTestCase,
    make_lead,
    make_practice,
    splitting_scans,
)


class AssessmentFigures(BaseTestCase):
    """Every figure of the report on a practice whose numbers are worked out by hand."""

    def setUp(self):
        self.now = timezone.now()
        self.practice, self.leads = known_practice(self.agency, self.now)
        ImportBatch.objects.create(
            practice=self.practice, filename="crm.csv", status=ImportStatus.DONE, merged=7
        )
        ImportBatch.objects.create(  # a dry run merged nothing for real
            practice=self.practice,
            filename="crm.csv",
            status=ImportStatus.DONE,
            merged=99,
            dry_run=True,
        )
        self.report = assess(self.practice, self.now)

    def test_stalled_leads_by_months_since_last_contact(self):
        self.assertEqual(
            self.report["stalled_by_age"],
            [
                {"months": "0-3", "leads": 1, "potential_value": 20000.0},
                {"months": "3-6", "leads": 2, "potential_value": 22000.0},
                {"months": "6-12", "leads": 1, "potential_value": 0.0},
                {"months": "12-24", "leads": 1, "potential_value": 5000.0},
                {"months": "24+", "leads": 1, "potential_value": 30000.0},
            ],
        )

    def test_by_stage_and_by_reason_cover_only_stalled_leads(self):
        stages = {r["stage"]: (r["leads"], r["potential_value"]) for r in self.report["by_stage"]}
        self.assertEqual(
            stages,
            {
                "form": (1, 0.0),
                "info_request": (1, 5000.0),
                "consultation": (2, 22000.0),
                "treatment_plan": (2, 50000.0),
            },
        )
        reasons = {r["reason"]: r["leads"] for r in self.report["by_reason"] if r["leads"]}
        self.assertEqual(
            reasons, {"price": 2, "timing": 1, "unknown": 1, "competitor": 1, "circumstances": 1}
        )
        price = next(r for r in self.report["by_reason"] if r["reason"] == "price")
        self.assertEqual(price["potential_value"], 50000.0)
        treatments = {r["treatment"]: r["leads"] for r in self.report["by_treatment"]}
        self.assertEqual(treatments, {"Implants": 2, "Invisalign": 4})

    def test_potential_value_and_sunk_cost(self):
        self.assertEqual(
            self.report["potential_value"],
            {
                "stalled_leads": 6,
                "total": 77000.0,
                "leads_with_value": 5,
                "leads_without_value": 1,
                "average_value": 15400.0,
            },
        )
        # A's own $500, and the practice's $200 for each of the five others.
        self.assertEqual(
            self.report["sunk_acquisition_cost"],
            {
                "total": 1500.0,
                "from_lead_costs": 500.0,
                "leads_with_cost": 1,
                "at_practice_rate": 1000.0,
                "practice_cost_per_lead": 200.0,
            },
        )

    def test_data_quality(self):
        self.assertEqual(
            self.report["data_quality"],
            {
                "leads": 8,
                "valid_email": 5,
                "valid_mobile": 1,
                "valid_phone": 2,
                "postal_address": 1,
                "consent": {"email": 1, "sms": 1, "call": 0, "letter": 0},
                # E's address is suppressed; only A consented to texts; C's landline and A's
                # mobile can take calls; H has only a postal address.
                "reachable": {"email": 4, "sms": 1, "call": 2, "letter": 1},
                "duplicates_merged": 7,
                "unreachable": 2,
            },
        )

    def test_health_score_is_the_workable_share_and_has_a_trend(self):
        health = self.report["health_score"]
        # A, B, C and H: reachable and neither closed nor converted.
        self.assertEqual((health["score"], health["workable"], health["leads"]), (50.0, 4, 8))
        self.assertIsNone(health["change"])
        HealthSnapshot.objects.filter(practice=self.practice).update(
            day=timezone.localdate(self.now) - timedelta(days=30), score=40.0
        )
        later = assess(self.practice, self.now)["health_score"]
        self.assertEqual(later["change"], 10.0)
        self.assertEqual([p["score"] for p in later["trend"]], [40.0, 50.0])

    def test_recommended_segment_with_seed_bands(self):
        with mock.patch.object(assessment, "MIN_PILOT", 2):
            report = assess(self.practice, self.now, record=False)
        pick = report["recommended_segment"]
        # Nothing recent, warm and above the $15,400 average is reachable, so the third
        # rule (warm, stalled 3-24 months) picks B and H.
        self.assertEqual(pick["rule"], "warm, within 2 years")
        self.assertEqual((pick["leads"], pick["potential_value"]), (2, 22000.0))
        self.assertEqual(pick["expected"]["responses"], [0, 0])
        self.assertEqual(pick["expected"]["pipeline_value"], [660.0, 2750.0])
        self.assertIn("10-25%", pick["assumption"])

    def test_json_keys_are_stable(self):
        for key in KEYS:
            self.assertIn(key, self.report)

    def test_other_practices_leads_never_count(self):
        self.assertEqual(assess(self.north, self.now)["data_quality"]["leads"], 1)


class LeadsNotScoredYet(BaseTestCase):
    """Right after a large import, before the worker has scored it."""

    def setUp(self):
        self.now = timezone.now()
        self.practice, _ = known_practice(self.agency, self.now)
        assess(self.practice, self.now)  # scored and one health snapshot recorded
        self.practice.leads.filter(first_name__in=["A", "B", "C"]).update(reach=None)
        self.snapshots = HealthSnapshot.objects.filter(practice=self.practice)
        self.snapshots.delete()
        self.client.login(username="ada", password=PASSWORD)

    def page(self):
        return self.client.get(reverse("assessment", args=[self.practice.slug]))

    def test_the_page_answers_at_once_and_says_what_is_pending(self):
        with mock.patch.object(assessment, "SCORE_INLINE_LIMIT", 2):
            response = self.page()
        self.assertContains(response, "3 leads from the latest import are still being scored")
        self.assertContains(response, '<meta http-equiv="refresh" content="15">')
        report = response.context["report"]
        self.assertEqual(report["unscored_leads"], 3)
        # The figures leave the pending leads out, and no health point is recorded for a
        # list that is not fully scored.
        self.assertEqual(report["data_quality"]["leads"], 5)
        self.assertFalse(self.snapshots.exists())
        self.assertTrue(self.practice.leads.filter(reach__isnull=True).exists())

    def test_a_few_pending_leads_are_scored_before_the_page_answers(self):
        response = self.page()
        self.assertNotContains(response, "still being scored")
        self.assertEqual(response.context["report"]["unscored_leads"], 0)
        self.assertEqual(response.context["report"]["data_quality"]["leads"], 8)
        self.assertFalse(self.practice.leads.filter(reach__isnull=True).exists())
        self.assertEqual(self.snapshots.count(), 1)

    def test_the_json_report_always_waits_for_every_score(self):
        with mock.patch.object(assessment, "SCORE_INLINE_LIMIT", 2):
            report = assess(self.practice, self.now)
        self.assertEqual(report["unscored_leads"], 0)
        self.assertEqual(report["data_quality"]["leads"], 8)


class AssessCommand(BaseTestCase):
    def test_json_output(self):
        out = StringIO()
        call_command("assess", "--practice", "north", "--json", stdout=out)
        data = json.loads(out.getvalue())
        for key in KEYS:
            self.assertIn(key, data)
        self.assertEqual(data["potential_value"]["total"], 4500.0)

    def test_unknown_practice_is_a_clear_error(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "No practice"):
            call_command("assess", "--practice", "nowhere", "--json", stdout=StringIO())


class SplitScans(TransactionTestCase):
    """On a large SQLite table the report's scans run over two id ranges on two connections;
    the figures are the same as from one scan, and still only the practice's own."""

    def test_split_scans_give_the_same_report_and_counts(self):
        now = timezone.now()
        practice, _ = known_practice(make_practice("other").agency, now)
        other = make_practice("noise")
        for n in range(6):  # another practice's leads, between and after this one's ids
            make_lead(other, f"N{n}", "Noise", estimated_value=99999, email=f"n{n}@example.com")
        definitions = {"stalled": {"statuses": ["stalled"]}, "warm": {"stages": ["consultation"]}}
        whole = assess(practice, now, record=False)
        whole_counts = segment_counts(practice, definitions, now)
        whole_choices = named_values(practice)
        with splitting_scans(assessment, definitions_module) as ranges:
            split = assess(practice, now, record=False)
            split_counts = segment_counts(practice, definitions, now)
            split_choices = named_values(practice)
        self.assertEqual(split, whole)
        self.assertEqual(split_counts, whole_counts)
        self.assertEqual(split_choices, whole_choices)
        self.assertEqual(split_choices["treatments"], ["Implants", "Invisalign"])
        if connection.vendor == "sqlite":  # PostgreSQL plans its own parallel scans
            self.assertIn("id__lt", " ".join(ranges))
            self.assertIn("id__gte", " ".join(ranges))
        else:
            self.assertNotIn("id__", " ".join(ranges))
