"""Texts through the Twilio SDK to a stand-in of Twilio's API on loopback, every request
checked against Twilio's OpenAPI spec; status callbacks signed, repeated and out of order."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from io import StringIO
from itertools import pairwise
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest
from twilio.request_validator import RequestValidator

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment
from reactivate.campaigns.reconcile import reconcile_uncertain
from reactivate.campaigns.sequences import sequence_create, step_add
from reactivate.campaigns.services import campaign_create, campaign_launch
from reactivate.campaigns.store import LEASE
from reactivate.channels.config import ConfigError, channel_configure
from reactivate.channels.models import ChannelEvent, OutboundMessage, OutboundStatus, SenderPace
from reactivate.channels.registry import adapter_for
from reactivate.channels.sms import pace
from reactivate.channels.sms.adapter import TwilioAdapter
from reactivate.channels.sms.standin import TwilioStandIn
from reactivate.leads.choices import (
    Channel,
    ConsentStatus,
    ContactKind,
    LeadStatus,
    LineType,
    Validity,
)
from reactivate.leads.models import Consent, Suppression
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.services import install_starter_playbooks
from reactivate.segments.models import Segment
from reactivate.testing import BaseTestCase, make_lead

MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
SPEC = Path(__file__).resolve().parents[1] / "sms" / "fixtures" / "twilio_messages_v2010.json"
ACCOUNT = "AC" + "a1" * 16
TOKEN = "f3a9c1d2e4b5a6978877665544332211"
NUMBER = "+13125550199"


@lru_cache(maxsize=1)
def twilio_spec() -> OpenAPI:
    # Read as JSON: the spec's examples hold emoji as surrogate escapes, which YAML refuses.
    return OpenAPI.from_dict(json.loads(SPEC.read_text()))


def spec_check():
    """A stand-in ``check`` that validates each request against Twilio's OpenAPI spec."""
    openapi = twilio_spec()

    def check(method, path, query, body, headers):
        request = MockRequest(
            "https://api.twilio.com", method, path, args=dict(parse_qsl(query)),
            headers=headers, data=body,
            content_type=headers.get("Content-Type", "application/x-www-form-urlencoded"),
        )  # fmt: skip
        openapi.validate_request(request)

    return check


def sign(url: str, params: dict, token: str = TOKEN) -> str:
    """Twilio's signature, written out from its documented recipe (not the SDK's code)."""
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def texted_lead(practice, first, phone):
    lead = make_lead(practice, first, "Ruiz", phone=phone,
                     last_contact_at=MORNING - timedelta(days=200))  # fmt: skip
    return lead, sms_ready(lead)


def sms_ready(lead):
    phone = lead.contact_points.get(kind=ContactKind.PHONE)
    phone.line_type, phone.timezone = LineType.MOBILE, "America/Chicago"
    phone.save()
    Consent.objects.create(
        practice=lead.practice, contact_point=phone, channel=Channel.SMS,
        status=ConsentStatus.GRANTED, recorded_at=MORNING - timedelta(days=90),
    )  # fmt: skip
    return phone


class SmsTestCase(BaseTestCase):
    refuse: dict = {}

    def setUp(self):
        self.standin = TwilioStandIn(check=spec_check(), refuse=self.refuse)
        self.standin.__enter__()
        self.addCleanup(self.standin.__exit__, None, None, None)
        overridden = override_settings(TWILIO_API_BASE=self.standin.url)
        overridden.enable()
        self.addCleanup(overridden.disable)
        channel_configure(
            practice=self.north, channel="sms", provider="twilio", actor=self.north_owner,
            values={"account_sid": ACCOUNT, "auth_token": TOKEN, "from_number": NUMBER},
        )  # fmt: skip

    def launch(self, *leads):
        install_starter_playbooks(practice=self.north, actor=None)
        sequence = sequence_create(practice=self.north, name="Texts", actor=None)
        template = MessageTemplate.objects.get(practice=self.north, step="sms-1", language="en",
                                               dormancy_reason="")  # fmt: skip
        step_add(sequence=sequence, actor=None, channel="sms", template=template, wait=0)
        segment = Segment.objects.create(
            practice=self.north, name="Texts", definition={"statuses": ["stalled"]}
        )
        campaign = campaign_create(
            practice=self.north, name="Texts", segment=segment, sequence=sequence,
            holdout_percent=0, actor=None, sender_name="Cole",
        )  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        run_due(MORNING)
        return campaign


