"""What happens when a lead answers: the seed's table, end to end through the real inbound
paths (a signed Twilio webhook, an ESP's inbound email)."""

import base64
import json
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.channels.email.addresses import reply_address
from reactivate.channels.models import OutboundMessage
from reactivate.channels.tests.test_sms import MORNING, SmsTestCase, sign, texted_lead
from reactivate.followups.models import FollowUp
from reactivate.leads.choices import LeadStatus, Validity
from reactivate.leads.models import ContactPoint, Suppression
from reactivate.replies.models import Reply
from reactivate.testing import PASSWORD, BaseTestCase, make_lead


class TextCase(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.lead, self.phone = texted_lead(self.north, "Ana", "+13125550123")
        self.launch()  # a one-text campaign: Ana is in sequence
        self.url = f"{settings.SITE_URL}/hooks/twilio/north/inbound/"
        self.n = 0

    def text(self, body, sender="+13125550123"):
        self.n += 1
        sid = f"SM{self.n:032x}"
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": "AC" + "a1" * 16,
            "From": sender,
            "To": "+13125550199",
            "Body": body,
            "NumMedia": "0",
        }
        return Client().post(
            "/hooks/twilio/north/inbound/", params, HTTP_X_TWILIO_SIGNATURE=sign(self.url, params)
        )

    def test_yes_stops_the_sequence_and_puts_a_due_assigned_follow_up_on_the_list(self):
        before = timezone.now()
        self.assertEqual(self.text("yes, still interested!").status_code, 200)
        enrollment = Enrollment.objects.get(lead=self.lead)
        self.assertEqual(enrollment.status, EnrollmentStatus.STOPPED)
        self.assertEqual(enrollment.stop_reason, "the lead replied")
        followup = FollowUp.objects.get(lead=self.lead)
        self.assertEqual((followup.kind, followup.assignee), ("reply", self.north_coordinator))
        self.assertGreater(followup.due_at, before)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.RESPONDED)
        out = StringIO()
        call_command("followups", "list", "--practice", "north", "--open", "--json", stdout=out)
        (listed,) = json.loads(out.getvalue())
        self.assertEqual(
            set(listed), {"id", "lead_id", "kind", "due_at", "assignee", "status", "reason"}
        )
        self.assertEqual((listed["lead_id"], listed["assignee"]), (self.lead.pk, "cole"))

    def test_stop_in_any_words_suppresses_every_channel_in_the_same_request(self):
        self.text("please don't text me anymore")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)
        self.assertTrue(Suppression.objects.filter(practice=self.north, value="+13125550123"))
        self.assertEqual(Reply.objects.get().label, "unsubscribe")

    def test_not_now_schedules_the_check_back_and_leaves_the_pool_until_then(self):
        self.text("Not right now, maybe after the holidays")
        followup = FollowUp.objects.get(lead=self.lead)
        self.assertEqual(followup.kind, "timing")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.next_eligible_at, followup.due_at)
        self.assertEqual(followup.due_at.astimezone().month, 1)

    def test_no_closes_the_record_with_the_reason(self):
        self.text("No thanks, I've decided against it")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.CLOSED)
        self.assertIn(
            "decided against it", self.lead.interactions.filter(kind="status_change").first().body
        )

    def test_wrong_number_invalidates_that_number_only(self):
        self.text("Wrong number")
        self.phone.refresh_from_db()
        self.assertEqual(self.phone.validity, Validity.INVALID)
        self.assertFalse(self.lead.interactions.filter(kind="message_in").exists())

    def test_an_auto_reply_does_not_stop_the_sequence(self):
        enrollment = Enrollment.objects.get(lead=self.lead)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=EnrollmentStatus.ACTIVE, next_action_at=MORNING + timedelta(days=1)
        )
        self.text("Thanks for your message! I'm driving right now and will get back to you.")
        enrollment.refresh_from_db()
        self.assertEqual(enrollment.status, EnrollmentStatus.ACTIVE)
        self.assertEqual(Reply.objects.get().label, "auto_reply")


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "hooks:s3cret"})
class EmailReplyTests(BaseTestCase):
    def test_a_reply_with_quoted_history_is_read_on_its_new_text_only(self):
        lead = make_lead(self.north, "Ana", "Ruiz", email="ana@example.com")
        body = (
            "Yes, call me tomorrow morning please.\n\n"
            "On Tue, Jun 2, 2026 at 10:00 AM North Dental <frontdesk@north.example> wrote:\n"
            "> Hi Ana, if the timing isn't right, that's okay.\n"
            "> Reply STOP to opt out, or unsubscribe here.\n"
        )
        payload = {
            "From": "ana@example.com",
            "FromFull": {"Email": "ana@example.com", "Name": ""},
            "To": reply_address(lead.pk, "replies.north.example"),
            "ToFull": [{"Email": reply_address(lead.pk, "replies.north.example"), "Name": ""}],
            "Subject": "Re: Still thinking about it?",
            "TextBody": body,
            "Headers": [{"Name": "Message-ID", "Value": "<q1@mail.example.com>"}],
            "Attachments": [],
        }
        token = base64.b64encode(b"hooks:s3cret").decode()
        Client().post(
            "/hooks/anymail/postmark/inbound/",
            json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {token}",
        )
        reply = Reply.objects.get()
        self.assertEqual((reply.lead, reply.label), (lead, "positive"))
        self.assertEqual(reply.text, "Yes, call me tomorrow morning please.")
        lead.refresh_from_db()
        self.assertEqual(lead.status, LeadStatus.RESPONDED)  # not opted out by the quote
        self.assertTrue(ContactPoint.objects.get(lead=lead).validity == "valid")


