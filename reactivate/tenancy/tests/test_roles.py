from django.urls import reverse

from reactivate.leads.models import Interaction
from reactivate.tenancy.access import access_for, practices_for
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership
from reactivate.testing import BaseTestCase


class ViewerTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.north_viewer)

    def test_a_viewer_reads_the_lead_list_and_lead_page(self):
        self.assertEqual(self.client.get(reverse("lead_index", args=["north"])).status_code, 200)
        page = self.client.get(reverse("lead_detail", args=["north", self.north_lead.pk]))
        self.assertContains(page, "maria.gonzalez@example.com")

    def test_a_viewer_is_not_offered_forms_that_change_things(self):
        page = self.client.get(reverse("lead_detail", args=["north", self.north_lead.pk]))
        self.assertNotContains(page, "Add note")
        self.assertNotContains(page, "Save status")
        settings_page = self.client.get(reverse("practice_settings", args=["north"]))
        self.assertNotContains(settings_page, "Save settings")
        self.assertContains(settings_page, "Only the practice's owner or manager")

    def test_a_viewer_cannot_change_anything(self):
        lead = self.north_lead
        attempts = [
            (reverse("lead_note", args=["north", lead.pk]), {"body": "viewer note"}),
            (reverse("lead_status", args=["north", lead.pk]), {"status": "do_not_contact"}),
            (reverse("practice_settings", args=["north"]), {"name": "Renamed"}),
            (reverse("lead_index", args=["north"]), {}),
            (reverse("lead_detail", args=["north", lead.pk]), {}),
            (reverse("dashboard", args=["north"]), {}),
        ]
        for url, data in attempts:
            with self.subTest(url=url):
                self.assertIn(self.client.post(url, data).status_code, (403, 405))
        lead.refresh_from_db()
        self.north.refresh_from_db()
        self.assertEqual(lead.status, "stalled")
        self.assertEqual(self.north.name, "North Dental")
        self.assertFalse(Interaction.objects.filter(lead=lead).exists())


class CoordinatorTests(BaseTestCase):
    def test_a_coordinator_works_leads_but_cannot_change_practice_settings(self):
        self.client.force_login(self.north_coordinator)
        note = self.client.post(
            reverse("lead_note", args=["north", self.north_lead.pk]), {"body": "Called, no answer"}
        )
        self.assertEqual(note.status_code, 302)
        settings_post = self.client.post(
            reverse("practice_settings", args=["north"]), {"name": "Renamed"}
        )
        self.assertEqual(settings_post.status_code, 403)
        page = self.client.get(reverse("dashboard", args=["north"]))
        self.assertNotContains(page, reverse("practice_settings", args=["north"]))


class AgencyOperatorTests(BaseTestCase):
    def test_an_operator_sees_exactly_its_agencys_practices(self):
        self.assertEqual(
            sorted(practices_for(self.operator).values_list("slug", flat=True)), ["north", "south"]
        )

    def test_an_operator_opens_each_agency_practice_and_not_another_agencys(self):
        self.client.force_login(self.operator)
        for slug in ("north", "south"):
            with self.subTest(slug=slug):
                self.assertEqual(
                    self.client.get(reverse("lead_index", args=[slug])).status_code, 200
                )
        self.assertEqual(self.client.get(reverse("dashboard", args=["west"])).status_code, 404)

    def test_the_header_switcher_lists_the_operators_practices(self):
        self.client.force_login(self.operator)
        page = self.client.get(reverse("dashboard", args=["north"]))
        self.assertContains(page, '<option value="south"')
        self.assertContains(page, '<option value="north" selected')
        self.assertNotContains(page, "West Aesthetics")
        switched = self.client.get(reverse("switch_practice") + "?practice=south")
        self.assertRedirects(switched, reverse("dashboard", args=["south"]))

    def test_an_operator_may_change_settings_of_its_practices(self):
        self.client.force_login(self.operator)
        response = self.client.post(
            reverse("practice_settings", args=["south"]),
            {
                "name": "South Smiles & Implants",
                "timezone": "America/New_York",
                "country": "us",
                "state": "fl",
                "postal_address": "1 Ocean Dr, Miami, FL",
                "phone": "",
                "cost_per_new_lead": "275",
                "stalled_after_days": "90",
                "first_attempt_months": "3",
                "second_attempt_months": "6",
                "repeat_every_months": "12",
                "max_cycles": "5",
                "send_days": ["0", "1", "2", "3", "4"],
                "send_from_hour": "9",
                "send_until_hour": "19",
                "max_touches_per_day": "1",
                "max_touches_per_week": "3",
                "replies_per_day": "20",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.south.refresh_from_db()
        self.assertEqual(self.south.name, "South Smiles & Implants")
        self.assertEqual(self.south.country, "US")
        self.assertEqual(self.south.stalled_after_days, 90)

    def test_a_direct_practice_role_outranks_the_agency_role(self):
        Membership.objects.create(user=self.operator, practice=self.north, role=Role.VIEWER)
        self.assertEqual(access_for(self.operator, self.north).role, Role.VIEWER)
        self.assertEqual(access_for(self.operator, self.south).role, Role.AGENCY_OPERATOR)
