"""Messages people send: stored raw before anything reads them, once, matched to the lead,
on its timeline, and the carrier keywords honoured at once."""

import base64
import json
from io import StringIO
from unittest import mock

from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client, override_settings

from reactivate.channels.config import channel_configure
from reactivate.channels.email.addresses import reply_address
from reactivate.channels.inbound import keyword
from reactivate.channels.models import InboundMessage, OutboundMessage, OutboundStatus
from reactivate.channels.tests.test_sms import ACCOUNT, NUMBER, TOKEN, sign, texted_lead
from reactivate.followups.models import FollowUp
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Consent, Suppression
from reactivate.replies.models import Reply
from reactivate.replies.services import process_pending
from reactivate.testing import BaseTestCase, make_lead

SID = "SM" + "5f" * 16


class KeywordTests(BaseTestCase):
    def test_the_carrier_keywords_alone_and_nothing_else(self):
        for text in ["STOP", "stop", " Stop. ", "STOP ALL", "unsubscribe!", "Arret", "OPT-OUT"]:
            self.assertEqual(keyword(text), "stop", text)
        for text in ["START", "unstop", "Yes"]:
            self.assertEqual(keyword(text), "start", text)
        self.assertEqual(keyword("help?"), "help")
        for text in ["Please stop texting me", "can't stop thinking about it", "", "yes please"]:
            self.assertIsNone(keyword(text), text)


class TwilioInboundTests(BaseTestCase):
    def setUp(self):
        channel_configure(
            practice=self.north, channel="sms", provider="twilio", actor=self.north_owner,
            values={"account_sid": ACCOUNT, "auth_token": TOKEN, "from_number": NUMBER},
        )  # fmt: skip
        self.lead, self.phone = texted_lead(self.north, "Ana", "+13125550123")
        self.url = f"{settings.SITE_URL}/hooks/twilio/north/inbound/"

    def text(self, body, sid=SID, signature=None, sender="+13125550123"):
        # A real inbound SMS webhook's fields, as Twilio posts them.
        params = {"ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
                  "SmsStatus": "received", "Body": body, "To": NUMBER, "NumSegments": "1",
                  "MessageSid": sid, "AccountSid": ACCOUNT, "From": sender,
                  "ApiVersion": "2010-04-01", "FromCountry": "US"}  # fmt: skip
        signature = signature or sign(self.url, params)
        return Client().post("/hooks/twilio/north/inbound/", params,
                             HTTP_X_TWILIO_SIGNATURE=signature)  # fmt: skip

    def test_a_reply_is_stored_once_matched_and_on_the_timeline(self):
        for _ in range(2):  # Twilio retries a webhook it thinks failed
            response = self.text("Yes! Can I come in Thursday?")
            self.assertEqual((response.status_code, response.content), (200, b"<Response/>"))
        stored = InboundMessage.objects.get()
        self.assertEqual((stored.lead, stored.practice, stored.provider), (self.lead, self.north,
                                                                          "twilio"))  # fmt: skip
        self.assertEqual(stored.raw["Body"], "Yes! Can I come in Thursday?")
        self.assertIsNotNone(stored.processed_at)
        entry = self.lead.interactions.get(kind="message_in")
        self.assertEqual(entry.summary, "positive: Yes! Can I come in Thursday?")
        self.assertEqual(Reply.objects.get().label, "positive")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.RESPONDED)

    def test_stop_opts_out_everywhere_and_start_brings_texts_back(self):
        self.text("Stop")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)
        self.assertTrue(Suppression.objects.filter(practice=self.north, value="+13125550123"))
        self.text("START", sid="SM" + "6e" * 16)
        self.assertFalse(Suppression.objects.filter(practice=self.north, value="+13125550123"))
        self.assertEqual(Consent.objects.get(contact_point=self.phone, channel="sms").status,
                         "granted")  # fmt: skip

    def test_a_bare_yes_is_a_yes_for_a_person_and_an_opt_in_after_a_stop(self):
        self.text("YES!")  # to "Still interested?": the likeliest answer of all
        reply = Reply.objects.get()
        self.assertEqual((reply.label, reply.layer), ("positive", "keyword"))
        self.assertEqual(FollowUp.objects.get().kind, "reply")
        self.text("Stop", sid="SM" + "7f" * 16)
        self.assertTrue(Suppression.objects.filter(practice=self.north, value="+13125550123"))
        self.text("yes", sid="SM" + "8a" * 16)
        self.assertFalse(Suppression.objects.filter(practice=self.north, value="+13125550123"))
        self.assertEqual(FollowUp.objects.filter(kind="reply").count(), 2)

    def test_a_forged_request_stores_nothing(self):
        self.assertEqual(self.text("STOP", signature="bm90IGEgc2lnbmF0dXJl").status_code, 403)
        self.assertFalse(InboundMessage.objects.exists())

    def test_a_stranger_is_kept_unmatched_never_lost(self):
        self.text("who is this?", sender="+17735550188")
        stored = InboundMessage.objects.get()
        self.assertIsNone(stored.lead)
        self.assertEqual(stored.practice, self.north)
        triage = FollowUp.objects.get()
        self.assertEqual((triage.kind, triage.lead, triage.inbound_id), ("triage", None, stored.pk))

    def test_a_message_that_failed_to_be_read_keeps_its_error_and_is_read_again(self):
        failing = mock.patch("reactivate.replies.services.act", side_effect=RuntimeError("db"))
        with failing, self.assertLogs("reactivate.replies", "ERROR"):
            self.text("Thursday works")
        stored = InboundMessage.objects.get()
        self.assertIn("RuntimeError", stored.error)
        self.assertFalse(Reply.objects.exists())  # nothing half-done: the reply rolled back
        InboundMessage.objects.update(received_at=stored.received_at.replace(year=2020))
        self.assertEqual(process_pending(), 1)
        self.assertTrue(self.lead.interactions.filter(kind="message_in").exists())


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "hooks:s3cret"})
class EmailInboundTests(BaseTestCase):
    def postmark(self, to, message_id="<reply-1@mail.example.com>", auth="hooks:s3cret"):
        # The shape of Postmark's inbound webhook.
        payload = {
            "FromName": "Ana Ruiz", "From": "ana@example.com",
            "FromFull": {"Email": "ana@example.com", "Name": "Ana Ruiz"},
            "To": to, "ToFull": [{"Email": to, "Name": ""}], "Cc": "", "CcFull": [],
            "Subject": "Re: Still thinking about implants?", "MessageID": "a8c1040e",
            "Date": "Tue, 2 Jun 2026 10:20:00 -0500", "TextBody": "Yes, call me tomorrow.",
            "HtmlBody": "<p>Yes, call me tomorrow.</p>",
            "StrippedTextReply": "Yes, call me tomorrow.",
            "Headers": [{"Name": "Message-ID", "Value": message_id},
                        {"Name": "In-Reply-To", "Value": "<r1.north@north.example>"}],
            "Attachments": [],
        }  # fmt: skip
        token = base64.b64encode(auth.encode()).decode()
        return Client().post("/hooks/anymail/postmark/inbound/", json.dumps(payload),
                             content_type="application/json",
                             HTTP_AUTHORIZATION=f"Basic {token}")  # fmt: skip

    def test_a_reply_to_the_signed_address_finds_its_lead(self):
        lead = make_lead(self.north, "Ana", "Ruiz", email="ana@example.com")
        response = self.postmark(reply_address(lead.pk, "replies.north.example"))
        self.assertEqual(response.status_code, 200)
        stored = InboundMessage.objects.get()
        self.assertEqual((stored.lead, stored.practice, stored.provider), (lead, self.north,
                                                                          "postmark"))  # fmt: skip
        self.assertEqual(stored.provider_id, "<reply-1@mail.example.com>")
        self.assertEqual(stored.body, "Yes, call me tomorrow.")

    def test_in_reply_to_finds_the_lead_when_the_address_was_not_used(self):
        lead = make_lead(self.north, "Ana", "Ruiz", email="ana@example.com")
        OutboundMessage.objects.create(
            practice=self.north, lead=lead, channel="email", idempotency_key="k1",
            to_value="ana@example.com", body="Hi", status=OutboundStatus.SENT, provider="smtp",
            provider_id="<r1.north@north.example>",
        )  # fmt: skip
        self.postmark("frontdesk@north.example")
        self.assertEqual(InboundMessage.objects.get().lead, lead)

    def test_a_sender_address_alone_never_crosses_the_practice_wall(self):
        make_lead(self.south, "Ana", "Ruiz", email="ana@example.com")
        self.postmark("frontdesk@north.example", message_id="<reply-2@mail.example.com>")
        self.assertIsNone(InboundMessage.objects.get().lead)

    def test_without_the_webhook_secret_nothing_is_stored(self):
        self.assertEqual(self.postmark("x@y.example", auth="hooks:wrong").status_code, 400)
        self.assertFalse(InboundMessage.objects.exists())