class CampaignSmsTests(SmsTestCase):
    refuse = {"+13125550124": (400, 21610, "Attempt to send to unsubscribed recipient")}

    def setUp(self):
        super().setUp()
        self.lead, _ = texted_lead(self.north, "Ana", "+13125550123")
        self.stopped, _ = texted_lead(self.north, "Bo", "+13125550124")
        self.launch()

    def test_the_text_goes_through_the_sdk_with_a_status_callback_and_a_valid_request(self):
        self.assertEqual(self.standin.invalid, [])
        (created,) = [m for m in self.standin.messages if m["to"] == "+13125550123"]
        outbound = OutboundMessage.objects.get(lead=self.lead)
        self.assertEqual((outbound.status, outbound.provider), (OutboundStatus.SENT, "twilio"))
        self.assertEqual(outbound.provider_id, created["sid"])
        self.assertEqual(created["body"], outbound.body)
        self.assertEqual(created["from"], NUMBER)
        posts = [form for method, _, form in self.standin.requests if method == "POST"]
        (form,) = [f for f in posts if f["To"] == "+13125550123"]
        self.assertEqual(form["StatusCallback"], f"{settings.SITE_URL}/hooks/twilio/north/status/")
        self.assertEqual(Enrollment.objects.get(lead=self.lead).position, 1)

    def test_a_refusal_for_a_number_that_texted_stop_opts_the_person_out(self):
        outbound = OutboundMessage.objects.get(lead=self.stopped)
        self.assertEqual(outbound.status, OutboundStatus.FAILED)
        self.assertIn("21610", outbound.error)
        self.stopped.refresh_from_db()
        self.assertEqual(self.stopped.status, LeadStatus.DO_NOT_CONTACT)
        self.assertTrue(Suppression.objects.filter(practice=self.north, value="+13125550124"))
        event = ChannelEvent.objects.get(outbound=outbound)
        self.assertEqual((event.kind, event.code), ("failed", "21610"))


