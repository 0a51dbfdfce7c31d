"""Property test of the whole engine: whatever the leads, zones, states, schedules and
clocks, no message goes out outside the recipient's allowed hours, to a suppressed or
opted-out contact, beyond the caps, or to a holdout lead."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.leads.choices import Channel, ConsentStatus, ContactKind, LineType
from reactivate.leads.models import Consent, ContactPoint, Lead, Suppression
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Agency, Practice

ZONES = ["", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Denver"]
NUMBERS = {"+13055550177": "FL", "+14055550100": "OK", "+14105550100": "MD",
           "+13125550199": "IL", "+18055550142": "CA"}  # fmt: skip
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

lead_spec = st.fixed_dictionaries(
    {
        "zone": st.sampled_from(ZONES),
        "number": st.sampled_from(sorted(NUMBERS)),
        "sms_consent": st.sampled_from([ConsentStatus.GRANTED] * 3 + [None, ConsentStatus.REVOKED]),
        "email": st.sampled_from([True, True, True, False]),
        "suppress_phone_at": st.one_of(st.none(), st.integers(0, 30 * 24)),
        "suppress_email_at": st.one_of(st.none(), st.integers(0, 30 * 24)),
    }
)
world = st.fixed_dictionaries(
    {
        "practice_zone": st.sampled_from(ZONES[1:]),
        "practice_state": st.sampled_from(["", "FL", "CA", "IL"]),
        "days": st.sets(st.integers(0, 6), min_size=1),
        "from_hour": st.integers(6, 11),
        "until_hour": st.integers(15, 22),
        "per_day": st.integers(1, 2),
        "per_week": st.integers(2, 4),
        "holdout": st.integers(0, 40),
        "leads": st.lists(lead_spec, min_size=2, max_size=5),
        # Hours after the start at which a worker runs: irregular clocks, gaps, bursts.
        "ticks": st.lists(st.integers(0, 35 * 24), min_size=20, max_size=60),
    }
)


class EngineProperties(HypothesisTestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(world)
    def test_every_send_obeys_the_rules(self, w):
        agency = Agency.objects.create(name="A", slug="a")
        practice = Practice.objects.create(
            agency=agency, slug="p", name="P", timezone=w["practice_zone"],
            state=w["practice_state"], send_days=",".join(map(str, sorted(w["days"]))),
            send_from_hour=w["from_hour"], send_until_hour=w["until_hour"],
            max_touches_per_day=w["per_day"], max_touches_per_week=w["per_week"],
        )  # fmt: skip
        suppressions = []
        for i, spec in enumerate(w["leads"]):
            lead = Lead.objects.create(
                practice=practice, first_name=f"L{i}", estimated_value=9000,
                last_contact_at=START - timedelta(days=200),
            )  # fmt: skip
            phone = ContactPoint.objects.create(
                practice=practice, lead=lead, kind=ContactKind.PHONE, value=spec["number"],
                line_type=LineType.MOBILE, timezone=spec["zone"], validity="valid",
            )  # fmt: skip
            if spec["sms_consent"]:
                Consent.objects.create(
                    practice=practice, contact_point=phone, channel=Channel.SMS,
                    status=spec["sms_consent"], recorded_at=START,
                )  # fmt: skip
            if spec["email"]:
                ContactPoint.objects.create(
                    practice=practice, lead=lead, kind=ContactKind.EMAIL,
                    value=f"l{i}@example.com", validity="valid",
                )  # fmt: skip
            if spec["suppress_phone_at"] is not None:
                suppressions.append((spec["suppress_phone_at"], ContactKind.PHONE, spec["number"]))
            if spec["email"] and spec["suppress_email_at"] is not None:
                suppressions.append(
                    (spec["suppress_email_at"], ContactKind.EMAIL, f"l{i}@example.com")
                )
        segment = Segment.objects.create(practice=practice, name="All", definition={})
        campaign = campaign_create(
            practice=practice, name="C", segment=segment, sequence=starter_sequence(practice),
            holdout_percent=w["holdout"], actor=None)  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=START)
        suppressed_at = {}
        for tick in sorted(w["ticks"]):
            now = START + timedelta(hours=tick)
            for hours, kind, value in suppressions:
                if hours <= tick and (kind, value) not in suppressed_at:
                    Suppression.objects.create(
                        practice=practice, kind=kind, value=value, reason="opt_out"
                    )
                    suppressed_at[(kind, value)] = now
            while run_due(now).claimed:
                pass

        holdout = set(
            Enrollment.objects.filter(status=EnrollmentStatus.HOLDOUT).values_list(
                "lead_id", flat=True
            )
        )
        sent = list(
            OutboundMessage.objects.filter(status=OutboundStatus.SENT).select_related("lead")
        )
        event(f"sent {min(len(sent), 20) // 5 * 5}+")
        by_lead = {}
        for message in sent:
            self.assertNotIn(message.lead_id, holdout)
            by_lead.setdefault(message.lead_id, []).append(message.sent_at)
            kind = ContactKind.EMAIL if message.channel == Channel.EMAIL else ContactKind.PHONE
            if message.channel in (Channel.EMAIL, Channel.SMS, Channel.CALL):
                blocked_from = suppressed_at.get((kind, message.to_value))
                self.assertTrue(blocked_from is None or message.sent_at < blocked_from)
            if message.channel == Channel.SMS:
                spec = w["leads"][int(message.lead.first_name[1:])]
                self.assertEqual(spec["sms_consent"], ConsentStatus.GRANTED)
            self.assert_in_hours(w, practice, message)
        for times in by_lead.values():
            times.sort()
            for t in times:
                day = [x for x in times if t - timedelta(days=1) < x <= t]
                week = [x for x in times if t - timedelta(days=7) < x <= t]
                self.assertLessEqual(len(day), w["per_day"])
                self.assertLessEqual(len(week), w["per_week"])

    def assert_in_hours(self, w, practice, message):
        if message.channel == Channel.LETTER:
            return
        spec = w["leads"][int(message.lead.first_name[1:])]
        zone = (spec["zone"] if message.channel != Channel.EMAIL else "") or practice.timezone
        local = message.sent_at.astimezone(ZoneInfo(zone))
        low, high = practice.send_from_hour, practice.send_until_hour
        if message.channel in (Channel.SMS, Channel.CALL):
            state = NUMBERS[spec["number"]] if spec["zone"] else None
            strict = state is None or state in ("FL", "OK", "MD")
            low, high = max(low, 8), min(high, 20 if strict else 21)
        self.assertIn(local.weekday(), w["days"])
        self.assertTrue(low <= local.hour < high, f"{message.channel} at {local}")
