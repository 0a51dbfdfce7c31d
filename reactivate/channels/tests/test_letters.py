"""A letter step adds the lead to a print batch: a print-ready PDF (read back with pypdf),
a CSV for a mail house, and "mark mailed" records each touch and moves the sequence on."""

import csv
import io
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from pypdf import PdfReader

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.campaigns.sequences import sequence_create, step_add
from reactivate.campaigns.services import campaign_create, campaign_launch
from reactivate.channels.letter.printing import batch_csv, batch_pdf, split_address
from reactivate.channels.letter.services import LetterError, batch_close, batch_mark_mailed
from reactivate.channels.models import BatchStatus, Letter, OutboundMessage, PrintBatch
from reactivate.leads.choices import ContactKind, Validity
from reactivate.leads.models import ContactPoint
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.services import install_starter_playbooks
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
PEOPLE = [
    ("Ana", "Ruiz", "12 Elm St, Evanston, IL 60201"),
    ("Bo", "Lind", "900 N Michigan Ave Apt 4, Chicago, IL 60611"),
    ("Cy", "Okafor", "77 Harbor Rd, Oak Park, IL 60302-1234"),
]


class LetterStepTests(BaseTestCase):
    def setUp(self):
        self.north.postal_address = "200 Lake St, Chicago, IL 60601"
        self.north.save()
        install_starter_playbooks(practice=self.north, actor=None)
        self.leads = []
        for first, last, address in PEOPLE:
            lead = make_lead(self.north, first, last, estimated_value=9000,
                             last_contact_at=MORNING - timedelta(days=200))  # fmt: skip
            ContactPoint.objects.create(practice=self.north, lead=lead, kind=ContactKind.ADDRESS,
                                        value=address, validity=Validity.VALID)  # fmt: skip
            self.leads.append(lead)
        sequence = sequence_create(practice=self.north, name="Letter", actor=None)
        for channel, step in (("letter", "letter-1"), ("email", "email-2")):
            template = MessageTemplate.objects.get(practice=self.north, step=step,
                                                   language="en", dormancy_reason="")  # fmt: skip
            step_add(sequence=sequence, actor=None, channel=channel, template=template, wait=1)
        segment = Segment.objects.create(practice=self.north, name="All",
                                         definition={"statuses": ["stalled"]})  # fmt: skip
        campaign = campaign_create(practice=self.north, name="Letters", segment=segment,
                                   sequence=sequence, holdout_percent=0, actor=None,
                                   sender_name="Cole")  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        run_due(MORNING)
        self.batch = PrintBatch.objects.get(practice=self.north)

    def test_the_step_adds_each_lead_to_one_open_batch_and_sends_nothing(self):
        self.assertEqual(self.batch.status, BatchStatus.OPEN)
        self.assertEqual(self.batch.letters.count(), 3)
        self.assertFalse(OutboundMessage.objects.exists())
        for enrollment in Enrollment.objects.all():
            self.assertEqual(enrollment.status, EnrollmentStatus.WAITING)
            self.assertIn("print batch", enrollment.last_decision)

    def test_the_pdf_has_one_page_per_letter_with_each_name_and_address_in_order(self):
        batch_close(batch=self.batch, actor=self.north_coordinator)
        reader = PdfReader(io.BytesIO(batch_pdf(self.batch)))
        self.assertEqual(len(reader.pages), 3)
        for page, (first, last, address) in zip(reader.pages, PEOPLE, strict=True):
            text = " ".join(page.extract_text().split())
            self.assertIn(f"{first} {last}", text)
            for line in split_address(address).lines:
                self.assertIn(line, text)
            self.assertIn("North Dental", text)
            self.assertIn("200 Lake St", text)  # the return address on the letterhead

    def test_the_csv_splits_each_address_for_a_mail_house(self):
        rows = list(csv.DictReader(io.StringIO(batch_csv(self.batch))))
        self.assertEqual([r["name"] for r in rows], ["Ana Ruiz", "Bo Lind", "Cy Okafor"])
        self.assertEqual((rows[2]["street"], rows[2]["city"], rows[2]["state"],
                          rows[2]["postal_code"]), ("77 Harbor Rd", "Oak Park", "IL",
                                                    "60302-1234"))  # fmt: skip

    def test_marking_mailed_records_each_touch_and_moves_the_sequence_on(self):
        with self.assertRaisesMessage(LetterError, "Close the batch"):
            batch_mark_mailed(batch=self.batch, actor=self.north_coordinator)
        batch_close(batch=self.batch, actor=self.north_coordinator)
        make_lead(self.north, "Late", "Comer")  # letters after closing go to a new batch
        self.assertEqual(batch_mark_mailed(batch=self.batch, actor=self.north_coordinator), 3)
        for lead in self.leads:
            entry = lead.interactions.get(kind="message_out", channel="letter")
            self.assertEqual(entry.actor, self.north_coordinator)
        run_due(MORNING + timedelta(hours=1))
        for enrollment in Enrollment.objects.all():
            self.assertEqual((enrollment.position, enrollment.status), (1, "active"))
        self.assertEqual(Letter.objects.filter(resumed_at__isnull=False).count(), 3)

    def test_the_letters_page_and_its_files_stay_inside_the_practice(self):
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.get(reverse("letter_batches", args=["north"]))
        self.assertContains(page, "Close for printing")
        pdf_url = reverse("letter_batch_file", args=["north", self.batch.pk, "pdf"])
        self.assertRedirects(self.client.get(pdf_url), reverse("letter_batches", args=["north"]))
        self.client.post(reverse("letter_batch_action", args=["north", self.batch.pk]),
                         {"action": "close"})  # fmt: skip
        response = self.client.get(pdf_url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.client.login(username="sam", password=PASSWORD)
        self.assertEqual(self.client.get(pdf_url).status_code, 404)
        south_url = reverse("letter_batch_file", args=["south", self.batch.pk, "csv"])
        self.assertEqual(self.client.get(south_url).status_code, 404)
