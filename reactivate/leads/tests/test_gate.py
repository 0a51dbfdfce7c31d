"""can_contact: the one gate before every send (DESIGN rule 1).

The property tests restate the rules independently and check the gate against them over
random practices, recipients, time zones, states, schedules, clocks and message histories.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from reactivate.leads.choices import (
    Channel,
    ConsentStatus,
    ContactKind,
    LeadStatus,
    LineType,
    SuppressionReason,
    Validity,
)
from reactivate.leads.consent import can_contact
from reactivate.leads.models import Consent, ContactPoint, Lead, Suppression
from reactivate.tenancy.models import Agency, Practice
from reactivate.testing import BaseTestCase, make_lead

ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
NUMBERS = {"+13055550177": "FL", "+14055550100": "OK", "+14105550100": "MD",
           "+13125550199": "IL", "+18055550142": "CA"}  # fmt: skip

scenario = st.fixed_dictionaries(
    {
        "days": st.sets(st.integers(0, 6), min_size=1),
        "from_hour": st.integers(0, 12),
        "span": st.integers(4, 16),
        "per_day": st.integers(1, 3),
        "per_week": st.integers(1, 5),
        "practice_state": st.sampled_from(["", "FL", "IL", "OK", "MD", "CA"]),
        "practice_zone": st.sampled_from(ZONES),
        "point_zone": st.sampled_from(["", *ZONES]),
        "number": st.sampled_from(sorted(NUMBERS)),
        # Mostly reachable recipients, so most examples exercise hours and caps.
        "consent": st.sampled_from([ConsentStatus.GRANTED] * 4 + [None, ConsentStatus.REVOKED]),
        "validity": st.sampled_from([Validity.VALID] * 3 + [Validity.UNKNOWN, Validity.INVALID]),
        "landline": st.sampled_from([False] * 5 + [True]),
        "suppressed": st.sampled_from([False] * 5 + [True]),
        "channel": st.sampled_from([Channel.SMS, Channel.CALL, Channel.EMAIL]),
        "at": st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
        ),
        "touch_minutes": st.lists(st.integers(1, 60 * 24 * 8), max_size=3),
    }
)


class GateProperties(HypothesisTestCase):
    def build(self, s):
        agency = Agency.objects.create(name="A", slug="a")
        practice = Practice.objects.create(
            agency=agency,
            slug="p",
            name="P",
            timezone=s["practice_zone"],
            state=s["practice_state"],
            send_days=",".join(str(d) for d in sorted(s["days"])),
            send_from_hour=s["from_hour"],
            send_until_hour=min(24, s["from_hour"] + s["span"]),
            max_touches_per_day=s["per_day"],
            max_touches_per_week=max(s["per_day"], s["per_week"]),
            # The oracle below knows the window and the caps; holidays have their own test.
            public_holidays=False,
        )
        lead = Lead.objects.create(practice=practice, first_name="L")
        kind = ContactKind.EMAIL if s["channel"] == Channel.EMAIL else ContactKind.PHONE
        value = "l@example.com" if kind == ContactKind.EMAIL else s["number"]
        point = ContactPoint.objects.create(
            practice=practice,
            lead=lead,
            kind=kind,
            value=value,
            validity=s["validity"],
            line_type=LineType.LANDLINE if s["landline"] else LineType.MOBILE,
            timezone=s["point_zone"],
            is_primary=True,
        )
        if s["consent"]:
            Consent.objects.create(
                practice=practice,
                contact_point=point,
                channel=s["channel"],
                status=s["consent"],
                recorded_at=s["at"],
            )
        if s["suppressed"]:
            Suppression.objects.create(
                practice=practice, kind=kind, value=value, reason=SuppressionReason.OPT_OUT
            )
        return practice, lead, point

    def window(self, s, practice):
        """The rules, restated: (zone, from hour, until hour, 24-hour cap from the state)."""
        zone = s["point_zone"] or practice.timezone
        low, high, cap = 0, 24, None
        if s["channel"] in (Channel.SMS, Channel.CALL):
            state = NUMBERS[s["number"]] if s["point_zone"] else None
            low, high = 8, 21
            if state is None or state in ("FL", "OK", "MD"):
                low, high = 8, 20
            if state is None or state in ("FL", "OK"):
                cap = 3
        low, high = max(low, practice.send_from_hour), min(high, practice.send_until_hour)
        return zone, low, high, cap

    def allowed_by_rules(self, s, practice, at, touches) -> bool:
        zone, low, high, cap = self.window(s, practice)
        local = at.astimezone(ZoneInfo(zone))
        hour = local.hour + local.minute / 60 + local.second / 3600
        if not (low <= hour < high) or local.weekday() not in s["days"]:
            return False
        day = [t for t in touches if at - timedelta(days=1) < t <= at]
        week = [t for t in touches if at - timedelta(days=7) < t <= at]
        if len(day) >= practice.max_touches_per_day or len(week) >= practice.max_touches_per_week:
            return False
        return not (cap is not None and len(day) >= cap)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenario)
    def test_never_outside_hours_never_suppressed_never_over_caps(self, s):
        practice, lead, _point = self.build(s)
        at = s["at"]
        touches = [at - timedelta(minutes=m) for m in s["touch_minutes"]]
        decision = can_contact(lead, s["channel"], at, touches=touches)
        reachable = (
            not s["suppressed"]
            and s["validity"] != Validity.INVALID
            and s["consent"] != ConsentStatus.REVOKED
            and not (s["channel"] == Channel.SMS and s["consent"] != ConsentStatus.GRANTED)
            and not (s["channel"] == Channel.SMS and s["landline"])
        )
        event("unreachable" if not reachable else decision.code)
        if not reachable:
            self.assertFalse(decision.allowed)
            self.assertIsNone(decision.retry_at)
            return
        self.assertEqual(decision.allowed, self.allowed_by_rules(s, practice, at, touches))
        if not decision.allowed and decision.retry_at is not None:
            # Deferred, not dropped: the next allowed moment really is allowed, and is later.
            self.assertGreater(decision.retry_at, at)
            later = can_contact(lead, s["channel"], decision.retry_at, touches=touches)
            self.assertTrue(later.allowed, later.reason)
            self.assertTrue(self.allowed_by_rules(s, practice, decision.retry_at, touches))


class GateExamples(BaseTestCase):
    def setUp(self):
        self.lead = self.north_lead  # Chicago practice, +1 312 number, email
        phone = self.lead.contact_points.get(kind=ContactKind.PHONE)
        phone.timezone = "America/Chicago"
        phone.line_type = LineType.MOBILE
        phone.save()
        Consent.objects.create(
            practice=self.north,
            contact_point=phone,
            channel=Channel.SMS,
            status=ConsentStatus.GRANTED,
            recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        )

    def test_a_text_at_7am_local_waits_for_the_practice_window(self):
        at = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)  # Tuesday 07:00 in Chicago
        decision = can_contact(self.lead, Channel.SMS, at, touches=[])
        self.assertFalse(decision.allowed)
        self.assertEqual(decision.code, "hours")
        self.assertEqual(decision.retry_at, datetime(2026, 6, 2, 14, 0, tzinfo=UTC))  # 09:00
        self.assertIn("America/Chicago", decision.reason)

    def test_the_daily_cap_defers_to_the_next_day(self):
        at = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in Chicago
        earlier = datetime(2026, 6, 2, 14, 30, tzinfo=UTC)
        decision = can_contact(self.lead, Channel.EMAIL, at, touches=[earlier])
        self.assertEqual((decision.allowed, decision.code), (False, "cap"))
        self.assertEqual(decision.retry_at, earlier + timedelta(days=1, seconds=1))

    def test_a_closed_or_suppressed_lead_is_never_contacted(self):
        at = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)
        self.assertTrue(can_contact(self.lead, Channel.SMS, at, touches=[]).allowed)
        Suppression.objects.create(
            practice=self.north,
            kind=ContactKind.PHONE,
            value="+13125550101",
            reason=SuppressionReason.OPT_OUT,
        )
        decision = can_contact(self.lead, Channel.SMS, at, touches=[])
        self.assertEqual(
            (decision.allowed, decision.code, decision.retry_at), (False, "no_contact_point", None)
        )
        self.lead.status = LeadStatus.DO_NOT_CONTACT
        self.assertEqual(can_contact(self.lead, Channel.EMAIL, at).code, "lead_status")

    def test_a_text_needs_consent_on_record_but_an_email_does_not(self):
        other = make_lead(self.north, "No", "Consent", email="nc@example.com", phone="+13125550111")
        at = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)
        self.assertEqual(can_contact(other, Channel.SMS, at, touches=[]).code, "no_contact_point")
        self.assertTrue(can_contact(other, Channel.EMAIL, at, touches=[]).allowed)

    def test_a_paused_campaign_blocks_without_a_retry(self):
        at = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)
        decision = can_contact(self.lead, Channel.EMAIL, at, campaign_active=False, touches=[])
        self.assertEqual((decision.code, decision.retry_at), ("campaign_state", None))
