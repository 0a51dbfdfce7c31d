import re

from django.urls import reverse

from reactivate.leads.models import Interaction, Lead
from reactivate.testing import PASSWORD, BaseTestCase


class PracticeWallTests(BaseTestCase):
    """One practice never sees another's data: the other side's pages do not exist for you."""

    def north_get_urls(self) -> list[str]:
        return [
            reverse("dashboard", args=["north"]),
            reverse("lead_index", args=["north"]),
            reverse("lead_index", args=["north"]) + "?q=Maria",
            reverse("lead_detail", args=["north", self.north_lead.pk]),
            reverse("practice_settings", args=["north"]),
        ]

    def north_post_urls(self) -> list[tuple[str, dict]]:
        return [
            (reverse("lead_note", args=["north", self.north_lead.pk]), {"body": "sneaky"}),
            (reverse("lead_status", args=["north", self.north_lead.pk]), {"status": "closed"}),
            (reverse("practice_settings", args=["north"]), {"name": "Taken over"}),
        ]

    def test_every_north_page_is_404_to_a_south_user(self):
        self.client.force_login(self.south_user)
        for url in self.north_get_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotContains(response, "Maria", status_code=404)
                self.assertNotContains(response, "North Dental", status_code=404)

    def test_every_north_change_is_404_to_a_south_user_and_changes_nothing(self):
        self.client.force_login(self.south_user)
        for url, data in self.north_post_urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 404)
        self.north_lead.refresh_from_db()
        self.north.refresh_from_db()
        self.assertEqual(self.north_lead.status, "stalled")
        self.assertEqual(self.north.name, "North Dental")
        self.assertFalse(Interaction.objects.filter(lead=self.north_lead).exists())

    def test_a_lead_id_from_another_practice_is_404_under_your_own_practice(self):
        self.client.force_login(self.south_user)
        url = reverse("lead_detail", args=["south", self.north_lead.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        note_url = reverse("lead_note", args=["south", self.north_lead.pk])
        self.assertEqual(self.client.post(note_url, {"body": "x"}).status_code, 404)

    def test_a_practice_that_does_not_exist_looks_the_same_as_one_you_cannot_see(self):
        self.client.force_login(self.south_user)
        missing = self.client.get(reverse("dashboard", args=["no-such-practice"]))
        hidden = self.client.get(reverse("dashboard", args=["north"]))
        self.assertEqual(missing.status_code, hidden.status_code)
        token = re.compile(rb'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"')
        self.assertEqual(token.sub(b"", missing.content), token.sub(b"", hidden.content))

    def test_the_lead_list_holds_only_your_practices_leads(self):
        self.client.force_login(self.south_user)
        response = self.client.get(reverse("lead_index", args=["south"]))
        self.assertContains(response, "Samuel")
        self.assertNotContains(response, "Maria")
        self.assertEqual(response.context["page"].paginator.count, 1)

    def test_switching_to_a_hidden_practice_is_404(self):
        self.client.force_login(self.south_user)
        response = self.client.get(reverse("switch_practice") + "?practice=north")
        self.assertEqual(response.status_code, 404)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        for url in self.north_get_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_home_takes_a_user_to_their_own_practice(self):
        self.client.force_login(self.south_user)
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("dashboard", args=["south"]))

    def test_a_user_without_membership_is_told_so(self):
        from reactivate.testing import make_user

        self.client.force_login(make_user("lonely"))
        response = self.client.get(reverse("home"))
        self.assertContains(response, "not a member of any practice")

    def test_login_with_the_right_password_opens_the_practice(self):
        response = self.client.post(
            reverse("login"), {"username": "nora", "password": PASSWORD}, follow=True
        )
        self.assertEqual(response.resolver_match.url_name, "dashboard")
        self.assertContains(response, "North Dental")
        self.assertEqual(Lead.objects.count(), 2)
