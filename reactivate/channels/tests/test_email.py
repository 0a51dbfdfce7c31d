"""Email over real SMTP to a server on loopback (aiosmtpd), with every header a campaign
email carries, and the one-click unsubscribe from that header."""

import json
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from io import StringIO
from unittest import mock

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment
from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
from reactivate.channels.config import ConfigError, channel_configure, channel_settings
from reactivate.channels.email.addresses import lead_for_address, lead_for_reply_address
from reactivate.channels.models import ChannelConfig, OutboundMessage
from reactivate.leads.models import Lead, Suppression
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

# Tuesday 2 June 2026, 10:00 in Chicago: inside every sending window.
MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)


class Inbox:
    """An SMTP server's handler that keeps what it receives, and refuses one address."""

    def __init__(self):
        self.messages = []
        self.raw = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content or envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"frontdesk", b"s3cret-pass")
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpTestCase(BaseTestCase):
    def setUp(self):
        self.inbox = Inbox()
        # The practice's credentials are checked, as a real relay would (plain AUTH over
        # loopback; a real relay would need STARTTLS first).
        self.server = Controller(
            self.inbox, hostname="127.0.0.1", port=free_port(), authenticator=check_login,
            auth_require_tls=False,
        )  # fmt: skip
        self.server.start()
        self.addCleanup(self.server.stop)
        self.north.postal_address = "200 Lake St, Chicago, IL 60601"
        self.north.save()
        channel_configure(
            practice=self.north, channel="email", provider="smtp", actor=self.north_owner,
            values={"url": f"smtp://frontdesk:s3cret-pass@127.0.0.1:{self.server.port}",
                    "from_email": "frontdesk@north.example", "from_name": "North Dental",
                    "reply_domain": "replies.north.example"},
        )  # fmt: skip


class CampaignEmailTests(SmtpTestCase):
    def setUp(self):
        super().setUp()
        self.lead = make_lead(
            self.north, "Ana", "Ruiz", email="ana@example.com", phone="+13125550123",
            treatment="Implants", last_contact_at=MORNING - timedelta(days=200),
        )  # fmt: skip
        segment = Segment.objects.create(
            practice=self.north, name="Ana", definition={"statuses": ["stalled"]}
        )
        campaign = campaign_create(
            practice=self.north, name="Spring", segment=segment,
            sequence=starter_sequence(self.north), holdout_percent=0, actor=None,
            sender_name="Cole at North Dental",
        )  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        run_due(MORNING)

    def received(self):
        (message,) = [m for m in self.inbox.messages if m["To"] == "ana@example.com"]
        return message

    def test_the_campaign_email_arrives_with_every_header(self):
        message = self.received()
        outbound = OutboundMessage.objects.get(lead=self.lead)
        self.assertEqual((outbound.status, outbound.provider), ("sent", "smtp"))
        self.assertEqual(message["Message-ID"], outbound.provider_id)
        self.assertTrue(message["Message-ID"].endswith("@north.example>"))
        self.assertEqual(message["From"], "North Dental <frontdesk@north.example>")
        self.assertEqual(lead_for_reply_address(message["Reply-To"]), self.lead.pk)
        unsubscribe = message["List-Unsubscribe"]
        self.assertIn("/u/", unsubscribe)
        mailto = unsubscribe.split("<mailto:")[1].rstrip(">")
        self.assertEqual(lead_for_address(mailto, "unsubscribe"), self.lead.pk)
        self.assertNotIn(":", mailto.partition("@")[0])  # a plain local part, as RFC 5321 wants
        self.assertIsNone(lead_for_address(mailto.replace(f"+{self.lead.pk}-", "+999-"),
                                           "unsubscribe"))  # fmt: skip
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        text = message.get_body(("plain",)).get_content()
        self.assertIn("200 Lake St, Chicago, IL 60601", text)
        self.assertIn("Ana", text)
        html = message.get_body(("html",)).get_content()
        self.assertIn("<p>", html)
        self.assertNotIn("<script", html)

    def test_the_one_click_post_from_the_header_opts_the_person_out_everywhere(self):
        header = self.received()["List-Unsubscribe"]
        url = header.split(",")[0].strip("<> ")
        path = url.split("://", 1)[1].partition("/")[2]
        response = Client(enforce_csrf_checks=True).post(
            "/" + path, {"List-Unsubscribe": "One-Click"}
        )  # no cookie, no login, no token
        self.assertEqual(response.status_code, 200)
        suppressed = set(
            Suppression.objects.filter(practice=self.north).values_list("kind", "value")
        )
        self.assertIn(("email", "ana@example.com"), suppressed)
        self.assertIn(("phone", "+13125550123"), suppressed)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "do_not_contact")

    def test_a_refused_address_fails_for_good_and_the_sequence_moves_on(self):
        lead = make_lead(
            self.north, "No", "Body", email="nobody@example.com",
            last_contact_at=MORNING - timedelta(days=200),
        )  # fmt: skip
        segment = Segment.objects.create(
            practice=self.north, name="Nobody", definition={"search": "nobody@example.com"}
        )
        campaign = campaign_create(
            practice=self.north, name="Refused", segment=segment,
            sequence=starter_sequence(self.north), holdout_percent=0, actor=None,
        )  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        run_due(MORNING)
        outbound = OutboundMessage.objects.get(lead=lead)
        self.assertEqual(outbound.status, "failed")
        self.assertIn("refused", outbound.error)
        self.assertIn("not delivered", Enrollment.objects.get(lead=lead).last_decision)


