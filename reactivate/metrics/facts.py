"""What the program did to each lead and what came back, read once per report.

Every figure in definitions.py is a function of these facts, so the dashboard, the command
and the CSV cannot disagree. The reads are grouped in the database: their cost grows with the
leads the program touched and the replies they sent, not with the size of the list or of the
timeline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import CharField, Count, Min, Q, Sum

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
# The grouped timestamps come back as the database gives them: SQLite's text is read by
# datetime.fromisoformat below, several times faster than Django's converter on 400k rows.
RAW = CharField()
DOLLARS = Q(price_unit="USD")


def moment(value) -> datetime | None:
    """A timestamp from a grouped read: PostgreSQL's driver gives a datetime, SQLite text."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


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
    # channel → (messages the provider priced, in dollars, and what it billed for them)
    reported: dict[str, tuple[int, Decimal]]
    replies: dict[int, list[tuple[datetime, str, str]]]  # lead → (received, label, channel)
    picked_up: dict[int, datetime]  # lead → first connected call
    opportunities: dict[int, list[tuple[datetime, Decimal, str, datetime | None]]]
    arms: dict[bool, int]  # enrolments: treated (True) and held out (False)
    # Enrolments of leads with something that could count as coming back (a yes, a change,
    # a booking, a call picked up): (lead, held out, enrolled_at, lead status).
    candidates: list[tuple[int, bool, datetime, str]]
    # responder → (sent_at, step number, template version id) of each campaign message
    steps: dict[int, list[tuple[datetime, int, int | None]]]
    memo: dict = field(default_factory=dict, repr=False)  # definitions.py's figures, once

    def once(self, name: str, compute):
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]


def sources(practice: Practice, campaigns: list[Campaign] | None) -> Q:
    """The outbox rows (and tasks, letters) that belong to the program, or to these campaigns;
    a practice's hand answers, alerts and keyword confirmations are not the program."""
    if campaigns is None:
        return Q(source__startswith="campaign-")
    return Q(source__in=[campaign_source(c.pk) for c in campaigns])


def load(practice: Practice, campaigns: list[Campaign] | None = None) -> Facts:
    """The facts for the whole program (campaigns None) or for some of its campaigns."""
    return load_scopes(practice, {None: campaigns})[None]


def load_scopes(practice: Practice, scopes: dict) -> dict:
    """Facts for several scopes (key → campaigns, None for the whole program) from one read
    of each table: the dashboard's breakdowns by campaign and segment cost no more reads."""
    by_source: dict[str, list[tuple]] = defaultdict(list)
    for row in _touch_rows(practice):
        by_source[row[1]].append(row)
    replies, opportunities = _replies(practice), _opportunities(practice)
    arms, candidates = _enrollments(practice)
    steps = _steps(practice, list(replies))
    found, seen = {}, {}
    for key, campaigns in scopes.items():
        wanted = set(by_source) if campaigns is None else {campaign_source(c.pk) for c in campaigns}
        ids = None if campaigns is None else {c.pk for c in campaigns}
        chosen = frozenset(wanted & set(by_source))
        if chosen not in seen:  # a segment of one campaign is that campaign's touches
            seen[chosen] = _scope_touches([row for source in chosen for row in by_source[source]])
        touched, sent, picked_up, reported = seen[chosen]
        found[key] = Facts(
            practice=practice, campaigns=campaigns or [], touched=touched, sent=sent,
            reported=reported,
            replies=replies, picked_up=picked_up, opportunities=opportunities,
            arms={treated: sum(n for (c, held), n in arms.items() if held != treated and
                               (ids is None or c in ids)) for treated in (True, False)},
            candidates=[row[1:] for row in candidates if ids is None or row[0] in ids],
            steps={lead: [(at, step, version) for source, at, step, version in sent_steps
                          if source in wanted]
                   for lead, sent_steps in steps.items() if lead in touched},
        )  # fmt: skip
    return found


def _touch_rows(practice: Practice) -> list[tuple]:
    """(kind, source, lead, status, dormancy, cycle, channel or outcome, first, n, priced,
    billed), grouped in the database: one row per lead, campaign and channel."""
    scope = sources(practice, None)
    messages = (
        OutboundMessage.objects.filter(
            scope, practice=practice, status=OutboundStatus.SENT, lead_id__isnull=False
        )
        .values_list("source", *LEAD_COLUMNS, "channel")
        # A bounce was paid for but reached no one: it costs, and it is not a touch.
        .annotate(
            first=Min("sent_at", filter=~Q(delivery="bounced"), output_field=RAW),
            n=Count("id"),
            # What the provider billed, where it said, in the dollars the practice's own
            # prices are in; a message in another currency is costed at the practice's price.
            priced=Count("price", filter=DOLLARS),
            billed=Sum("price", filter=DOLLARS),
        )
        .order_by()
    )
    letters = (
        Letter.objects.filter(scope, practice=practice, batch__status=BatchStatus.MAILED)
        .values_list("source", *LEAD_COLUMNS)
        .annotate(first=Min("batch__mailed_at", output_field=RAW), n=Count("id"))
        .order_by()
    )
    calls = (
        CallTask.objects.filter(scope, practice=practice, status=TaskStatus.DONE)
        .values_list("source", *LEAD_COLUMNS, "outcome")
        .annotate(first=Min("done_at", output_field=RAW), n=Count("id"))
        .order_by()
    )
    unpriced = (0, None)  # letters and calls: no provider reports a price
    found = [("message", *row[:-4], moment(row[-4]), *row[-3:]) for row in messages]
    found += [("letter", *row[:5], "letter", moment(row[5]), row[6], *unpriced) for row in letters]
    found += [("call", *row[:-2], moment(row[-2]), row[-1], *unpriced) for row in calls]
    return found


