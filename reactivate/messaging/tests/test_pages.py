from django.core import signing
from django.urls import reverse

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.leads.choices import ConsentStatus, DormancyReason
from reactivate.leads.models import Consent, Interaction, Suppression
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.services import install_starter_playbooks, pick_template
from reactivate.messaging.unsubscribe import unsubscribe_token, unsubscribe_url
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

EMAIL = {
    "name": "Check-in",
    "channel": "email",
    "language": "en",
    "dormancy_reason": "",
    "first_touch": "on",
    "subject": "Checking in about {{ treatment }}",
    "body": "Hi {{ first_name }},\n\nWe spoke {{ last_contact }} about {{ treatment }}. Either "
    "way, just let me know.\n\nStill interested?\n\n{{ practice_name }} · {{ practice_address }}"
    "\nUnsubscribe: {{ unsubscribe_link }}",
    "voicemail": "",
}


class TemplatePages(BaseTestCase):
    def setUp(self):
        self.client.login(username="cole", password=PASSWORD)

    def test_every_save_is_a_linted_version(self):
        response = self.client.post(reverse("message_new", args=["north"]), EMAIL)
        template = MessageTemplate.objects.get(practice=self.north, name="Check-in")
        self.assertRedirects(response, reverse("message_edit", args=["north", template.pk]))
        self.assertEqual((template.current.number, template.current.lint_verdict), (1, "pass"))
        pushy = EMAIL | {
            "body": EMAIL["body"].replace("Either way, just let me know.", "Book now!")
        }
        self.client.post(reverse("message_edit", args=["north", template.pk]), pushy)
        self.assertEqual(template.versions.count(), 2)
        self.assertEqual(template.current.lint_verdict, "fail")
        # Saving the same text again does not make a version.
        self.client.post(reverse("message_edit", args=["north", template.pk]), pushy)
        self.assertEqual(template.versions.count(), 2)
        page = self.client.get(reverse("message_edit", args=["north", template.pk]))
        self.assertContains(page, "puts pressure on someone who went quiet")
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.TEMPLATE_SAVED).count() == 2)

    def test_live_lint_panel(self):
        response = self.client.post(
            reverse("message_lint", args=["north"]),
            EMAIL | {"channel": "sms", "body": "Hi, it’s us!! 50% off today only"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, 'data-testid="verdict">fail<')
        self.assertContains(response, "right single quotation mark")
        self.assertContains(response, "Fix:")

    def test_preview_on_a_segments_leads_shows_fallbacks(self):
        make_lead(self.north, "", "Nameless", email="nameless@example.com")
        segment = Segment.objects.create(practice=self.north, name="Everyone", definition={})
        self.client.post(reverse("message_new", args=["north"]), EMAIL)
        template = MessageTemplate.objects.get(practice=self.north, name="Check-in")
        page = self.client.get(
            reverse("message_preview", args=["north", template.pk]), {"segment": segment.pk}
        )
        self.assertContains(page, "Hi Maria,")
        self.assertContains(page, "about Dental implant")
        self.assertContains(page, "Hi there,")
        self.assertContains(page, "Fallbacks used: first_name")
        self.assertContains(page, "/u/")  # a real, signed unsubscribe link

    def test_starter_playbooks_install_once(self):
        response = self.client.post(reverse("message_install", args=["north"]))
        self.assertRedirects(response, reverse("message_index", args=["north"]))
        count = MessageTemplate.objects.filter(practice=self.north).count()
        # 7 steps x 2 languages, plus 6 reasons x 2 openings x 2 languages, plus the
        # answers to 5 kinds of reply by text and by email in 2 languages.
        self.assertEqual(count, 14 + 24 + 20)
        self.assertEqual(
            set(
                MessageTemplate.objects.filter(practice=self.north).values_list(
                    "versions__lint_verdict", flat=True
                )
            ),
            {"pass"},
        )
        self.client.post(reverse("message_install", args=["north"]))
        self.assertEqual(MessageTemplate.objects.filter(practice=self.north).count(), count)

    def test_another_practices_template_does_not_exist_for_you(self):
        install_starter_playbooks(practice=self.west, actor=None)
        theirs = MessageTemplate.objects.filter(practice=self.west).first()
        for name in ("message_edit", "message_preview"):
            self.assertEqual(
                self.client.get(reverse(name, args=["north", theirs.pk])).status_code, 404
            )

    def test_the_agency_library_is_shared_and_read_only_to_the_practice(self):
        shared = MessageTemplate.objects.create(
            agency=self.agency, name="Agency check-in", channel="sms"
        )
        index = self.client.get(reverse("message_index", args=["north"]))
        self.assertContains(index, "Agency check-in")
        self.assertContains(index, "agency library")
        response = self.client.post(reverse("message_edit", args=["north", shared.pk]), EMAIL)
        self.assertEqual(response.status_code, 403)
        copy = self.client.post(reverse("message_copy", args=["north", shared.pk]))
        mine = MessageTemplate.objects.get(practice=self.north, name="Agency check-in")
        self.assertRedirects(copy, reverse("message_edit", args=["north", mine.pk]))

    def test_an_agency_operator_shares_a_message_with_every_practice(self):
        self.client.post(reverse("message_new", args=["north"]), EMAIL)
        template = MessageTemplate.objects.get(practice=self.north, name="Check-in")
        refused = self.client.post(reverse("message_share", args=["north", template.pk]))
        self.assertEqual(refused.status_code, 403)
        self.client.login(username="ada", password=PASSWORD)
        self.client.post(reverse("message_share", args=["north", template.pk]))
        shared = MessageTemplate.objects.get(agency=self.agency, name="Check-in")
        self.assertEqual(shared.current.body, template.current.body)
        self.client.login(username="sam", password=PASSWORD)
        self.assertContains(self.client.get(reverse("message_index", args=["south"])), "Check-in")
        self.assertEqual(
            self.client.get(reverse("message_edit", args=["south", template.pk])).status_code, 404
        )

    def test_a_viewer_cannot_save(self):
        self.client.login(username="vic", password=PASSWORD)
        response = self.client.post(reverse("message_new", args=["north"]), EMAIL)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(MessageTemplate.objects.exists())


class LanguageAndVariants(BaseTestCase):
    def test_the_leads_language_and_reason_pick_the_version(self):
        install_starter_playbooks(practice=self.north, actor=None)
        openings = list(MessageTemplate.objects.filter(practice=self.north, step="email-1"))
        lead = self.north_lead
        self.assertEqual(pick_template(openings, lead).name, "Starter · Any reason · First email")
        lead.preferred_language = "es"
        lead.dormancy_reason = DormancyReason.PRICE
        chosen = pick_template(openings, lead)
        self.assertEqual((chosen.language, chosen.dormancy_reason), ("es", "price"))

    def test_language_is_set_on_the_lead_page(self):
        self.client.login(username="cole", password=PASSWORD)
        self.client.post(
            reverse("lead_language", args=["north", self.north_lead.pk]),
            {"preferred_language": "es"},
        )
        self.north_lead.refresh_from_db()
        self.assertEqual(self.north_lead.preferred_language, "es")


class Unsubscribe(BaseTestCase):
    def test_one_click_post_suppresses_without_a_session(self):
        url = unsubscribe_url(self.north_lead)
        path = url.split("127.0.0.1:8000", 1)[-1]
        self.assertContains(self.client.get(path), "Stop messages from North Dental?")
        response = self.client.post(path, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            Suppression.objects.filter(
                practice=self.north, value="maria.gonzalez@example.com"
            ).exists()
        )
        consent = Consent.objects.get(contact_point__value="maria.gonzalez@example.com")
        self.assertEqual(consent.status, ConsentStatus.REVOKED)
        self.assertTrue(
            Interaction.objects.filter(
                lead=self.north_lead, summary__startswith="Opted out of all contact (by email"
            )
        )

    def test_links_in_the_earlier_token_format_still_work(self):
        token = signing.dumps(
            {"p": self.north.pk, "l": self.north_lead.pk},
            salt="reactivate.unsubscribe",
            compress=True,
        )
        self.assertEqual(self.client.post(f"/u/{token}/").status_code, 200)
        self.assertTrue(Suppression.objects.filter(practice=self.north).exists())

    def test_a_forged_or_altered_token_is_refused(self):
        token = unsubscribe_token(self.north_lead)
        forged = signing.dumps({"p": self.south.pk, "l": self.south_lead.pk}, salt="other")
        # Signed for another lead's number with the wrong key, or a valid signature over
        # something that is not a lead.
        wrong_key = signing.Signer(salt="other").sign(f"{self.south.pk}-{self.south_lead.pk}")
        not_a_lead = signing.Signer(salt="reactivate.unsubscribe").sign("drop table")
        for bad in (token[:-2] + "xx", forged, "nonsense", wrong_key, not_a_lead):
            self.assertEqual(self.client.post(f"/u/{bad}/").status_code, 404)
        self.assertFalse(Suppression.objects.exists())
