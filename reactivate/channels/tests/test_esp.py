"""Email through an ESP's API (django-anymail) and the ESP's delivery reports back through
anymail's tracking webhooks, signed the way each ESP signs."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from django.test import Client, override_settings

from reactivate.channels.config import ConfigError, channel_configure
from reactivate.channels.models import (
    ChannelConfig,
    ChannelEvent,
    OutboundMessage,
    OutboundStatus,
)
from reactivate.channels.registry import adapter_for
from reactivate.leads.choices import LeadStatus, Validity
from reactivate.leads.models import ContactPoint
from reactivate.testing import BaseTestCase, make_lead

SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
TOKEN = "a8ce0edb2dd8301dee6c2405235584e45a"
MESSAGE_ID = "<20260602150000.1.2ABCDEF@mg.north.example>"


class MailgunApi(BaseHTTPRequestHandler):
    """Mailgun's messages endpoint on loopback: keeps each request, answers as Mailgun does."""

    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers.get("Authorization"), body))
        data = json.dumps({"id": MESSAGE_ID, "message": "Queued. Thank you."}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class EspTestCase(BaseTestCase):
    def setUp(self):
        self.lead = make_lead(self.north, "Ana", "Ruiz", email="ana@example.com")
        self.north.postal_address = "200 Lake St, Chicago, IL 60601"
        self.north.save()


class SendingTests(EspTestCase):
    def setUp(self):
        super().setUp()
        MailgunApi.received = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), MailgunApi)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        channel_configure(
            practice=self.north, channel="email", provider="mailgun", actor=self.north_owner,
            values={"api_key": "key-secret", "from_email": "frontdesk@north.example",
                    "reply_domain": "replies.north.example", "sender_domain": "mg.north.example",
                    "api_url": f"http://127.0.0.1:{self.server.server_port}/v3"},
        )  # fmt: skip

    def test_the_message_goes_to_the_esp_with_every_header_and_its_id_is_kept(self):
        outbound = OutboundMessage.objects.create(
            practice=self.north, lead=self.lead, channel="email", idempotency_key="k1",
            to_value="ana@example.com", subject="Still thinking about it?", body="Hi Ana",
            status=OutboundStatus.SENDING,
        )  # fmt: skip
        adapter = adapter_for(self.north, "email")
        result = adapter.send(outbound)
        adapter.close()
        self.assertEqual((result.provider, result.provider_id), ("mailgun", MESSAGE_ID))
        ((path, auth, body),) = MailgunApi.received
        self.assertEqual(path, "/v3/mg.north.example/messages")
        self.assertTrue(auth.startswith("Basic "))
        form = parse_qs(body.decode())
        self.assertEqual(form["h:List-Unsubscribe-Post"], ["List-Unsubscribe=One-Click"])
        self.assertIn("/u/", form["h:List-Unsubscribe"][0])
        self.assertTrue(form["h:Reply-To"][0].startswith(f"reply+{self.lead.pk}-"))
        self.assertEqual(form["to"], ["ana@example.com"])
        self.assertIn("<p>Hi Ana</p>", form["html"][0])

    def test_the_api_key_is_encrypted_and_an_unknown_esp_refused(self):
        config = self.north_config()
        self.assertNotIn("key-secret", config.secrets)
        with self.assertRaisesMessage(ConfigError, "not available yet"):
            channel_configure(practice=self.north, channel="email", provider="amazon_ses",
                              values={}, actor=self.north_owner)  # fmt: skip

    def north_config(self):
        return ChannelConfig.objects.get(practice=self.north, channel="email")


@override_settings(ANYMAIL={"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY})
class MailgunTrackingTests(EspTestCase):
    def setUp(self):
        super().setUp()
        self.outbound = OutboundMessage.objects.create(
            practice=self.north, lead=self.lead, channel="email", idempotency_key="k1",
            to_value="ana@example.com", body="Hi Ana", status=OutboundStatus.SENT,
            provider="mailgun", provider_id=MESSAGE_ID,
        )  # fmt: skip

    def post(self, event_data, *, key=SIGNING_KEY, token=TOKEN):
        timestamp = "1780412400"
        signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
        payload = {
            "signature": {"timestamp": timestamp, "token": token,
                          "signature": signature.hexdigest()},
            "event-data": event_data,
        }  # fmt: skip
        return Client().post("/hooks/anymail/mailgun/tracking/", json.dumps(payload),
                             content_type="application/json")  # fmt: skip

    def failed(self, severity, code, message):
        # The shape of Mailgun's "failed" event (webhooks v3).
        return {
            "event": "failed", "severity": severity, "reason": "bounce",
            "id": f"G9Bn5sl1TC6nu79C8C0bwg-{severity}", "timestamp": 1780412400.5,
            "recipient": "ana@example.com", "log-level": "error",
            "message": {"headers": {"to": "Ana <ana@example.com>",
                                    "message-id": MESSAGE_ID.strip("<>"),
                                    "from": "North Dental <frontdesk@north.example>",
                                    "subject": "Still thinking about it?"},
                        "attachments": [], "size": 1024},
            "delivery-status": {"attempt-no": 1, "code": code, "message": message,
                                "description": "", "mx-host": "mx.example.com"},
        }  # fmt: skip

    def test_a_permanent_failure_bounces_the_address(self):
        gone = self.failed("permanent", 550, "5.1.1 The email account does not exist")
        response = self.post(gone)
        self.assertEqual(response.status_code, 200)
        point = ContactPoint.objects.get(lead=self.lead)
        self.assertEqual(point.validity, Validity.BOUNCED)
        event = ChannelEvent.objects.get(outbound=self.outbound)
        self.assertEqual((event.kind, event.code, event.provider), ("bounced", "5.1.1", "mailgun"))
        self.assertEqual(
            event.raw["event-data"]["severity"], "permanent"
        )  # Mailgun's payload, kept
        self.outbound.refresh_from_db()
        self.assertEqual(self.outbound.delivery, "bounced")

    def test_soft_bounces_count_and_the_third_one_bounces_the_address(self):
        for attempt in range(3):
            data = self.failed("temporary", 452, "4.2.2 Mailbox full")
            data["id"] = f"soft-{attempt}"
            self.post(data, token=f"token-{attempt}" + "0" * 40)
            validity = ContactPoint.objects.get(lead=self.lead).validity
            self.assertEqual(validity, Validity.BOUNCED if attempt == 2 else Validity.VALID)

    def test_a_complaint_opts_the_person_out(self):
        data = self.failed("permanent", 0, "")
        data.update(event="complained", id="complaint-1")
        self.post(data)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)

    def test_a_forged_signature_is_refused_and_stores_nothing(self):
        response = self.post(self.failed("permanent", 550, "5.1.1"), key="not-the-key")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ChannelEvent.objects.exists())
        self.assertEqual(ContactPoint.objects.get(lead=self.lead).validity, Validity.VALID)