def _scope_touches(rows: list[tuple]):
    touched: dict[int, Touched] = {}
    sent: dict[str, int] = defaultdict(int)
    picked_up: dict[int, datetime] = {}
    reported: dict[str, tuple[int, Decimal]] = {}
    for kind, _, lead, status, dormancy, cycle, what, first, n, priced, billed in rows:
        if kind == "call":
            sent["call"] += n  # every attempt took a person's minutes
            if what == CallOutcome.CONNECTED:
                picked_up[lead] = min(first, picked_up.get(lead, first))
            if what not in CALL_TOUCHES:
                continue
            what = "call"
        else:
            sent[what] += n
            if priced:
                count, total = reported.get(what, (0, Decimal(0)))
                reported[what] = (count + priced, total + billed)
        if first is not None:
            _touch(touched, lead, status, dormancy, cycle, what, first)
    return touched, dict(sent), picked_up, reported


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


def _enrollments(practice: Practice) -> tuple[dict, list[tuple]]:
    """Enrolments of launched campaigns by (campaign, held out), counted in the database, and
    the few that could have an outcome, read whole. Intention to treat: a treated lead the
    gate never reached still counts as treated."""
    launched = Enrollment.objects.filter(practice=practice, campaign__launched_at__isnull=False)
    arms: dict[tuple[int, bool], int] = defaultdict(int)
    for campaign, status, n in (
        launched.values_list("campaign_id", "status").annotate(n=Count("id")).order_by()
    ):
        arms[(campaign, status == HELD)] += n  # finished, stopped, active… are all treated
    hopeful = (
        Q(lead_id__in=Reply.objects.filter(practice=practice, label__in=("positive", "changed"))
          .values("lead_id"))
        | Q(lead_id__in=Opportunity.objects.filter(practice=practice).values("lead_id"))
        | Q(lead_id__in=CallTask.objects.filter(practice=practice, outcome=CallOutcome.CONNECTED)
            .values("lead_id"))
    )  # fmt: skip
    candidates = [
        (campaign, lead, status == HELD, enrolled, lead_status)
        for campaign, lead, status, enrolled, lead_status in launched.filter(hopeful)
        .values_list("campaign_id", "lead_id", "status", "enrolled_at", "lead__status")
    ]  # fmt: skip
    return arms, candidates


def _steps(practice: Practice, leads: list[int]) -> dict[int, list]:
    """Each responder's campaign messages with their step, to credit the step that got the
    reply. Read only for leads who wrote back: a few percent of those contacted."""
    steps = defaultdict(list)
    for start in range(0, len(leads), 500):
        # By lead alone, so the planner walks the lead index; the rest is checked here.
        for lead, practice_id, source, status, sent_at, key, version in (
            OutboundMessage.objects.filter(lead_id__in=leads[start : start + 500]).values_list(
                "lead_id", "practice_id", "source", "status", "sent_at", "idempotency_key",
                "template_version_id",
            )
        ):  # fmt: skip
            if (practice_id == practice.pk and status == OutboundStatus.SENT
                    and source.startswith("campaign-")):  # fmt: skip
                steps[lead].append((source, sent_at, step_of(key), version))
    return steps


def version_reach(practice: Practice, campaigns: list[Campaign] | None) -> list[tuple]:
    """(version id, template name, version number, leads it went to), for the breakdown by
    the wording sent; counted in the database."""
    return list(
        OutboundMessage.objects.filter(
            sources(practice, campaigns), practice=practice, status=OutboundStatus.SENT,
            template_version__isnull=False,
        )
        .values_list("template_version_id", "template_version__template__name",
                     "template_version__number")
        .annotate(leads=Count("lead_id", distinct=True))
        .order_by()
    )  # fmt: skip


def step_of(key: str) -> int:
    """The step number (from 1) in the engine's key `enrollment-12-step-0`."""
    _, _, position = key.rpartition("-step-")
    return int(position) + 1 if position.isdigit() else 0


HELD = EnrollmentStatus.HOLDOUT
