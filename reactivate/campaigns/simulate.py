"""A forecast before launch: what goes out, when, what comes back, and the staff time.

Each lead walks the sequence on paper the way the engine will: each step falls due after its
wait, skips leads below its value floor or at other stages, and asks the send-time gate
(can_contact: consent, suppression, quiet hours in the recipient's time, the practice's window
and caps, counting the forecast's own earlier touches) when it may go. One walk feeds the
day-by-day sends and "what goes out first". Large audiences walk an even sample of
WALK_LIMIT leads and scale the counts. Rates come from the practice's own history when it has
enough (messages out and replies in), else from the seed's bands, and the forecast says which.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from reactivate.campaigns.decide import after_wait, has_valid_phone
from reactivate.campaigns.models import Campaign, CampaignStatus, Enrollment, EnrollmentStatus
from reactivate.leads.choices import InteractionKind
from reactivate.leads.consent import can_contact, known_for
from reactivate.leads.models import Interaction, Lead
from reactivate.segments.cadence import eligible_q
from reactivate.segments.definitions import segment_leads

SEED_RESPONSE = (0.10, 0.25)
SEED_REACTIVATION = (0.30, 0.50)
MIN_HISTORY = 200  # messages out before the practice's own reply rate is used
MINUTES_PER_CALL = 6
MINUTES_PER_REPLY = 10
TODAY_SAMPLE = 50
DAY_STYLE = "%a %d %b"  # one date style on every forecast: "Tue 02 Jun"
TIME_STYLE = DAY_STYLE + " %H:%M"
WALK_LIMIT = 2000  # leads walked through the gate; larger audiences are sampled evenly


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
    walked = leads[:: max(1, -(-len(leads) // WALK_LIMIT))]
    scale = len(leads) / len(walked) if walked else 1.0
    zone = ZoneInfo(campaign.practice.timezone)
    start_day = timezone.localdate(now, zone)
    known = known_for([lead.pk for lead in walked], practices=[campaign.practice_id])
    per_day: dict[int, Counter] = defaultdict(Counter)
    first_sends = []
    for lead in walked:
        lead.practice = campaign.practice
        sends = walk(lead, steps, now, known)
        for when, channel, *_ in sends:
            per_day[(timezone.localdate(when, zone) - start_day).days][channel] += 1
        if len(first_sends) < TODAY_SAMPLE:
            first_sends.append((lead, sends[0] if sends else None))
    per_day = {
        day: Counter({c: round(n * scale) for c, n in counts.items()})
        for day, counts in per_day.items()
    }
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
    today = [_first_send(campaign, lead, send) for lead, send in first_sends]
    return {
        "campaign": campaign.name,
        "leads": n,
        "days": [
            {
                "day": (start + timedelta(days=d)).isoformat(),
                "label": (start + timedelta(days=d)).strftime(DAY_STYLE),
                "sends": dict(per_day[d]),
                "total": sum(per_day[d].values()),
            }
            for d in sorted(per_day)
        ],
        "sends_by_channel": dict(sum(per_day.values(), Counter())),
        "expected_replies": replies,
        "expected_reactivated": reactivated,
        "expected_pipeline": [round(x * average, 2) for x in reactivated],
        "staff_hours": staff_hours,
        "basis": basis,
        "today": today,
        "first": _grouped(today),
        "peak": max((sum(c.values()) for c in per_day.values()), default=0),
    }


def _grouped(today: list[dict]) -> list[dict]:
    """What goes out first, one line per moment, channel and reason (not one per lead)."""
    groups = Counter((t["sort"], t["local_time"], t["channel"], t["reason"]) for t in today)
    return [
        {"count": n, "local_time": when, "channel": channel, "reason": reason}
        for (_, when, channel, reason), n in sorted(groups.items(), key=lambda g: g[0][0] or "~")
    ]


def walk(lead: Lead, steps, now: datetime, known) -> list[tuple[datetime, str, str, str]]:
    """(when, channel, why it waited, the recipient's time zone) of each message the engine
    would send this lead if it never replied: each step falls due after its wait from the
    previous send, and the gate moves it."""
    sends: list[tuple[datetime, str, str, str]] = []
    touches: list[datetime] = []
    moment = now
    for step in steps:
        due = after_wait(moment, step, lead.practice)
        moment = due
        if step.stages and lead.stage not in step.stages:
            continue
        if step.min_value is not None and (lead.estimated_value or 0) < step.min_value:
            continue
        if step.needs_phone and not has_valid_phone(lead, known):
            continue
        decision = can_contact(lead, step.channel, due, touches=touches, known=known)
        if not decision.allowed and decision.retry_at is None:
            continue  # no usable contact point for this channel: the engine skips the step
        when = due if decision.allowed else decision.retry_at
        reason = "" if decision.allowed else decision.reason
        sends.append((when, step.channel, reason, decision.zone))
        touches.append(when)
        moment = when
    return sends


def _first_send(campaign: Campaign, lead: Lead, send) -> dict:
    when, channel, reason, zone = send or (None, "", "no channel can reach this lead", "")
    zone = ZoneInfo(zone or campaign.practice.timezone)
    return {
        "lead": lead.full_name or f"Lead {lead.pk}",
        "channel": channel,
        "local_time": when.astimezone(zone).strftime(TIME_STYLE) if when else None,
        "sort": when.isoformat() if when else None,
        "reason": reason,
    }
