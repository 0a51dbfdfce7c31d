"""Bounce and complaint reports that come back to the reply mailbox, read from real ones
(sisimai's set of emails, BSD-2; the few asserted on are copied into fixtures)."""

import csv
from collections import Counter
from pathlib import Path
from unittest import skipUnless

from reactivate.channels.email.reports import read_report
from reactivate.channels.events import record_event
from reactivate.channels.models import ChannelEvent, OutboundMessage, OutboundStatus
from reactivate.leads.choices import LeadStatus, Validity
from reactivate.leads.models import ContactPoint
from reactivate.testing import BaseTestCase, make_lead

FIXTURES = Path(__file__).resolve().parents[1] / "email" / "fixtures" / "sisimai"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "sisimai_set_of_emails"


def report(name):
    return read_report((FIXTURES / name).read_bytes())


class ReadingTests(BaseTestCase):
    def test_a_hard_bounce_names_the_address_the_status_and_the_original(self):
        found = report("lhost-amavis-01.eml")
        self.assertEqual(found.kind, "bounce")
        self.assertEqual(
            found.message_id, "<Qdmail.0.0.0e_8ed60e1eb3e559f02254e3437c3110b1@example.net>"
        )
        (recipient,) = found.recipients
        self.assertEqual((recipient.address, recipient.status), ("neko@example.co.jp", "5.1.1"))
        self.assertIn("Recipient address rejected", recipient.diagnostic)
        (event,) = found.events()
        self.assertEqual((event.kind, event.permanent, event.code), ("bounced", True, "5.1.1"))

    def test_the_original_may_come_whole_or_as_headers(self):
        self.assertEqual(report("rfc3464-01.eml").message_id,
                         "<E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org>")  # fmt: skip
        self.assertEqual(report("lhost-postfix-03.eml").recipients[0].status, "5.0.0")

    def test_a_delay_is_a_soft_bounce_and_an_expiry_a_failure_that_may_pass(self):
        (delayed,) = report("lhost-messagingserver-07.eml").events()
        self.assertEqual((delayed.kind, delayed.code), ("deferred", "4.4.7"))
        (expired,) = report("lhost-opensmtpd-06.eml").recipients
        self.assertEqual(expired.status, "4.4.7")
        self.assertFalse(expired.permanent)

    def test_a_complaint_report_is_a_complaint(self):
        found = report("arf-01.eml")
        self.assertEqual((found.kind, found.feedback_type), ("complaint", "abuse"))
        (event,) = found.events()
        self.assertEqual((event.kind, event.recipient), ("complained", "redacted@example.net"))

    def test_an_ordinary_message_is_no_report(self):
        self.assertIsNone(report("is-not-bounce-01.eml"))


class ActingTests(BaseTestCase):
    def setUp(self):
        self.lead = make_lead(self.north, "Neko", "Cat", email="neko@example.co.jp")
        self.outbound = OutboundMessage.objects.create(
            practice=self.north, lead=self.lead, channel="email", idempotency_key="k1",
            to_value="neko@example.co.jp", body="Hi", status=OutboundStatus.SENT,
            provider="smtp",
            provider_id="<Qdmail.0.0.0e_8ed60e1eb3e559f02254e3437c3110b1@example.net>",
        )  # fmt: skip

    def test_a_hard_bounce_report_marks_the_address_bounced_once(self):
        for _ in range(2):  # the mailbox is read again: the report acts once
            for event in report("lhost-amavis-01.eml").events():
                record_event(event)
        point = ContactPoint.objects.get(lead=self.lead)
        self.assertEqual(point.validity, Validity.BOUNCED)
        self.assertEqual(ChannelEvent.objects.filter(outbound=self.outbound).count(), 1)
        self.outbound.refresh_from_db()
        self.assertEqual(self.outbound.delivery, "bounced")

    def test_a_complaint_without_the_original_id_finds_the_message_by_address(self):
        lead = make_lead(self.north, "Red", "Acted", email="redacted@example.net")
        OutboundMessage.objects.create(
            practice=self.north, lead=lead, channel="email", idempotency_key="k2",
            to_value="redacted@example.net", body="Hi", status=OutboundStatus.SENT,
        )  # fmt: skip
        (event,) = report("arf-01.eml").events()
        event.practice_id = self.north.pk  # the practice's reply mailbox received it
        record_event(event)
        lead.refresh_from_db()
        self.assertEqual(lead.status, LeadStatus.DO_NOT_CONTACT)


@skipUnless(SHARED.is_dir(), "../shared/data/sisimai_set_of_emails is not beside the repo")
class SisimaiAgreementTests(BaseTestCase):
    """Every DSN in sisimai's set: the status we read agrees with sisimai's in class."""

    def test_agreement_with_sisimai(self):
        rows = csv.DictReader((SHARED / "expected_reasons_from_rb-sisimai.csv").open())
        counts = Counter()
        for row in rows:
            found = read_report((SHARED / row["file"]).read_bytes())
            if found is None or found.kind != "bounce" or not row["dsn_status"]:
                continue
            got = found.recipients[0].status if found.recipients else ""
            counts["dsn"] += 1
            counts["same class"] += got[:1] == row["dsn_status"][:1]
        self.assertGreater(counts["dsn"], 250)
        self.assertGreaterEqual(counts["same class"] / counts["dsn"], 0.93)
