"""A practice whose campaign texted Ana, whose replies come back through Twilio's signed
webhook, on a clock the test moves: the worklist's timers, the gate's quiet hours and
speed to human all read the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.conf import settings
from django.test import Client

from reactivate.channels.tests.test_sms import SmsTestCase, sign, texted_lead
from reactivate.followups.models import FollowUp
from reactivate.testing import PASSWORD

# Tuesday 2 June 2026, 10:00 in Chicago: the campaign's text went at this moment.
MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
ANA = "+13125550123"


class WorkspaceTestCase(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.now = MORNING
        clock = mock.patch("django.utils.timezone.now", side_effect=lambda: self.now)
        clock.start()
        self.addCleanup(clock.stop)
        self.lead, _ = texted_lead(self.north, "Ana", ANA)
        self.campaign = self.launch()
        self.cole = Client()
        self.cole.login(username="cole", password=PASSWORD)

    def later(self, **delta) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now

    def reply(self, body: str, sid: str = "SM" + "b" * 32, sender: str = ANA):
        url = f"{settings.SITE_URL}/hooks/twilio/north/inbound/"
        params = {"MessageSid": sid, "From": sender, "To": "+13125550199", "Body": body}
        with self.captureOnCommitCallbacks(execute=True):
            response = Client().post("/hooks/twilio/north/inbound/", params,
                                     HTTP_X_TWILIO_SIGNATURE=sign(url, params))  # fmt: skip
        self.assertEqual(response.status_code, 200)
        return FollowUp.objects.filter(practice=self.north).order_by("-id").first()