class StatusWebhookTests(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.lead, self.phone = texted_lead(self.north, "Ana", "+13125550123")
        self.launch()
        self.outbound = OutboundMessage.objects.get(lead=self.lead)
        self.url = f"{settings.SITE_URL}/hooks/twilio/north/status/"

    def report(self, status, signature=None, **extra):
        # The fields of a real Twilio status callback, as Twilio posts them.
        params = {
            "AccountSid": ACCOUNT, "ApiVersion": "2010-04-01", "From": NUMBER,
            "MessageSid": self.outbound.provider_id, "MessageStatus": status,
            "SmsSid": self.outbound.provider_id, "SmsStatus": status, "To": "+13125550123",
            **extra,
        }  # fmt: skip
        return Client().post(
            "/hooks/twilio/north/status/", params,
            HTTP_X_TWILIO_SIGNATURE=signature or sign(self.url, params),
        )  # fmt: skip

    def test_delivered_then_a_late_sent_leaves_it_delivered_and_repeats_count_once(self):
        self.assertEqual(self.report("delivered").status_code, 204)
        self.assertEqual(self.report("delivered").status_code, 204)
        self.assertEqual(self.report("sent").status_code, 204)
        self.outbound.refresh_from_db()
        self.assertEqual(self.outbound.delivery, "delivered")
        kinds = ChannelEvent.objects.filter(outbound=self.outbound).values_list("kind", flat=True)
        self.assertEqual(sorted(kinds), ["delivered", "sent"])
        stored = ChannelEvent.objects.get(outbound=self.outbound, kind="delivered")
        self.assertEqual(stored.raw["MessageStatus"], "delivered")  # the payload as it came
        self.assertEqual(stored.practice, self.north)

    def test_a_forged_signature_changes_nothing_and_answers_403(self):
        response = self.report("delivered", signature="RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        self.assertEqual(response.status_code, 403)
        wrong_token = self.report("failed", signature=sign(self.url, {"x": "1"}, "0" * 32))
        self.assertEqual(wrong_token.status_code, 403)
        self.outbound.refresh_from_db()
        self.assertEqual(self.outbound.delivery, "")
        self.assertFalse(ChannelEvent.objects.exists())

    def test_another_practices_url_cannot_touch_this_message(self):
        params = {"MessageSid": self.outbound.provider_id, "MessageStatus": "failed"}
        south_url = f"{settings.SITE_URL}/hooks/twilio/south/status/"
        response = Client().post("/hooks/twilio/south/status/", params,
                                 HTTP_X_TWILIO_SIGNATURE=sign(south_url, params))  # fmt: skip
        self.assertEqual(response.status_code, 403)  # south has no Twilio account here

    def test_failed_with_21610_opts_the_person_out(self):
        self.report("failed", ErrorCode="21610")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)
        self.assertTrue(Suppression.objects.filter(practice=self.north, value="+13125550123"))

    def test_undelivered_to_an_unreachable_handset_marks_the_number(self):
        self.report("undelivered", ErrorCode="30003")
        self.phone.refresh_from_db()
        self.assertEqual(self.phone.validity, Validity.DISCONNECTED)
        self.outbound.refresh_from_db()
        self.assertEqual(self.outbound.delivery, "bounced")
        entry = self.lead.interactions.get(kind="contact_change")
        self.assertIn("disconnected", entry.summary)

    def test_30006_makes_the_number_a_landline_the_gate_never_texts(self):
        self.report("undelivered", ErrorCode="30006")
        self.phone.refresh_from_db()
        self.assertEqual((self.phone.line_type, self.phone.validity), ("landline", "valid"))


class SignatureTests(BaseTestCase):
    def test_twilios_own_test_vector(self):
        params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
                  "From": "+14158675309", "To": "+18005551212"}  # fmt: skip
        url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        self.assertEqual(sign(url, params, "12345"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        self.assertTrue(
            RequestValidator("12345").validate(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        )


class ConfigureTests(BaseTestCase):
    def configure(self, **values):
        base = {"account_sid": ACCOUNT, "auth_token": TOKEN, "from_number": NUMBER}
        return channel_configure(practice=self.north, channel="sms", provider="twilio",
                                 values={**base, **values}, actor=self.north_owner)  # fmt: skip

    def test_bad_values_are_refused_with_what_is_expected(self):
        for values, message in [
            ({"account_sid": "AC1"}, "account_sid is AC"),
            ({"from_number": "3125550199"}, "E.164"),
            ({"from_number": "", "messaging_service_sid": ""}, "from_number or messaging"),
            ({"messaging_service_sid": "MG12"}, "MG followed"),
            ({"mps": "fast"}, "mps is messages a second"),
        ]:
            with self.subTest(values=values), self.assertRaisesMessage(ConfigError, message):
                self.configure(**values)

    def test_the_token_is_encrypted_and_the_rate_follows_the_sender(self):
        config = self.configure()
        self.assertNotIn(TOKEN, config.secrets)
        self.assertEqual(adapter_for(self.north, "sms").rate, 1.0)  # a long code
        self.configure(from_number="+18885550100")
        self.assertEqual(adapter_for(self.north, "sms").rate, 3.0)  # toll-free
        self.configure(from_number="55501")
        self.assertEqual(adapter_for(self.north, "sms").rate, 100.0)  # a short code
        self.configure(mps="25")
        self.assertEqual(adapter_for(self.north, "sms").rate, 25.0)


class PaceTests(BaseTestCase):
    def test_a_long_code_sends_one_a_second_whoever_asks(self):
        first = pace.reserve("twilio:+13125550199", 3, rate=1.0, now=MORNING)
        second = pace.reserve("twilio:+13125550199", 2, rate=1.0, now=MORNING)  # another worker
        gaps = [(b - a).total_seconds() for a, b in pairwise(first + second)]
        self.assertEqual(gaps, [1.0, 1.0, 1.0, 1.0])
        row = SenderPace.objects.get(sender="twilio:+13125550199")
        self.assertEqual(row.next_free, MORNING + timedelta(seconds=5))

    def test_a_fast_sender_bursts_one_seconds_worth_then_holds_its_rate(self):
        slots = pace.reserve("twilio:55501", 250, rate=100.0, now=MORNING)
        offsets = [(slot - MORNING).total_seconds() for slot in slots]
        self.assertEqual(offsets[:100], [0.0] * 100)  # a second's worth at once
        self.assertAlmostEqual(offsets[-1], 1.5)  # then 100 a second: 250 take 2.5 s in all
        self.assertEqual(sorted(offsets), offsets)

    def test_an_idle_sender_saves_up_no_more(self):
        pace.reserve("twilio:+1", 1, rate=1.0, now=MORNING)
        later = pace.reserve("twilio:+1", 2, rate=1.0, now=MORNING + timedelta(hours=1))
        self.assertEqual(later[1] - later[0], timedelta(seconds=1))
        row = SenderPace.objects.get(sender="twilio:+1")
        self.assertEqual(row.next_free, MORNING + timedelta(hours=1, seconds=2))


class LookupTests(SmsTestCase):
    """Asking Twilio about a text left in doubt by a worker that died mid-send."""

    def setUp(self):
        super().setUp()
        self.lead = make_lead(self.north, "Ana", "Ruiz", phone="+13125550123")
        self.adapter = adapter_for(self.north, "sms")

    def doubt(self, body):
        return OutboundMessage(
            pk=1, practice=self.north, lead=self.lead, channel="sms", to_value="+13125550123",
            body=body, status=OutboundStatus.UNCERTAIN, sending_at=datetime.now(UTC),
        )  # fmt: skip

    def test_found_not_found_and_too_soon(self):
        sent = self.doubt("Hi Ana, it's Cole.")
        self.adapter.send(sent)
        now = datetime.now(UTC)
        self.assertTrue(self.adapter.lookup(sent, now).startswith("SM"))
        never = self.doubt("A message that never left.")
        self.assertIsNone(self.adapter.lookup(never, now))  # Twilio may not list it yet
        self.assertEqual(self.adapter.lookup(never, now + timedelta(minutes=5)), "")
        self.assertEqual(self.standin.invalid, [])
        self.assertIn("GET", {method for method, _, _ in self.standin.requests})

    def test_a_provider_that_cannot_answer_leaves_it_to_a_person(self):
        with override_settings(TWILIO_API_BASE="http://127.0.0.1:9"):  # nothing listens
            adapter = adapter_for(self.north, "sms")
        later = datetime.now(UTC) + timedelta(hours=1)
        self.assertIsNone(adapter.lookup(self.doubt("x"), later))


class ReconcileTests(SmsTestCase):
    """A worker killed mid-send leaves a text in doubt; Twilio's own list settles it."""

    def setUp(self):
        super().setUp()
        self.lead, _ = texted_lead(self.north, "Ana", "+13125550123")
        self.later = MORNING + LEASE + timedelta(minutes=1)

    def die(self, *, after_the_call: bool):
        real = TwilioAdapter.send

        def send(adapter, outbound):
            if after_the_call:
                real(adapter, outbound)
            raise SystemExit("killed")

        with mock.patch.object(TwilioAdapter, "send", send), self.assertRaises(SystemExit):
            self.launch()
        Enrollment.objects.update(claimed_until=None)  # the lease ran out
        run_due(self.later)  # marks it uncertain
        outbound = OutboundMessage.objects.get(lead=self.lead)
        self.assertEqual(outbound.status, OutboundStatus.UNCERTAIN)
        return outbound

    def test_a_text_twilio_has_is_marked_sent_and_the_sequence_moves_on(self):
        outbound = self.die(after_the_call=True)
        counts = reconcile_uncertain(self.later)
        self.assertEqual(counts, {"sent": 1, "requeued": 0, "unclear": 0})
        outbound.refresh_from_db()
        self.assertEqual(outbound.status, OutboundStatus.SENT)
        self.assertEqual(outbound.provider_id, self.standin.messages[0]["sid"])
        run_due(self.later)
        self.assertEqual(len(self.standin.messages), 1)  # never sent twice
        self.assertEqual(Enrollment.objects.get(lead=self.lead).position, 1)
        self.assertTrue(self.lead.interactions.filter(kind="message_out").exists())

    def test_a_text_twilio_never_got_is_sent_once_through_the_gate(self):
        self.die(after_the_call=False)
        self.assertEqual(reconcile_uncertain(self.later)["requeued"], 1)
        run_due(self.later)
        self.assertEqual(len(self.standin.messages), 1)
        outbound = OutboundMessage.objects.get(lead=self.lead)
        self.assertEqual(outbound.status, OutboundStatus.SENT)
        self.assertEqual(self.standin.invalid, [])


class CommandTests(SmsTestCase):
    """The shell contracts: configure with --set, a test text with --json."""

    # A test text to a lead passes the gate, whose quiet hours depend on the clock: a morning.
    @mock.patch("reactivate.channels.testing_send.timezone.now", return_value=MORNING)
    def test_configure_then_send_a_test_text_to_a_lead_and_to_anyone(self, _now):
        out = StringIO()
        call_command("channels", "configure", "--practice", "north", "--channel", "sms",
                     "--provider", "twilio", "--set", f"account_sid={ACCOUNT}",
                     "--set", f"auth_token={TOKEN}", "--set", "from_number=+13125550198",
                     stdout=out)  # fmt: skip
        lead, _ = texted_lead(self.north, "Ana", "+13125550123")
        out = StringIO()
        call_command("channels", "test", "--practice", "north", "--channel", "sms",
                     "--to", "(312) 555-0123", "--json", stdout=out)  # fmt: skip
        result = json.loads(out.getvalue())
        self.assertEqual(set(result) >= {"status", "provider", "provider_id", "message_id"}, True)
        self.assertEqual((result["status"], result["provider"]), ("sent", "twilio"))
        (created,) = self.standin.messages
        self.assertEqual((created["to"], created["from"], created["sid"]),
                         ("+13125550123", "+13125550198", result["provider_id"]))  # fmt: skip
        self.assertIn("Reply STOP to opt out", created["body"])
        self.assertTrue(lead.interactions.filter(kind="message_out", channel="sms").exists())
        call_command("channels", "test", "--practice", "north", "--channel", "sms",
                     "--to", "+1 773 945 0100", "--json", stdout=StringIO())  # fmt: skip
        self.assertEqual(self.standin.messages[-1]["to"], "+17739450100")
        self.assertEqual(self.standin.invalid, [])

    def test_a_number_that_is_not_one_is_refused_clearly(self):
        with self.assertRaisesMessage(CommandError, "give a number like"):
            call_command("channels", "test", "--practice", "north", "--channel", "sms",
                         "--to", "12", stdout=StringIO())  # fmt: skip
