"""What the program did to each lead and what came back, read once per report.

Every figure in definitions.py is a function of these facts, so the dashboard, the command
and the CSV cannot disagree. The reads are grouped in the database: their cost grows with the
leads the program touched and the replies they sent, not with the size of the list or of the
timeline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Min, Q

from reactivate.campaigns.models import Campaign, Enrollment, EnrollmentStatus
from reactivate.campaigns.selectors import campaign_source
from reactivate.channels.models import BatchStatus, Letter, OutboundMessage, OutboundStatus
from reactivate.followups.models import CallOutcome, CallTask, TaskStatus
from reactivate.leads.models import Opportunity
from reactivate.replies.models import Reply
from reactivate.tenancy.models import Practice

# Replies a person wrote: an out-of-office or a stranger at the number is not a response.
NOT_HUMAN = ("auto_reply", "wrong_contact")
# A call that reached the person or their voicemail went out; no answer did not.
CALL_TOUCHES = (CallOutcome.CONNECTED, CallOutcome.VOICEMAIL)
LEAD_COLUMNS = ("lead_id", "lead__status", "lead__dormancy_reason", "lead__cycle_count")


@dataclass
class Touched:
    """One contacted lead."""

    first_touch: datetime
    channel: str  # the channel of the first touch
    status: str
    dormancy: str
    cycle: int
    channels: set[str] = field(default_factory=set)


@dataclass
class Facts:
    practice: Practice
    campaigns: list[Campaign]
    touched: dict[int, Touched]
    sent: dict[str, int]  # touches by channel: emails, texts, letters, call attempts
    replies: dict[int, list[tuple[datetime, str, str]]]  # lead → (received, label, channel)
    picked_up: dict[int, datetime]  # lead → first connected call
    opportunities: dict[int, list[tuple[datetime, Decimal, str, datetime | None]]]
    enrollments: list[tuple[int, str, datetime, str]]  # lead, status, enrolled_at, lead status
    steps: dict[int, list[tuple[datetime, int]]]  # responder → (sent_at, step number)


def sources(practice: Practice, campaigns: list[Campaign] | None) -> Q:
    """The outbox rows (and tasks, letters) that belong to the program, or to these campaigns;
    a practice's hand answers, alerts and keyword confirmations are not the program."""
    if campaigns is None:
        return Q(source__startswith="campaign-")
    return Q(source__in=[campaign_source(c.pk) for c in campaigns])


def load(practice: Practice, campaigns: list[Campaign] | None = None) -> Facts:
    """The facts for the whole program (campaigns None) or for some of its campaigns."""
    scope = sources(practice, campaigns)
    touched: dict[int, Touched] = {}
    sent: dict[str, int] = defaultdict(int)
    messages = (
        OutboundMessage.objects.filter(
            scope, practice=practice, status=OutboundStatus.SENT, lead_id__isnull=False
        )
        .values_list(*LEAD_COLUMNS, "channel")
        # A bounce was paid for but reached no one: it costs, and it is not a touch.
        .annotate(first=Min("sent_at", filter=~Q(delivery="bounced")), n=Count("id"))
        .order_by()
    )
    letters = (
        Letter.objects.filter(scope, practice=practice, batch__status=BatchStatus.MAILED)
        .values_list(*LEAD_COLUMNS)
        .annotate(first=Min("batch__mailed_at"), n=Count("id"))
        .order_by()
    )
    calls = (
        CallTask.objects.filter(scope, practice=practice, status=TaskStatus.DONE)
        .values_list(*LEAD_COLUMNS, "outcome")
        .annotate(first=Min("done_at"), n=Count("id"))
        .order_by()
    )
    picked_up: dict[int, datetime] = {}
    for lead, status, dormancy, cycle, channel, first, n in messages:
        if first is not None:
            _touch(touched, lead, status, dormancy, cycle, channel, first)
        sent[channel] += n
    for lead, status, dormancy, cycle, first, n in letters:
        _touch(touched, lead, status, dormancy, cycle, "letter", first)
        sent["letter"] += n
    for lead, status, dormancy, cycle, outcome, first, n in calls:
        sent["call"] += n  # every attempt took a person's minutes
        if outcome in CALL_TOUCHES:
            _touch(touched, lead, status, dormancy, cycle, "call", first)
        if outcome == CallOutcome.CONNECTED:
            picked_up[lead] = min(first, picked_up.get(lead, first))
    replies = _replies(practice)
    return Facts(
        practice=practice, campaigns=campaigns or [], touched=touched, sent=dict(sent),
        replies=replies, picked_up=picked_up, opportunities=_opportunities(practice),
        enrollments=_enrollments(practice, campaigns),
        steps=_steps(practice, scope, [lead for lead in replies if lead in touched]),
    )  # fmt: skip


def _touch(touched, lead, status, dormancy, cycle, channel, first) -> None:
    seen = touched.get(lead)
    if seen is None:
        touched[lead] = Touched(first, channel, status, dormancy, cycle, {channel})
        return
    seen.channels.add(channel)
    if first < seen.first_touch:
        seen.first_touch, seen.channel = first, channel


def _replies(practice: Practice) -> dict[int, list[tuple[datetime, str, str]]]:
    rows = defaultdict(list)
    for lead, received, label, channel in (
        Reply.objects.filter(practice=practice, lead_id__isnull=False)
        .exclude(label__in=NOT_HUMAN)
        .values_list("lead_id", "inbound__received_at", "label", "inbound__channel")
    ):
        rows[lead].append((received, label, channel))
    return rows


def _opportunities(practice: Practice) -> dict[int, list]:
    rows = defaultdict(list)
    for lead, created, value, stage, closed in Opportunity.objects.filter(
        practice=practice
    ).values_list("lead_id", "created_at", "value", "stage", "closed_at"):
        rows[lead].append((created, value, stage, closed))
    return rows


def _enrollments(practice: Practice, campaigns: list[Campaign] | None) -> list[tuple]:
    """Every enrolment that could have been contacted: launched campaigns' leads, held out or
    not (intention to treat: a treated lead the gate never reached still counts as treated)."""
    rows = Enrollment.objects.filter(practice=practice, campaign__launched_at__isnull=False)
    if campaigns is not None:
        rows = rows.filter(campaign__in=campaigns)
    return list(rows.values_list("lead_id", "status", "enrolled_at", "lead__status"))


def _steps(practice: Practice, scope: Q, leads: list[int]) -> dict[int, list]:
    """Each responder's campaign messages with their step, to credit the step that got the
    reply. Read only for leads who wrote back: a few percent of those contacted."""
    steps = defaultdict(list)
    for start in range(0, len(leads), 500):
        for lead, sent_at, key in OutboundMessage.objects.filter(
            scope, practice=practice, status=OutboundStatus.SENT,
            lead_id__in=leads[start : start + 500],
        ).values_list("lead_id", "sent_at", "idempotency_key"):  # fmt: skip
            steps[lead].append((sent_at, step_of(key)))
    return steps


def step_of(key: str) -> int:
    """The step number (from 1) in the engine's key `enrollment-12-step-0`."""
    _, _, position = key.rpartition("-step-")
    return int(position) + 1 if position.isdigit() else 0


HELD = EnrollmentStatus.HOLDOUT