class WebhooksCommandTests(BaseTestCase):
    def test_the_urls_to_paste_as_json(self):
        out = StringIO()
        call_command("channels", "webhooks", "--practice", "north", "--base-url",
                     "https://r.example", "--json", stdout=out)  # fmt: skip
        urls = json.loads(out.getvalue())
        self.assertEqual(urls["twilio_status"], "https://r.example/hooks/twilio/north/status/")
        self.assertEqual(urls["twilio_inbound"], "https://r.example/hooks/twilio/north/inbound/")
        self.assertEqual(urls["mailgun_tracking"],
                         "https://r.example/hooks/anymail/mailgun/tracking/")  # fmt: skip
        self.assertIn("postmark_inbound", urls)

    @override_settings(ANYMAIL={"WEBHOOK_SECRET": "hooks:s3cret"})
    def test_the_esp_urls_carry_the_basic_auth_secret(self):
        out = StringIO()
        call_command("channels", "webhooks", "--practice", "north", stdout=out)
        self.assertIn("http://hooks:s3cret@127.0.0.1:8000/hooks/anymail/postmark/tracking/",
                      out.getvalue())  # fmt: skip


class SystemCheckTests(BaseTestCase):
    def test_twilio_behind_a_local_site_url_and_an_unsigned_esp_are_named(self):
        channel_configure(
            practice=self.north, channel="sms", provider="twilio", actor=self.north_owner,
            values={"account_sid": ACCOUNT, "auth_token": TOKEN, "from_number": NUMBER},
        )  # fmt: skip
        channel_configure(
            practice=self.north, channel="email", provider="mailgun", actor=self.north_owner,
            values={"api_key": "k", "from_email": "f@north.example",
                    "reply_domain": "replies.north.example"},
        )  # fmt: skip
        ids = {problem.id for problem in run_checks(tags=["reactivate"])}
        self.assertTrue({"reactivate.W111", "reactivate.W112", "reactivate.W113"} <= ids)
        with override_settings(SITE_URL="https://r.example",
                               ANYMAIL={"WEBHOOK_SECRET": "a:b",
                                        "MAILGUN_WEBHOOK_SIGNING_KEY": "k"}):  # fmt: skip
            self.assertEqual(run_checks(tags=["reactivate"]), [])

    @override_settings(EMAIL_URL="smtp://")
    def test_a_broken_email_url_is_an_error(self):
        ids = {problem.id for problem in run_checks(tags=["reactivate"])}
        self.assertIn("reactivate.E101", ids)
