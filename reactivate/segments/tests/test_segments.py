import csv
import io
import json

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.segments.definitions import condition, segment_counts, segment_leads
from reactivate.segments.models import Segment
from reactivate.segments.scoring import score_practice
from reactivate.segments.tests.helpers import known_practice
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership
from reactivate.testing import PASSWORD, BaseTestCase, make_user


class Definitions(BaseTestCase):
    """Each part of a definition selects exactly the hand-built leads it should."""

    def setUp(self):
        self.now = timezone.now()
        self.practice, self.leads = known_practice(self.agency, self.now)
        score_practice(self.practice)

    def names(self, definition):
        leads = segment_leads(self.practice, definition, self.now)
        return sorted(lead.first_name for lead in leads)

    def test_every_field(self):
        cases = [
            ({}, ["A", "B", "C", "D", "E", "F", "G", "H"]),
            ({"statuses": ["stalled"]}, ["A", "B", "C", "D", "E", "H"]),
            ({"months_min": 3, "months_max": 12}, ["B", "C", "G", "H"]),
            ({"months_max": 3}, ["A", "F"]),
            ({"months_min": 24}, ["E"]),
            ({"stages": ["treatment_plan"]}, ["A", "E"]),
            ({"value_min": "12000"}, ["A", "E", "H"]),
            ({"value_max": "10000"}, ["B", "D", "F"]),
            ({"reasons": ["price", "timing"]}, ["A", "B", "E"]),
            ({"treatments": ["Implants"]}, ["A", "E"]),
            ({"channels": ["sms"]}, ["A"]),
            ({"channels": ["call", "letter"]}, ["A", "C", "H"]),
            ({"reachable": True, "statuses": ["stalled"]}, ["A", "B", "C", "H"]),
            ({"consent": ["email"]}, ["A"]),
            ({"cycles_max": 0}, ["A", "B", "C", "D", "E", "F", "G", "H"]),
            # Stalled over 3 months ago (first-attempt wait) and under the cap.
            ({"eligible_now": True}, ["B", "C", "D", "E", "H"]),
        ]
        for definition, expected in cases:
            with self.subTest(definition=definition):
                self.assertEqual(self.names(definition), expected)

    def test_ranked_best_to_call_first(self):
        ranked = list(segment_leads(self.practice, {"reachable": True, "statuses": ["stalled"]}))
        priorities = [lead.priority for lead in ranked]
        self.assertEqual(priorities, sorted(priorities, reverse=True))
        self.assertEqual(ranked[0].first_name, "A")  # warmest, most recent, $20,000

    def test_any_number_of_segments_count_in_one_query(self):
        definitions = {
            "warm": {"stages": ["consultation", "treatment_plan"], "statuses": ["stalled"]},
            "recent": {"months_max": 6},
            "texts": {"channels": ["sms"]},
            "price": {"reasons": ["price"]},
        }
        with self.assertNumQueries(1):
            counts = segment_counts(self.practice, definitions, self.now)
        self.assertEqual(
            counts["warm"], {"leads": 4, "value": 72000.0, "priority": counts["warm"]["priority"]}
        )
        self.assertEqual(counts["recent"]["leads"], 5)
        self.assertEqual(counts["texts"]["leads"], 1)
        self.assertEqual(counts["price"]["value"], 50000.0)

    def test_counts_with_shared_conditions_match_each_segment_alone(self):
        # Both ask for reachable stalled leads: that part filters the scan itself.
        definitions = {
            "warm": {"reachable": True, "statuses": ["stalled"], "stages": ["consultation"]},
            "cold": {"reachable": True, "statuses": ["stalled"], "months_min": 12},
            "all reachable": {"reachable": True, "statuses": ["stalled"]},
        }
        together = segment_counts(self.practice, definitions, self.now)
        for name, definition in definitions.items():
            with self.subTest(name):
                alone = segment_leads(self.practice, definition, self.now)
                self.assertEqual(together[name]["leads"], alone.count())
                self.assertEqual(
                    together[name]["value"],
                    float(sum(lead.estimated_value or 0 for lead in alone)),
                )
        self.assertEqual(together["all reachable"]["leads"], 4)

    def test_conditions_never_reach_another_practice(self):
        self.assertEqual(segment_counts(self.north, {"all": {}})["all"]["leads"], 1)
        self.assertIsNotNone(condition(self.north, {"channels": ["email"]}))


