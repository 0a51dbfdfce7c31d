from datetime import timedelta
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reactivate.leads.choices import LeadStatus, Stage
from reactivate.testing import BaseTestCase, make_lead


class LeadListTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jose = make_lead(
            cls.north,
            "José",
            "Núñez",
            treatment="Invisalign",
            stage=Stage.TREATMENT_PLAN,
            email="jose.nunez@example.com",
            phone="+17735550142",
            last_contact_at=timezone.now() - timedelta(days=10),
        )
        cls.zoe = make_lead(
            cls.north,
            "Zoë",
            "Lee",
            treatment="Porcelain veneers",
            status=LeadStatus.CLOSED,
            phone="+13125550150",
            last_contact_at=timezone.now() - timedelta(days=400),
        )

    def setUp(self):
        self.client.force_login(self.north_coordinator)
        self.url = reverse("lead_index", args=["north"])

    def names(self, response) -> list[str]:
        return [lead.full_name for lead in response.context["page"].object_list]

    def test_it_lists_the_practices_leads_most_recent_contact_first(self):
        response = self.client.get(self.url)
        self.assertEqual(self.names(response), ["José Núñez", "Maria Gonzalez", "Zoë Lee"])

    def test_it_can_list_the_best_to_call_first(self):
        from reactivate.segments.scoring import score_practice

        make_lead(
            self.north,
            "Priya",
            "Plan",
            stage=Stage.TREATMENT_PLAN,
            estimated_value=Decimal("50000"),
            email="priya@example.com",
            last_contact_at=timezone.now() - timedelta(days=200),
        )
        score_practice(self.north)
        response = self.client.get(self.url, {"order": "priority"})
        # Priya: 5% x1.0 (6-12 months) x1.8 (plan) x $50,000; José: x1.6 x1.8 x the $27,250
        # median; Maria: x1.4 x1.3 x $4,500; Zoë is closed.
        self.assertEqual(
            self.names(response), ["Priya Plan", "José Núñez", "Maria Gonzalez", "Zoë Lee"]
        )

    def test_it_finds_a_lead_by_part_of_a_name_with_accents(self):
        self.assertEqual(self.names(self.client.get(self.url, {"q": "núñez"})), ["José Núñez"])

    def test_search_ignores_accents_and_case_both_ways(self):
        for typed in ("nunez", "NUNEZ", "Núñez", "jose nunez"):
            with self.subTest(typed=typed):
                self.assertEqual(
                    self.names(self.client.get(self.url, {"q": typed})), ["José Núñez"]
                )
        self.assertEqual(self.names(self.client.get(self.url, {"q": "ZOE"})), ["Zoë Lee"])

    def test_it_finds_a_lead_by_email(self):
        response = self.client.get(self.url, {"q": "Maria.Gonzalez@"})
        self.assertEqual(self.names(response), ["Maria Gonzalez"])

    def test_it_finds_a_lead_by_phone_typed_any_way(self):
        for typed in ("(773) 555-0142", "773.555.0142", "7735550142"):
            with self.subTest(typed=typed):
                response = self.client.get(self.url, {"q": typed})
                self.assertEqual(self.names(response), ["José Núñez"])

    def test_it_keeps_phone_only_leads(self):
        self.assertIn("Zoë Lee", self.names(self.client.get(self.url, {"q": "Zoë"})))

    def test_it_filters_by_status_stage_and_treatment(self):
        cases = [
            ({"status": "closed"}, ["Zoë Lee"]),
            ({"stage": "treatment_plan"}, ["José Núñez"]),
            ({"treatment": "Dental implant"}, ["Maria Gonzalez"]),
            ({"status": "stalled", "treatment": "Invisalign"}, ["José Núñez"]),
        ]
        for params, expected in cases:
            with self.subTest(params=params):
                self.assertEqual(self.names(self.client.get(self.url, params)), expected)

    def test_the_treatment_filter_offers_the_practices_own_treatments(self):
        choices = dict(self.client.get(self.url).context["form"].fields["treatment"].choices)
        self.assertEqual(
            sorted(k for k in choices if k), ["Dental implant", "Invisalign", "Porcelain veneers"]
        )

    def test_an_htmx_request_gets_only_the_table(self):
        response = self.client.get(self.url, {"q": "Zoë"}, headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Zoë Lee")
        self.assertContains(response, "1 lead")

    def test_no_match_says_how_to_get_the_list_back(self):
        response = self.client.get(self.url, {"q": "nobody-by-this-name"})
        self.assertContains(response, "No leads match")

    @override_settings(LEADS_PER_PAGE=2)
    def test_it_pages_and_keeps_the_filters_in_page_links(self):
        first = self.client.get(self.url, {"status": "stalled"})
        self.assertEqual(first.context["page"].paginator.num_pages, 1)
        everyone = self.client.get(self.url)
        self.assertContains(everyone, "Page 1 of 2")
        second = self.client.get(self.url, {"page": 2})
        self.assertEqual(self.names(second), ["Zoë Lee"])
        filtered = self.client.get(self.url, {"treatment": "Invisalign", "page": 1})
        self.assertNotIn("page=1&amp;page", filtered.content.decode())

    def test_the_number_of_queries_does_not_grow_with_the_page(self):
        for index in range(30):
            make_lead(self.north, f"Extra{index}", "Lead", email=f"extra{index}@example.com")
        self.client.get(self.url)  # the first visit remembers the practice in the session
        # session, user, practice, membership, switcher, treatments, count, leads, contacts,
        # and the menu's count of new follow-ups
        with self.assertNumQueries(10):
            self.client.get(self.url)
