"""The owner's weekly report: Monday at 08:00 in the practice's time, once, with the PDF."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from reactivate.metrics.models import WeeklyReportSent
from reactivate.metrics.tests.helpers import program, t0
from reactivate.metrics.weekly import send_weekly_reports
from reactivate.testing import PASSWORD, BaseTestCase

CHICAGO = ZoneInfo("America/Chicago")
MONDAY_8 = datetime(2026, 11, 30, 8, 0, tzinfo=CHICAGO)
TUESDAY_8 = datetime(2026, 12, 1, 8, 0, tzinfo=CHICAGO)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class WeeklyReport(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        program(cls.north, t0())
        cls.north_owner.email = "nora@north.example"
        cls.north_owner.save()
        cls.north_coordinator.email = "cole@north.example"
        cls.north_coordinator.save()

    def test_monday_morning_the_owner_gets_it_with_the_pdf_once(self):
        self.assertEqual(send_weekly_reports(self.north, now=MONDAY_8), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["nora@north.example"])  # owners and managers only
        self.assertIn("North Dental", message.subject)
        self.assertIn("responded                 4 (57.1%)", message.body)
        self.assertIn("This week:", message.body)
        _, data, kind = message.attachments[0]
        self.assertEqual(kind, "application/pdf")
        text = pdf_text(data)
        self.assertIn("the reactivation program", text)
        self.assertIn("Lift in reactivation", text)
        self.assertIn("By why they stalled", text)
        # The worker runs hourly: the same Monday does not send it again.
        self.assertEqual(send_weekly_reports(self.north, now=MONDAY_8), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(WeeklyReportSent.objects.get(practice=self.north).recipients, 1)

    def test_not_on_other_days_unless_asked(self):
        self.assertEqual(send_weekly_reports(self.north, now=TUESDAY_8), 0)
        self.assertEqual(send_weekly_reports(self.north, now=TUESDAY_8, force=True), 1)

    def test_a_failed_send_is_tried_again(self):
        with override_settings(EMAIL_BACKEND="reactivate.metrics.tests.test_weekly.Broken"):
            self.assertEqual(send_weekly_reports(self.north, now=MONDAY_8), 0)
        self.assertFalse(WeeklyReportSent.objects.exists())
        self.assertEqual(send_weekly_reports(self.north, now=MONDAY_8), 1)

    def test_the_dashboard_pdf(self):
        client = Client()
        client.login(username="vic", password=PASSWORD)
        response = client.get(reverse("metrics_pdf", kwargs={"slug": "north"}))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("Treated against held out", pdf_text(response.content))


class Broken:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the SMTP server is down")