class SegmentPages(BaseTestCase):
    def setUp(self):
        score_practice(self.north)

    def test_build_a_segment_with_a_live_count_and_save_it(self):
        self.client.login(username="cole", password=PASSWORD)
        preview = self.client.get(
            reverse("segment_preview", args=["north"]),
            {"statuses": ["stalled"], "stages": ["consultation"]},
            headers={"HX-Request": "true"},
        )
        self.assertContains(preview, 'data-testid="preview-leads">1<')
        self.assertContains(preview, "$4,500")
        saved = self.client.post(
            reverse("segment_new", args=["north"]),
            {"name": "Warm stalled", "statuses": ["stalled"], "stages": ["consultation"]},
        )
        segment = Segment.objects.get(practice=self.north, name="Warm stalled")
        self.assertRedirects(saved, reverse("segment_detail", args=["north", segment.pk]))
        self.assertEqual(segment.definition, {"statuses": ["stalled"], "stages": ["consultation"]})
        detail = self.client.get(reverse("segment_detail", args=["north", segment.pk]))
        self.assertContains(detail, "Maria Gonzalez")
        index = self.client.get(reverse("segment_index", args=["north"]))
        self.assertContains(index, "Warm stalled")
        self.assertTrue(
            AuditEvent.objects.filter(action=AuditAction.SEGMENT_SAVED, object_id=str(segment.pk))
        )

    def test_every_segment_page_shows_the_expected_value_of_working_it(self):
        self.client.login(username="cole", password=PASSWORD)
        segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.north_lead.refresh_from_db()
        expected = f"${self.north_lead.priority:,.0f}"
        self.assertNotEqual(expected, "$0")
        pages = {
            "detail": reverse("segment_detail", args=["north", segment.pk]),
            "index": reverse("segment_index", args=["north"]),
            "edit": reverse("segment_edit", args=["north", segment.pk]),
            "preview": reverse("segment_preview", args=["north"]) + "?statuses=stalled",
        }
        for name, url in pages.items():
            with self.subTest(name):
                self.assertContains(self.client.get(url), expected)

    def test_bad_bounds_are_explained(self):
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.post(
            reverse("segment_new", args=["north"]),
            {"name": "Backwards", "months_min": "12", "months_max": "6"},
        )
        self.assertContains(page, "Must be more than the lower bound.")
        self.assertFalse(Segment.objects.filter(name="Backwards").exists())

    def test_duplicate_names_are_refused_without_losing_the_form(self):
        Segment.objects.create(practice=self.north, name="Mine", definition={})
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.post(reverse("segment_new", args=["north"]), {"name": "Mine"})
        self.assertContains(page, "already has a segment with that name")

    def test_another_practices_segment_does_not_exist_for_you(self):
        theirs = Segment.objects.create(practice=self.south, name="South only", definition={})
        self.client.login(username="cole", password=PASSWORD)
        for name in ("segment_detail", "segment_edit"):
            self.assertEqual(
                self.client.get(reverse(name, args=["north", theirs.pk])).status_code, 404
            )
        response = self.client.post(reverse("segment_delete", args=["north", theirs.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Segment.objects.filter(pk=theirs.pk).exists())

    def test_a_viewer_may_look_but_not_change(self):
        segment = Segment.objects.create(practice=self.north, name="Look", definition={})
        self.client.login(username="vic", password=PASSWORD)
        self.assertEqual(
            self.client.get(reverse("segment_detail", args=["north", segment.pk])).status_code, 200
        )
        self.assertEqual(
            self.client.post(reverse("segment_delete", args=["north", segment.pk])).status_code,
            403,
        )
        self.assertEqual(
            self.client.post(reverse("segment_new", args=["north"]), {"name": "X"}).status_code,
            403,
        )
        self.assertEqual(
            self.client.post(reverse("assessment_pilot", args=["north"])).status_code, 403
        )
        self.assertEqual(Segment.objects.filter(practice=self.north).count(), 1)


class AssessmentPages(BaseTestCase):
    def setUp(self):
        self.client.login(username="nora", password=PASSWORD)

    def test_page_leads_to_a_pilot_segment(self):
        page = self.client.get(reverse("assessment", args=["north"]))
        self.assertContains(page, "Months since last contact")
        self.assertContains(page, "Create a pilot on this segment")
        created = self.client.post(reverse("assessment_pilot", args=["north"]))
        segment = Segment.objects.get(practice=self.north)
        self.assertTrue(segment.name.startswith("Pilot: "))
        self.assertRedirects(created, reverse("segment_detail", args=["north", segment.pk]))
        # Asking twice on the same day keeps one segment.
        self.client.post(reverse("assessment_pilot", args=["north"]))
        self.assertEqual(Segment.objects.filter(practice=self.north).count(), 1)

    def test_csv_download(self):
        response = self.client.get(reverse("assessment_csv", args=["north"]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        total = next(
            r for r in rows if r["section"] == "potential_value" and r["group"] == "stalled leads"
        )
        self.assertEqual((total["leads"], total["value"]), ("1", "4500.0"))
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.ASSESSMENT_EXPORTED))

    def test_json_download_from_the_page_matches_the_command(self):
        page = self.client.get(reverse("assessment", args=["north"]))
        url = reverse("assessment_json", args=["north"])
        self.assertContains(page, f'href="{url}"')
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("attachment", response["Content-Disposition"])
        report = json.loads(response.content)
        out = io.StringIO()
        call_command("assess", "--practice", "north", "--json", stdout=out)
        from_shell = json.loads(out.getvalue())
        for doc in (report, from_shell):
            doc.pop("generated_at")
        self.assertEqual(report, from_shell)

    def test_pdf_download(self):
        response = self.client.get(reverse("assessment_pdf", args=["north"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertIn("assessment-north-", response["Content-Disposition"])

    def test_agency_operator_sees_each_practice_apart(self):
        operator = make_user("op2")
        Membership.objects.create(user=operator, agency=self.agency, role=Role.AGENCY_OPERATOR)
        self.client.login(username="op2", password=PASSWORD)
        north = self.client.get(reverse("assessment", args=["north"]))
        self.assertContains(north, "$4,500")
        self.assertNotContains(north, "$5,500")
        self.assertEqual(self.client.get(reverse("assessment", args=["west"])).status_code, 404)
