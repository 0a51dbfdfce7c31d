"""The outbox's "reply as the lead" goes through the real inbound path."""

from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.channels.models import InboundMessage, OutboundMessage, OutboundStatus
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Suppression
from reactivate.replies.models import Reply
from reactivate.testing import PASSWORD, BaseTestCase, make_lead


class SandboxReplyTests(BaseTestCase):
    def setUp(self):
        self.lead = make_lead(
            self.north, "Olga", "Berg", email="olga@example.com", phone="+13125550177"
        )
        self.message = OutboundMessage.objects.create(
            practice=self.north,
            lead=self.lead,
            channel="email",
            idempotency_key="k1",
            to_value="olga@example.com",
            subject="Still thinking about it?",
            body="Hi Olga",
            status=OutboundStatus.SENT,
            provider="sandbox",
            provider_id="sandbox-1",
        )
        self.client.login(username="cole", password=PASSWORD)
        self.url = reverse("outbox_reply", args=["north", self.message.pk])

    def test_please_stop_emailing_me_opts_the_person_out_everywhere(self):
        response = self.client.post(self.url, {"text": "please stop emailing me"}, follow=True)
        self.assertContains(response, "read as: unsubscribe")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)
        values = set(
            Suppression.objects.filter(practice=self.north).values_list("value", flat=True)
        )
        self.assertEqual(values, {"olga@example.com", "+13125550177"})
        stored = InboundMessage.objects.get()
        self.assertEqual(
            (stored.provider, stored.lead, stored.raw["typed_by"]), ("sandbox", self.lead, "cole")
        )
        entry = self.lead.interactions.get(kind="message_in")
        self.assertIsNone(entry.actor)  # the lead's words, not the staff user's
        self.assertTrue(
            AuditEvent.objects.filter(
                action="reply.recorded", actor=self.north_coordinator
            ).exists()
        )
        self.assertContains(
            self.client.get(reverse("outbox", args=["north"])), 'data-testid="answered"'
        )

    def test_an_empty_reply_is_refused_and_nothing_stored(self):
        response = self.client.post(self.url, {"text": "   "}, follow=True)
        self.assertContains(response, "Type what the lead answers first.")
        self.assertFalse(InboundMessage.objects.exists())
        self.assertFalse(Reply.objects.exists())
