"""A change to the sending window re-plans the sends waiting for the old one, at once."""

from datetime import UTC, datetime, timedelta

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment
from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
from reactivate.channels.models import OutboundMessage
from reactivate.segments.models import Segment
from reactivate.tenancy.services import practice_update
from reactivate.testing import BaseTestCase, make_lead

MONDAY_NIGHT = datetime(2026, 6, 2, 3, 0, tzinfo=UTC)  # 22:00 Monday in Chicago
TUESDAY_EARLY = datetime(2026, 6, 2, 13, 30, tzinfo=UTC)  # 08:30 Tuesday in Chicago


class WindowChangeTests(BaseTestCase):
    def setUp(self):
        self.north.send_from_hour, self.north.send_until_hour = 9, 19
        self.north.save()
        self.lead = make_lead(
            self.north, "Wendy", "Window", email="wendy@example.com",
            last_contact_at=MONDAY_NIGHT - timedelta(days=200),
        )  # fmt: skip
        segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.campaign = campaign_create(
            practice=self.north, name="Night", segment=segment,
            sequence=starter_sequence(self.north), holdout_percent=0, actor=None,
        )  # fmt: skip
        campaign_launch(campaign=self.campaign, actor=None, now=MONDAY_NIGHT)
        run_due(MONDAY_NIGHT)
        self.enrollment = Enrollment.objects.get(campaign=self.campaign, lead=self.lead)
        self.assertTrue(self.enrollment.last_decision.startswith("Outside the allowed hours"))

    def test_an_earlier_opening_brings_the_waiting_send_forward(self):
        run_due(TUESDAY_EARLY)  # 08:30: the old window opens at 09:00
        self.assertFalse(OutboundMessage.objects.filter(lead=self.lead).exists())
        practice_update(practice=self.north, changes={"send_from_hour": 8}, actor=self.north_owner)
        self.north.refresh_from_db()
        self.assertIsNotNone(self.north.window_changed_at)
        run_due(TUESDAY_EARLY)
        self.assertEqual(OutboundMessage.objects.filter(lead=self.lead).count(), 1)
        self.north.refresh_from_db()
        self.assertIsNone(self.north.window_changed_at)  # the mark is picked up once

    def test_a_send_waiting_out_its_steps_wait_keeps_its_date(self):
        practice_update(practice=self.north, changes={"send_from_hour": 8}, actor=None)
        run_due(TUESDAY_EARLY)  # the first email goes at 08:30 under the new window
        self.enrollment.refresh_from_db()
        due = self.enrollment.next_action_at
        self.assertGreater(due, TUESDAY_EARLY + timedelta(days=2))  # the text, days later
        practice_update(practice=self.north, changes={"send_until_hour": 20}, actor=None)
        run_due(TUESDAY_EARLY + timedelta(minutes=5))
        self.enrollment.refresh_from_db()
        self.assertEqual(self.enrollment.next_action_at, due)

    def test_other_settings_leave_no_mark(self):
        practice_update(practice=self.north, changes={"booking_url": "https://x.example"},
                        actor=None)  # fmt: skip
        self.north.refresh_from_db()
        self.assertIsNone(self.north.window_changed_at)


class PublicHolidayTests(BaseTestCase):
    def test_the_practice_is_closed_on_its_public_holidays_unless_it_opts_out(self):
        from datetime import date

        self.north.country, self.north.state = "US", "IL"
        self.assertIn(date(date.today().year, 7, 4), self.north.holiday_dates)
        practice_update(practice=self.north, changes={"public_holidays": False}, actor=None)
        self.assertNotIn(date(date.today().year, 7, 4), self.north.holiday_dates)
