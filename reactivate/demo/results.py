"""The demo's finished campaign: a 400-lead autumn pilot with its holdout, four months ago,
so the dashboard has figures worth reading on first login — a response rate, leads back in
conversation, bookings and wins, a cost per reactivated lead, and a lift with its interval.

Sends go through the real engine and sandbox channel, replies through channels.inbound and
the reader, bookings through the workspace's services, as in activity.py. The services
stamp what they write with the present moment; the dates of replies handled and bookings
are then moved back to when they would have happened, which is the one thing the demo
plays rather than does. Random draws are seeded: every demo database is the same.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Campaign
from reactivate.campaigns.sequences import sequence_create, step_add
from reactivate.campaigns.services import campaign_create, campaign_launch
from reactivate.channels.inbound import Incoming, receive
from reactivate.channels.models import OutboundMessage
from reactivate.demo.activity import provider_reports
from reactivate.followups.models import FollowUp, TaskStatus
from reactivate.followups.work import followup_finish, followups_touch
from reactivate.leads.choices import LeadStatus, OpportunityStage
from reactivate.leads.models import Lead, Opportunity
from reactivate.messaging.models import MessageTemplate
from reactivate.metrics.services import cost_add
from reactivate.replies.services import reply_take
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice
from reactivate.workspace.booking import consultation_book, opportunity_move
from reactivate.workspace.notes import lead_requalify

NAME = "Autumn reactivation"
STEPS = [("email", "email-1", 0), ("sms", "sms-1", 3), ("email", "email-2", 4)]
DAYS_AGO = 125
# What people wrote back, by how often (of those who answered) and in their own words.
ANSWERS = [
    (0.36, ["Yes, I'd like to come in. Do you have anything next week?",
            "Hi! Yes please, I've been meaning to call you.", "Yes, that would be great",
            "Sure, can someone call me to set up a time?"]),
    (0.18, ["Not right now, maybe after the new year", "Check back with me in the spring",
            "I'm busy until March, try me then"]),
    (0.20, ["No thanks, I had it done elsewhere", "Not interested anymore, thank you",
            "We decided not to go ahead"]),
    (0.09, ["I changed jobs and have new insurance now, does that change the price?",
            "We moved across town, is it still worth coming in?"]),
    (0.10, ["Please take me off your list", "unsubscribe"]),
    (0.07, ["I am out of the office until Monday and will reply when I return."]),
]  # fmt: skip
RESPOND = 0.16  # of the treated leads reached (the seed's healthy 10-25%)
HOLDOUT_BOOKS = 0.04  # held-out leads who booked on their own


def demo_results(practice: Practice, *, username: str) -> str:
    if Campaign.objects.filter(practice=practice, name=NAME).exists():
        return f"Finished campaign '{NAME}' kept."
    coordinator = get_user_model().objects.get(username=username)
    draw = random.Random(2026)
    campaign, start = _launch(practice, coordinator)
    zone = ZoneInfo(practice.timezone)
    for back in range(DAYS_AGO, DAYS_AGO - 14, -1):
        day = (timezone.now() - timedelta(days=back)).astimezone(zone).date()
        if day.weekday() < 5:
            run_due(datetime.combine(day, time(10, 30), zone))
    provider_reports(practice, f"campaign-{campaign.pk}")
    replied = _answers(practice, campaign, coordinator, draw)
    booked = _holdout_bookings(practice, campaign, coordinator, draw, start)
    wins = _new_lead_wins(practice, draw)
    cost_add(practice=practice, actor=coordinator, campaign=campaign,
             description="List cleaning before the pilot", amount=120,
             incurred_on=start.date())  # fmt: skip
    return (f"Finished campaign '{NAME}': {replied} replies worked, {booked} held-out leads "
            f"who booked on their own, {wins} new leads' won cases to compare; figures on the "
            "Dashboard.")  # fmt: skip


def _launch(practice: Practice, coordinator) -> tuple[Campaign, datetime]:
    sequence = sequence_create(practice=practice, name=f"{NAME}: email and text", actor=None)
    for channel, step, wait in STEPS:
        template = MessageTemplate.objects.get(
            practice=practice, step=step, language="en", dormancy_reason=""
        )
        step_add(sequence=sequence, actor=None, channel=channel, template=template, wait=wait,
                 wait_unit="days")  # fmt: skip
    segment, _ = Segment.objects.get_or_create(
        practice=practice, name="Early-stage leads",
        defaults={"definition": {"statuses": ["stalled"], "stages": ["form", "info_request"]}},
    )  # fmt: skip
    campaign = campaign_create(
        practice=practice, name=NAME, segment=segment, sequence=sequence, actor=None,
        pilot_size=400, holdout_percent=20, sender_name=coordinator.first_name or "The team",
    )  # fmt: skip
    start = timezone.now() - timedelta(days=DAYS_AGO + 1)
    campaign_launch(campaign=campaign, actor=None, now=start)
    return campaign, start


def _answers(practice: Practice, campaign: Campaign, coordinator, draw: random.Random) -> int:
    """Replies by email to the first message, read and acted on as the team would."""
    firsts = list(
        OutboundMessage.objects.filter(practice=practice, source=f"campaign-{campaign.pk}",
                                       channel="email", status="sent")
        .order_by("lead_id", "sent_at").distinct()
        .values_list("lead_id", "to_value", "sent_at", "pk")
    )  # fmt: skip
    seen, count = set(), 0
    for lead_id, address, sent_at, pk in firsts:
        if lead_id in seen or draw.random() >= RESPOND:
            seen.add(lead_id)
            continue
        seen.add(lead_id)
        weights, texts = zip(*ANSWERS, strict=True)
        words = draw.choice(draw.choices(texts, weights=weights)[0])
        at = sent_at + timedelta(minutes=draw.randint(40, 3 * 24 * 60))
        stored, _ = receive(Incoming(
            channel="email", provider="sandbox", provider_id=f"demo-autumn-{pk}",
            from_value=address, subject="Re: checking in", body=words, practice_id=practice.pk,
            received_at=at, raw={"demo": True},
        ))  # fmt: skip
        reply = reply_take(stored)
        if reply is not None and reply.lead is not None:
            _work(reply, coordinator, draw, at)
            count += 1
    return count


def _work(reply, coordinator, draw: random.Random, at: datetime) -> None:
    """The coordinator's answer: within the hour for most, a booking for most yeses, some
    booked cases won three to six weeks later; changed situations re-qualified."""
    lead = Lead.objects.get(pk=reply.lead_id)
    acted = at + timedelta(minutes=draw.randint(8, 95))
    followups_touch(lead=lead, actor=coordinator, at=acted)
    if reply.label == "changed" and draw.random() < 0.6:
        lead = lead_requalify(lead=lead, actor=coordinator, note="still interested")
    if (reply.label == "positive" and draw.random() < 0.75) or (
        lead.status == LeadStatus.REACTIVATED and draw.random() < 0.5
    ):
        _book(lead, coordinator, draw, acted)
    for followup in FollowUp.objects.filter(
        lead=lead, status=TaskStatus.OPEN, kind__in=("reply", "requalify", "triage")
    ):
        followup_finish(followup=followup, actor=coordinator, note="answered (demo)")
    FollowUp.objects.filter(lead=lead, done_at__isnull=False).update(done_at=acted)


def _book(lead: Lead, coordinator, draw: random.Random, at: datetime) -> None:
    when = at + timedelta(days=draw.randint(3, 10))
    opportunity, _ = consultation_book(lead=lead, actor=coordinator, when=when)
    outcome = draw.random()
    closed = None
    if outcome < 0.45:
        opportunity_move(opportunity=opportunity, stage=OpportunityStage.WON, actor=coordinator)
        closed = when + timedelta(days=draw.randint(14, 40))
    elif outcome < 0.65:
        opportunity_move(opportunity=opportunity, stage=OpportunityStage.LOST, actor=coordinator)
        closed = when + timedelta(days=draw.randint(1, 10))
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=at, closed_at=closed)


def _holdout_bookings(practice, campaign, coordinator, draw: random.Random, start) -> int:
    held = list(campaign.enrollments.filter(status="holdout").select_related("lead"))
    chosen = [e.lead for e in held if draw.random() < HOLDOUT_BOOKS]
    for lead in chosen:
        _book(lead, coordinator, draw, start + timedelta(days=draw.randint(5, 60)))
    return len(chosen)


def _new_lead_wins(practice: Practice, draw: random.Random) -> int:
    """The practice's history before the program: the generated list's converted leads won
    their case two to ten weeks after they inquired, so the dashboard has the new-lead time
    to conversion to set beside the reactivated leads'. It is the CRM's past, imported as
    it stands, so it is written as records rather than played through the workspace."""
    converted = Lead.objects.filter(
        practice=practice, status=LeadStatus.CONVERTED, inquired_at__isnull=False,
        opportunities__isnull=True,
    ).order_by("pk")  # fmt: skip
    wins = []
    for lead in converted:
        closed = lead.inquired_at + timedelta(days=draw.randint(14, 70))
        wins.append(Opportunity(
            practice=practice, lead=lead, treatment=lead.treatment, stage=OpportunityStage.WON,
            value=lead.estimated_value or 0, consultation_at=closed - timedelta(days=10),
            closed_at=closed,
        ))  # fmt: skip
    made = Opportunity.objects.bulk_create(wins)
    # created_at is stamped on insert; the consultation is when the opportunity opened.
    for opportunity in made:
        opportunity.created_at = opportunity.consultation_at
    Opportunity.objects.bulk_update(made, ["created_at"], batch_size=500)
    return len(made)