class ConfigureTests(SmtpTestCase):
    def test_the_password_is_encrypted_at_rest(self):
        config = ChannelConfig.objects.get(practice=self.north, channel="email")
        self.assertNotIn("s3cret-pass", config.secrets)
        self.assertNotIn("url", config.settings)
        self.assertEqual(config.settings["reply_domain"], "replies.north.example")

    def test_mistakes_are_refused_with_the_reason(self):
        cases = [
            ({"url": "http://x", "from_email": "a@b.example", "reply_domain": "r.example"},
             "smtp://user:password@host"),
            ({"url": "smtp://h:25", "from_email": "not-an-email", "reply_domain": "r.example"},
             "from_email"),
            ({"url": "smtp://h:25", "from_email": "a@b.example"}, "needs reply_domain"),
            ({"url": "smtp://h:25", "from_email": "a@b.example", "reply_domain": "r.example",
              "colour": "blue"}, "takes no colour"),
        ]  # fmt: skip
        for values, reason in cases:
            with self.subTest(reason=reason), self.assertRaisesMessage(ConfigError, reason):
                channel_configure(
                    practice=self.north, channel="email", provider="smtp", values=values,
                    actor=None,
                )  # fmt: skip

    @mock.patch("reactivate.channels.testing_send.timezone.now", return_value=MORNING)
    def test_the_shell_command_sets_and_tests_the_channel(self, _now):
        out = StringIO()
        call_command(
            "channels", "configure", "--practice", "south", "--channel", "email",
            "--provider", "smtp", "--set", f"url=smtp://127.0.0.1:{self.server.port}",
            "--set", "from_email=hello@south.example", "--set", "reply_domain=r.south.example",
            stdout=out,
        )  # fmt: skip
        self.assertIn("south email: smtp", out.getvalue())
        lead = make_lead(self.south, "Sol", "Test", email="sol@example.com")
        out = StringIO()
        call_command("channels", "test", "--practice", "south", "--channel", "email",
                     "--to", "sol@example.com", "--json", stdout=out)  # fmt: skip
        result = json.loads(out.getvalue())
        self.assertEqual(set(result), {"status", "provider", "provider_id", "message_id"})
        self.assertEqual((result["status"], result["provider"]), ("sent", "smtp"))
        (message,) = self.inbox.messages
        self.assertEqual(message["Message-ID"], result["message_id"])
        self.assertEqual(lead_for_reply_address(message["Reply-To"]), lead.pk)
        self.assertEqual(OutboundMessage.objects.get(lead=lead).source, "channel-test")
        # Any other address gets the same headers, and nothing is recorded for a lead.
        call_command("channels", "test", "--practice", "south", "--channel", "email",
                     "--to", "owner@elsewhere.example", stdout=StringIO())  # fmt: skip
        self.assertEqual(self.inbox.messages[-1]["List-Unsubscribe-Post"],
                         "List-Unsubscribe=One-Click")  # fmt: skip
        self.assertEqual(OutboundMessage.objects.count(), 1)

    def test_an_unknown_practice_or_provider_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "No practice 'nowhere'"):
            call_command("channels", "test", "--practice", "nowhere", "--channel", "email",
                         "--to", "a@b.example")  # fmt: skip
        with self.assertRaisesMessage(CommandError, "not available yet"):
            call_command("channels", "configure", "--practice", "north", "--channel", "sms",
                         "--provider", "vonage", "--set", "account_sid=AC1")  # fmt: skip

    @mock.patch("reactivate.channels.testing_send.timezone.now", return_value=MORNING)
    def test_a_lead_the_gate_holds_gets_no_test(self, _now):
        lead = make_lead(self.north, "Dee", "Nope", email="dee@example.com")
        Lead.objects.filter(pk=lead.pk).update(status="do_not_contact")
        with self.assertRaisesMessage(CommandError, "The gate holds this message"):
            call_command("channels", "test", "--practice", "north", "--channel", "email",
                         "--to", "dee@example.com")  # fmt: skip
        self.assertEqual(self.inbox.messages, [])