class ServiceTextTests(TextCase):
    def test_help_gets_the_carrier_required_answer_once(self):
        self.north.phone = "+13125550100"
        self.north.save()
        self.text("HELP")
        self.text("help")
        answers = [m for m in self.standin.messages if "Questions?" in m["body"]]
        self.assertEqual(len(answers), 2)  # one per HELP message, never more
        self.assertIn("North Dental", answers[0]["body"])
        self.assertIn("Reply STOP to opt out", answers[0]["body"])
        self.assertFalse(FollowUp.objects.exists())

    def test_help_from_a_number_that_is_no_lead_is_answered_too(self):
        self.text("HELP", sender="+17735550188")
        (answer,) = [m for m in self.standin.messages if "Questions?" in m["body"]]
        self.assertEqual(answer["to"], "+17735550188")
        self.assertIsNone(OutboundMessage.objects.get(source="help-answer").lead)

    def test_an_opt_out_by_text_gets_one_confirmation_without_marketing(self):
        self.text("STOP")
        (confirmation,) = [m for m in self.standin.messages if "no more messages" in m["body"]]
        self.assertEqual(confirmation["to"], "+13125550123")
        self.assertIn("Reply START", confirmation["body"])

    def test_with_advanced_opt_out_twilios_keyword_wins_and_twilio_answers(self):
        self.n += 1
        sid = f"SM{self.n:032x}"
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "From": "+13125550123",
            "To": "+13125550199",
            "Body": "Stop pls",
            "OptOutType": "STOP",
        }
        Client().post(
            "/hooks/twilio/north/inbound/", params, HTTP_X_TWILIO_SIGNATURE=sign(self.url, params)
        )
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)
        self.assertFalse([m for m in self.standin.messages if "no more messages" in m["body"]])


class AlertTests(TextCase):
    def test_the_assignee_is_alerted_in_the_app_and_by_email(self):
        self.north_coordinator.email = "cole@north.example"
        self.north_coordinator.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.text("Yes please call me")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["cole@north.example"])
        self.assertIn("said yes", mail.outbox[0].subject)
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.get(reverse("dashboard", args=["north"]))
        self.assertContains(page, 'data-testid="alerts"')
        listing = self.client.get(reverse("followup_list", args=["north"]), follow=True)
        self.assertContains(listing, "said yes: answer now")
        again = self.client.get(reverse("dashboard", args=["north"]))
        self.assertNotContains(again, 'data-testid="alerts"')  # read by opening the list
