from datetime import UTC, datetime

from django.urls import reverse

from reactivate.core.dates import add_months, months_between
from reactivate.leads.choices import InteractionKind, LeadStatus
from reactivate.leads.models import Interaction, Lead
from reactivate.segments.cadence import eligible_q, next_eligible, return_to_pool
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

STALL = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)


class CalendarMonths(BaseTestCase):
    def test_month_ends_are_clamped(self):
        self.assertEqual(add_months(STALL, 1), datetime(2026, 2, 28, 15, 0, tzinfo=UTC))
        self.assertEqual(add_months(STALL, -2), datetime(2025, 11, 30, 15, 0, tzinfo=UTC))
        self.assertEqual(months_between(STALL, datetime(2026, 7, 30, tzinfo=UTC)), 5)
        self.assertEqual(months_between(STALL, datetime(2026, 7, 31, 16, tzinfo=UTC)), 6)


class SeedCadence(BaseTestCase):
    """First attempt 3 months after the stall, then 6, then yearly; a lifetime cap."""

    def test_schedule_from_the_stall(self):
        due = [next_eligible(self.north, STALL, n) for n in range(6)]
        self.assertEqual(
            due,
            [
                datetime(2026, 4, 30, 15, 0, tzinfo=UTC),
                datetime(2026, 7, 31, 15, 0, tzinfo=UTC),
                datetime(2027, 7, 31, 15, 0, tzinfo=UTC),
                datetime(2028, 7, 31, 15, 0, tzinfo=UTC),
                datetime(2029, 7, 31, 15, 0, tzinfo=UTC),
                None,  # five sequences is the default lifetime cap
            ],
        )

    def test_a_lead_back_from_a_sequence_rests_at_least_the_first_wait(self):
        finished = datetime(2026, 6, 20, tzinfo=UTC)
        self.assertEqual(
            next_eligible(self.north, STALL, 1, finished), datetime(2026, 9, 20, tzinfo=UTC)
        )

    def test_practice_settings_change_the_cadence(self):
        self.north.first_attempt_months = 4
        self.north.second_attempt_months = 9
        self.north.repeat_every_months = 6
        self.north.max_cycles = 2
        self.assertEqual(
            [next_eligible(self.north, STALL, n) for n in range(3)],
            [
                datetime(2026, 5, 31, 15, 0, tzinfo=UTC),
                datetime(2026, 10, 31, 15, 0, tzinfo=UTC),
                None,
            ],
        )

    def test_return_to_pool_counts_the_cycle_and_sets_the_next_date(self):
        lead = make_lead(self.north, "Pat", "Pool", last_contact_at=STALL)
        lead.status = LeadStatus.IN_SEQUENCE
        lead.save()
        finished = datetime(2026, 5, 15, tzinfo=UTC)
        return_to_pool(lead, finished_at=finished)
        lead.refresh_from_db()
        self.assertEqual((lead.status, lead.cycle_count), (LeadStatus.STALLED, 1))
        self.assertEqual(lead.next_eligible_at, datetime(2026, 8, 15, tzinfo=UTC))
        note = Interaction.objects.get(lead=lead, kind=InteractionKind.STATUS_CHANGE)
        self.assertIn("eligible again from 14 Aug 2026", note.summary)  # Chicago time

    def test_the_lifetime_cap_retires_a_lead(self):
        lead = make_lead(self.north, "Cap", "Reached", last_contact_at=STALL, cycle_count=4)
        return_to_pool(lead, finished_at=datetime(2026, 5, 15, tzinfo=UTC))
        lead.refresh_from_db()
        self.assertIsNone(lead.next_eligible_at)
        self.assertFalse(
            Lead.objects.filter(
                eligible_q(self.north, datetime(2040, 1, 1, tzinfo=UTC)), pk=lead.pk
            )
        )

    def test_who_is_eligible_now(self):
        at = datetime(2026, 6, 1, tzinfo=UTC)
        due = make_lead(self.north, "Due", "Now", last_contact_at=datetime(2026, 2, 1, tzinfo=UTC))
        early = make_lead(
            self.north, "Too", "Soon", last_contact_at=datetime(2026, 4, 1, tzinfo=UTC)
        )
        resting = make_lead(
            self.north,
            "Rest",
            "Ing",
            last_contact_at=datetime(2025, 1, 1, tzinfo=UTC),
            cycle_count=1,
            next_eligible_at=datetime(2026, 9, 1, tzinfo=UTC),
        )
        back = make_lead(
            self.north,
            "Back",
            "Again",
            last_contact_at=datetime(2025, 1, 1, tzinfo=UTC),
            cycle_count=1,
            next_eligible_at=datetime(2026, 5, 1, tzinfo=UTC),
        )
        closed = make_lead(
            self.north,
            "Closed",
            "Lead",
            status=LeadStatus.CLOSED,
            last_contact_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        eligible = set(
            Lead.objects.filter(practice=self.north)
            .filter(eligible_q(self.north, at))
            .values_list("pk", flat=True)
        )
        self.assertIn(due.pk, eligible)
        self.assertIn(back.pk, eligible)
        for lead in (early, resting, closed):
            self.assertNotIn(lead.pk, eligible)

    def test_settings_page_refuses_a_second_attempt_before_the_first(self):
        self.client.login(username="nora", password=PASSWORD)
        page = self.client.post(
            reverse("practice_settings", args=["north"]),
            {
                "name": "North Dental",
                "timezone": "America/Chicago",
                "country": "US",
                "state": "IL",
                "postal_address": "",
                "phone": "",
                "cost_per_new_lead": "300",
                "first_attempt_months": "6",
                "second_attempt_months": "6",
                "repeat_every_months": "12",
                "max_cycles": "5",
                "send_days": "0,1,2,3,4",
                "send_from_hour": "9",
                "send_until_hour": "19",
                "max_touches_per_day": "1",
                "max_touches_per_week": "3",
                "replies_per_day": "20",
            },
        )
        self.assertContains(page, "The second attempt must come after the first.")
