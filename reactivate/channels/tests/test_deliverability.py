"""The deliverability check of a segment's addresses, against a DNS server on loopback."""

import json
import socket
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from dnslib import AAAA, MX, QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSServer

from reactivate.channels.models import DomainCheck
from reactivate.leads.models import ContactPoint
from reactivate.segments.models import Segment
from reactivate.testing import BaseTestCase, make_lead

ZONE = {
    "example.com.": {"MX": [MX("mx.example.com.", 10)]},
    "clinic.example.": {"MX": [MX("mail.clinic.example.", 10)]},
    "gmail.com.": {"MX": [MX("gmail-smtp-in.l.google.com.", 5)]},
    "mailinator.com.": {"MX": [MX("mail.mailinator.com.", 10)]},
    "direct.example.": {"A": [A("192.0.2.10")]},  # no MX: mail goes to the address record
    "nomail.example.": {"MX": [MX(".", 0)]},  # RFC 7505 null MX
    "v6only.example.": {"AAAA": [AAAA("2001:db8::25")]},
}


class Zone(BaseResolver):
    """Answers from ZONE; any other name does not exist (NXDOMAIN)."""

    def __init__(self):
        self.asked = []

    def resolve(self, request, handler):
        reply = request.reply()
        name, kind = str(request.q.qname), QTYPE[request.q.qtype]
        self.asked.append((name, kind))
        if name not in ZONE:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for record in ZONE[name].get(kind, []):
            reply.add_answer(RR(name, getattr(QTYPE, kind), rdata=record, ttl=60))
        return reply


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackDnsCase(BaseTestCase):
    """A DNS server on loopback serving ZONE, and a segment of the practice's addresses."""

    def setUp(self):
        self.zone = Zone()
        port = free_udp_port()
        self.dns = DNSServer(self.zone, address="127.0.0.1", port=port)
        self.dns.start_thread()
        self.addCleanup(self.dns.stop)
        overridden = override_settings(DNS_NAMESERVERS=f"127.0.0.1:{port}")
        overridden.enable()
        self.addCleanup(overridden.disable)
        addresses = [
            "ana@clinic.example", "ben@gmail.com", "cy@gmial.com", "dee@mailinator.com",
            "info@clinic.example", "eve@direct.example", "fay@nomail.example",
            "gus@nowhere-at-all.example", "hal@v6only.example", "ivy@clinic.example",
        ]  # fmt: skip
        for i, address in enumerate(addresses):
            make_lead(self.north, f"L{i}", "Mail", email=address)
        ContactPoint.objects.filter(value="ivy@clinic.example").update(validity="bounced")
        self.segment = Segment.objects.create(practice=self.north, name="Everyone", definition={})


class DeliverabilityTests(LoopbackDnsCase):
    def run_check(self) -> dict:
        out = StringIO()
        call_command("deliverability", "--practice", "north", "--segment", "Everyone",
                     "--json", stdout=out)  # fmt: skip
        return json.loads(out.getvalue())

    def test_domains_without_a_mail_server_typos_and_risky_addresses_are_named(self):
        report = self.run_check()
        names = {item["domain"] for item in report["no_mail_server"]}
        self.assertEqual(names, {"gmial.com", "nomail.example", "nowhere-at-all.example"})
        why = {item["domain"]: item["why"] for item in report["no_mail_server"]}
        self.assertIn("null MX", why["nomail.example"])
        self.assertIn("does not exist", why["nowhere-at-all.example"])
        self.assertEqual(
            report["typos"], [{"domain": "gmial.com", "suggestion": "gmail.com", "addresses": 1}]
        )
        self.assertEqual(report["disposable"], 2)  # mailinator.com, and gmial.com is listed too
        self.assertEqual(report["role"], 1)  # info@
        self.assertEqual(report["bounced_before"], 1)
        self.assertEqual(report["unknown"], [])
        # ana, ben, dee, info, eve (A record), hal (AAAA record) and the practice's other
        # lead; not ivy (bounced).
        self.assertEqual((report["addresses"], report["deliverable"]), (11, 7))

    def test_each_domain_is_asked_once_a_day(self):
        self.run_check()
        asked = len(self.zone.asked)
        self.run_check()
        self.assertEqual(len(self.zone.asked), asked)
        DomainCheck.objects.update(checked_at=timezone.now() - timedelta(days=2))
        self.run_check()
        self.assertGreater(len(self.zone.asked), asked)

    def test_a_silent_dns_server_means_unknown_not_undeliverable(self):
        self.dns.stop()
        report = self.run_check()
        self.assertEqual(report["no_mail_server"], [])
        self.assertEqual(len(report["unknown"]), report["domains"])

    def test_an_unknown_segment_names_the_ones_there_are(self):
        with self.assertRaisesMessage(CommandError, "Segments: Everyone"):
            call_command("deliverability", "--practice", "north", "--segment", "Nope")


class ReviewPageTests(LoopbackDnsCase):
    def test_the_campaign_review_shows_it_once_email_really_goes_out(self):
        from django.urls import reverse

        from reactivate.campaigns.services import campaign_create, starter_sequence
        from reactivate.channels.config import channel_configure
        from reactivate.testing import PASSWORD

        campaign = campaign_create(
            practice=self.north, name="Spring", segment=self.segment,
            sequence=starter_sequence(self.north), actor=None,
        )  # fmt: skip
        self.client.login(username="cole", password=PASSWORD)
        review = reverse("campaign_review", args=["north", campaign.pk])
        self.assertNotContains(self.client.get(review), "Email deliverability")  # the sandbox
        channel_configure(
            practice=self.north, channel="email", provider="smtp", actor=None,
            values={"url": "smtp://127.0.0.1:2525", "from_email": "desk@clinic.example",
                    "reply_domain": "replies.clinic.example"},
        )  # fmt: skip
        page = self.client.get(review)
        self.assertContains(page, "Email deliverability")
        self.assertContains(page, "gmial.com (1): did they mean gmail.com?")