class DkimTests(SmtpTestCase):
    def test_a_signed_email_verifies_against_the_published_record(self):
        import tempfile

        import dkim
        from django.test import override_settings

        home = override_settings(HOME=tempfile.mkdtemp())  # the key goes to a data directory
        home.enable()
        self.addCleanup(home.disable)

        out = StringIO()
        call_command(
            "channels", "configure", "--practice", "north", "--channel", "email",
            "--provider", "smtp",
            "--set", f"url=smtp://frontdesk:s3cret-pass@127.0.0.1:{self.server.port}",
            "--set", "from_email=frontdesk@north.example",
            "--set", "reply_domain=replies.north.example", "--set", "dkim_selector=r1",
            stdout=out,
        )  # fmt: skip
        name, _, record = out.getvalue().strip().splitlines()[-1].partition(" TXT ")
        self.assertEqual(name, "r1._domainkey.north.example")
        published = record.strip('"').encode()
        make_lead(self.north, "Kim", "Key", email="kim@example.com")
        with mock.patch("reactivate.channels.testing_send.timezone.now", return_value=MORNING):
            call_command("channels", "test", "--practice", "north", "--channel", "email",
                         "--to", "kim@example.com", stdout=StringIO())  # fmt: skip
        raw = self.inbox.raw[-1]
        self.assertIn(b"DKIM-Signature:", raw)

        def dns(query, timeout=5):
            return published if query == b"r1._domainkey.north.example." else None

        self.assertTrue(dkim.verify(raw, dnsfunc=dns))
        self.assertFalse(dkim.verify(raw.replace(b"Test message", b"Tost message"), dnsfunc=dns))


class SettingsPageTests(SmtpTestCase):
    def test_a_manager_sets_the_provider_keeps_the_password_and_sends_a_test(self):
        self.client.login(username="nora", password=PASSWORD)
        url = reverse("channel_settings", args=["north"])
        page = self.client.get(url)
        self.assertContains(page, "its secret is stored, encrypted")
        self.assertNotContains(page, "s3cret-pass")  # never shown back
        self.assertContains(page, "/hooks/twilio/north/status/")  # the webhooks to paste
        self.client.post(
            url,
            {
                "channel": "email", "email-provider": "smtp", "email-url": "",
                "email-from_email": "hi@north.example", "email-from_name": "North",
                "email-reply_domain": "replies.north.example",
            },
        )  # fmt: skip
        config = ChannelConfig.objects.get(practice=self.north, channel="email")
        self.assertEqual(config.settings["from_email"], "hi@north.example")
        self.assertIn("s3cret-pass", channel_settings(config)["url"])  # kept, not lost
        refused = self.client.post(
            url,
            {
                "channel": "email", "email-provider": "smtp", "email-url": "http://nope",
                "email-from_email": "hi@north.example",
                "email-reply_domain": "replies.north.example",
            },
        )  # fmt: skip
        self.assertContains(refused, "An SMTP URL looks like")
        response = self.client.post(
            reverse("channel_test", args=["north"]),
            {"channel": "email", "to": "someone@elsewhere.example"},
            follow=True,
        )
        self.assertContains(response, "Sent via smtp")
        self.assertEqual(self.inbox.messages[-1]["From"], "North <hi@north.example>")

    def test_twilio_is_set_from_the_same_page_and_its_token_kept(self):
        self.client.login(username="nora", password=PASSWORD)
        url = reverse("channel_settings", args=["north"])
        sms = {"channel": "sms", "sms-provider": "twilio", "sms-account_sid": "AC" + "c3" * 16,
               "sms-auth_token": "tok-123", "sms-from_number": "+13125550198"}  # fmt: skip
        self.assertRedirects(self.client.post(url, sms), url)
        self.client.post(url, {**sms, "sms-auth_token": "", "sms-mps": "3"})
        config = ChannelConfig.objects.get(practice=self.north, channel="sms")
        self.assertEqual(channel_settings(config)["auth_token"], "tok-123")
        self.assertEqual(config.settings["mps"], "3")
        bad = self.client.post(url, {**sms, "sms-from_number": "0800 FLOWERS"})
        self.assertContains(bad, "E.164")

    def test_only_managers_see_it(self):
        self.client.login(username="cole", password=PASSWORD)
        self.assertEqual(
            self.client.get(reverse("channel_settings", args=["north"])).status_code, 404
        )
        response = self.client.post(reverse("channel_test", args=["north"]), {"to": "a@b.example"})
        self.assertEqual(response.status_code, 403)
