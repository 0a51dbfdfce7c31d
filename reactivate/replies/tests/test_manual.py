"""A reply recorded by hand, and a reply's reading put right in one click."""

import csv
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.campaigns.models import Enrollment
from reactivate.channels.tests.test_sms import SmsTestCase, sign, texted_lead
from reactivate.followups.models import FollowUp
from reactivate.leads.choices import LeadStatus
from reactivate.replies.manual import training_examples
from reactivate.replies.models import Reply
from reactivate.replies.understand.model import live
from reactivate.replies.understand.rules import core
from reactivate.testing import PASSWORD


class ManualAndCorrectionTests(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.lead, _ = texted_lead(self.north, "Ana", "+13125550123")
        self.launch()
        self.client.login(username="cole", password=PASSWORD)

    def test_a_walk_in_recorded_on_the_lead_page_is_read_and_acted_on(self):
        page = self.client.get(reverse("lead_detail", args=["north", self.lead.pk]))
        self.assertContains(page, 'data-testid="record-reply"')
        self.client.post(
            reverse("reply_add", args=["north", self.lead.pk]),
            {"text": "She stopped by: yes, wants to book the consult", "via": "in_person"},
        )
        reply = Reply.objects.get()
        self.assertEqual(
            (reply.lead, reply.label, reply.inbound.provider), (self.lead, "positive", "manual")
        )
        self.assertEqual(Enrollment.objects.get(lead=self.lead).status, "stopped")
        self.assertEqual(FollowUp.objects.get(lead=self.lead).kind, "reply")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="reply.recorded", actor=self.north_coordinator
            ).exists()
        )
        empty = self.client.post(
            reverse("reply_add", args=["north", self.lead.pk]),
            {"text": " ", "via": "call"},
            follow=True,
        )
        self.assertContains(empty, "Write down what the person said.")

    def test_one_click_puts_a_reading_right_acts_on_it_and_keeps_it_to_learn_from(self):
        url = f"{settings.SITE_URL}/hooks/twilio/north/inbound/"
        params = {
            "MessageSid": "SM" + "7" * 32,
            "From": "+13125550123",
            "To": "+13125550199",
            "Body": "hmm let me think, my husband says no",
        }
        Client().post(
            "/hooks/twilio/north/inbound/", params, HTTP_X_TWILIO_SIGNATURE=sign(url, params)
        )
        reply = Reply.objects.get()
        inbox = self.client.get(reverse("reply_inbox", args=["north"]))
        self.assertContains(inbox, "my husband says no")
        self.client.post(reverse("reply_relabel", args=["north", reply.pk]), {"label": "negative"})
        reply.refresh_from_db()
        self.assertEqual(
            (reply.label, reply.corrected_from, reply.corrected_by),
            (
                "negative",
                "unclear" if reply.corrected_from == "unclear" else reply.corrected_from,
                self.north_coordinator,
            ),
        )
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.CLOSED)
        self.assertIn(("hmm let me think, my husband says no", "negative"), training_examples())
        self.assertTrue(AuditEvent.objects.filter(action="reply.corrected").exists())

    def test_retrain_folds_corrections_into_the_live_model_and_they_can_be_exported(self):
        said = "hmm let me think, my husband says no"
        reply = self._reply(said)
        self.client.post(reverse("reply_relabel", args=["north", reply.pk]), {"label": "negative"})
        text = core(said)
        with TemporaryDirectory() as folder, self.settings(HOME=Path(folder)):
            before = self._probability(live(), text, "negative")
            source, out = Path(folder) / "in.csv", Path(folder) / "out.csv"
            source.write_text(f"id,channel,text\n1,sms,{said}\n")
            err = StringIO()
            call_command("classify-replies", str(source), "--out", str(out), "--retrain",
                         stdout=StringIO(), stderr=err)  # fmt: skip
            self.assertIn("1 corrected replies folded into the live model", err.getvalue())
            self.assertEqual(len(list(csv.DictReader(out.open()))), 1)
            # The live path (every worker, without a restart) now reads with the correction.
            self.assertGreater(self._probability(live(), text, "negative"), before)
            exported = Path(folder) / "corrections.csv"
            call_command("export-corrections", "--out", str(exported), "--practice", "north",
                         stdout=StringIO())  # fmt: skip
            rows = list(csv.DictReader(exported.open()))
        self.assertEqual(
            [(r["practice"], r["channel"], r["text"], r["label"], r["corrected_from"],
              r["corrected_by"]) for r in rows],
            [("north", "sms", said, "negative", reply.label, "cole")],
        )  # fmt: skip

    def _reply(self, body: str) -> Reply:
        url = f"{settings.SITE_URL}/hooks/twilio/north/inbound/"
        params = {"MessageSid": "SM" + "8" * 32, "From": "+13125550123", "To": "+13125550199",
                  "Body": body}  # fmt: skip
        Client().post(
            "/hooks/twilio/north/inbound/", params, HTTP_X_TWILIO_SIGNATURE=sign(url, params)
        )
        return Reply.objects.get()

    @staticmethod
    def _probability(scorer, text: str, label: str) -> float:
        scores = scorer.scores(text)
        exp = np.exp(scores - scores.max())
        return float(exp[list(scorer.classes).index(label)] / exp.sum())
