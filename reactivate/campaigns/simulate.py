"""A forecast before launch: what goes out, when, what comes back, and the staff time.

Each lead walks the sequence on paper: the steps' waits, the value floor on letters, and the
channels its reach allows. Rates come from the practice's own history when it has enough
(messages out and replies in), else from the seed's bands, and the forecast says which.
Gate deferrals (quiet hours, caps) can move a send by a day; the day-by-day figures do not
model that, and "what goes out today" asks the gate itself for each message's local time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from reactivate.campaigns.models import Campaign, CampaignStatus, Enrollment, EnrollmentStatus
from reactivate.leads.choices import Channel, InteractionKind
from reactivate.leads.consent import can_contact
from reactivate.leads.models import Interaction, Lead
from reactivate.segments.cadence import eligible_q
from reactivate.segments.definitions import segment_leads
from reactivate.segments.reach import CAN

SEED_RESPONSE = (0.10, 0.25)
SEED_REACTIVATION = (0.30, 0.50)
MIN_HISTORY = 200  # messages out before the practice's own reply rate is used
MINUTES_PER_CALL = 6
MINUTES_PER_REPLY = 10
TODAY_SAMPLE = 50


def _audience(campaign: Campaign, now: datetime) -> list[Lead]:
    if campaign.status != CampaignStatus.DRAFT:
        ids = campaign.enrollments.filter(
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING]
        ).values_list("lead_id", flat=True)
        return list(Lead.objects.filter(pk__in=list(ids)))
    practice = campaign.practice
    taken = Enrollment.objects.filter(
        practice=practice, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING]
    ).values_list("lead_id", flat=True)
    leads = (
        segment_leads(practice, campaign.segment.definition, now)
        .filter(eligible_q(practice, now))
        .exclude(pk__in=taken)
    )
    contacted = round(leads.count() * (100 - campaign.holdout_percent) / 100)
    if campaign.pilot_size:
        contacted = min(contacted, campaign.pilot_size)
    return list(leads[:contacted])


def _rates(practice) -> tuple[tuple[float, float], str]:
    sent = Interaction.objects.filter(practice=practice, kind=InteractionKind.MESSAGE_OUT)
    out = sent.values("lead_id").distinct().count()
    if out >= MIN_HISTORY:
        replied = (
            Interaction.objects.filter(practice=practice, kind=InteractionKind.MESSAGE_IN)
            .values("lead_id")
            .distinct()
            .count()
        )
        rate = replied / out
        return (rate * 0.8, min(1.0, rate * 1.2)), f"this practice's own reply rate ({rate:.0%})"
    return SEED_RESPONSE, "the seed's bands (10-25% respond); no history of your own yet"


def simulate(campaign: Campaign, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    steps = list(campaign.sequence.steps.all())
    leads = _audience(campaign, now)
    per_day: dict[int, Counter] = defaultdict(Counter)
    from reactivate.campaigns.engine import after_wait

    start_day = timezone.localdate(now, ZoneInfo(campaign.practice.timezone))
    for lead in leads:
        moment = now
        for step in steps:
            moment = after_wait(moment, step, campaign.practice)
            day = (
                timezone.localdate(moment, ZoneInfo(campaign.practice.timezone)) - start_day
            ).days
            if step.stages and lead.stage not in step.stages:
                continue
            if step.min_value is not None and (lead.estimated_value or 0) < step.min_value:
                continue
            if lead.reach is not None and not lead.reach & CAN[Channel(step.channel)]:
                continue
            per_day[day][step.channel] += 1
    response, basis = _rates(campaign.practice)
    n = len(leads)
    replies = [round(n * r) for r in response]
    reactivated = [
        round(n * response[0] * SEED_REACTIVATION[0]),
        round(n * response[1] * SEED_REACTIVATION[1]),
    ]
    values = [float(lead.estimated_value) for lead in leads if lead.estimated_value]
    average = sum(values) / len(values) if values else 0.0
    calls = sum(c["call"] for c in per_day.values())
    staff_hours = [
        round((calls * MINUTES_PER_CALL + r * MINUTES_PER_REPLY) / 60, 1) for r in replies
    ]
    start = timezone.localdate(now, ZoneInfo(campaign.practice.timezone))
    return {
        "campaign": campaign.name,
        "leads": n,
        "days": [
            {"day": (start + timedelta(days=d)).isoformat(), "sends": dict(per_day[d])}
            for d in sorted(per_day)
        ],
        "sends_by_channel": dict(sum(per_day.values(), Counter())),
        "expected_replies": replies,
        "expected_reactivated": reactivated,
        "expected_pipeline": [round(x * average, 2) for x in reactivated],
        "staff_hours": staff_hours,
        "basis": basis,
        "today": today(campaign, leads, steps, now),
    }


def today(campaign: Campaign, leads: list[Lead], steps, now: datetime) -> list[dict]:
    """The first step for a sample of leads, with the local time the gate would let it go."""
    if not steps:
        return []
    first = steps[0]
    out = []
    for lead in leads[:TODAY_SAMPLE]:
        decision = can_contact(lead, first.channel, now)
        when = now if decision.allowed else decision.retry_at
        out.append(
            {
                "lead": lead.full_name or f"Lead {lead.pk}",
                "channel": first.channel,
                "local_time": when.astimezone(
                    ZoneInfo(decision.zone or campaign.practice.timezone)
                ).strftime("%a %d %b %H:%M")
                if when
                else None,
                "reason": "" if decision.allowed else decision.reason,
            }
        )
    return out
