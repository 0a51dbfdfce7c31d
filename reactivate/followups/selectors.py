"""Reads of follow-up work, always within one practice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from statistics import median
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from reactivate.followups.models import ANSWER_KINDS, CallTask, FollowUp, Notification, TaskStatus
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Interaction
from reactivate.tenancy.models import Practice

HISTORY = 8  # timeline entries shown beside a call: enough to pick up the thread
WORKLIST_ROWS = 200  # a day's work; the rest is counted, not drawn


def open_calls(practice: Practice) -> QuerySet[CallTask]:
    """Calls to make, soonest first; none to a person who has asked not to be contacted."""
    return (
        CallTask.objects.filter(practice=practice, status=TaskStatus.OPEN)
        .exclude(lead__status=LeadStatus.DO_NOT_CONTACT)
        .select_related("lead")
    )


def recent_calls(practice: Practice, limit: int = 20) -> QuerySet[CallTask]:
    return (
        CallTask.objects.filter(practice=practice, status=TaskStatus.DONE)
        .select_related("lead", "done_by")
        .order_by("-done_at")[:limit]
    )


def call_history(task: CallTask) -> list[Interaction]:
    return list(
        Interaction.objects.filter(practice_id=task.practice_id, lead_id=task.lead_id)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:HISTORY]
    )


def open_followups(practice: Practice) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(practice=practice, status=TaskStatus.OPEN)
        .select_related("lead", "assignee")
        .order_by("due_at", "id")
    )


def unread_alerts(user, practice: Practice) -> int:
    return Notification.objects.filter(user=user, practice=practice, read_at__isnull=True).count()


@dataclass
class WorkItem:
    """One row of the worklist: a follow-up or a call, with what the row needs to show."""

    ref: str  # "f12" or "c5": the two kinds of task share one list
    pk: int
    kind: str
    kind_label: str
    lead: object | None
    due_at: datetime
    assignee: object | None
    reason: str
    source: str
    answer: bool  # a reply to answer: the SLA, escalation and speed to human apply
    escalated: bool = False
    received_at: datetime | None = None

    @property
    def priority(self) -> float:
        return (self.lead.priority or 0.0) if self.lead is not None else 0.0


@dataclass
class Worklist:
    items: list[WorkItem]
    total: int
    later: int  # open tasks due after the horizon (a check-back in March), not shown


def worklist(
    practice: Practice, *, user=None, mine: bool = False, unassigned: bool = False,
    kind: str = "", source: str = "", now: datetime | None = None, limit: int = WORKLIST_ROWS,
) -> Worklist:  # fmt: skip
    """Every open task of the practice ordered by when it is due, then the lead's priority:
    replies to answer whenever they are due, and the rest (calls, check-backs, snoozed leads)
    once they are due by the end of today in the practice's time zone."""
    now = now or timezone.now()
    horizon = _end_of_day(practice, now)
    followups = FollowUp.objects.filter(practice=practice, status=TaskStatus.OPEN)
    calls = CallTask.objects.filter(practice=practice, status=TaskStatus.OPEN).exclude(
        lead__status=LeadStatus.DO_NOT_CONTACT
    )
    if mine and user is not None:
        followups, calls = followups.filter(assignee=user), calls.filter(assignee=user)
    if unassigned:
        followups, calls = (
            followups.filter(assignee__isnull=True),
            calls.filter(assignee__isnull=True),
        )
    if source:
        followups, calls = followups.filter(source=source), calls.filter(source=source)
    if kind == "call":
        followups = followups.none()
    elif kind:
        followups, calls = followups.filter(kind=kind), calls.none()
    due = Q(kind__in=ANSWER_KINDS) | Q(due_at__lte=horizon)
    later = followups.exclude(due).count() + calls.filter(due_at__gt=horizon).count()
    items = [_followup_item(f) for f in followups.filter(due).select_related(
        "lead", "assignee").order_by("due_at", "id")[:limit]]  # fmt: skip
    items += [_call_item(c) for c in calls.filter(due_at__lte=horizon).select_related(
        "lead", "assignee").order_by("due_at", "id")[:limit]]  # fmt: skip
    total = followups.filter(due).count() + calls.filter(due_at__lte=horizon).count()
    # Due first; of two due at the same minute, the lead worth more.
    items.sort(key=lambda i: (i.due_at.replace(second=0, microsecond=0), -i.priority, i.ref))
    return Worklist(items[:limit], total, later)


def _followup_item(f: FollowUp) -> WorkItem:
    return WorkItem(
        ref=f"f{f.pk}", pk=f.pk, kind=f.kind, kind_label=f.get_kind_display(), lead=f.lead,
        due_at=f.due_at, assignee=f.assignee, reason=f.reason, source=f.source,
        answer=f.kind in ANSWER_KINDS, escalated=f.escalated_at is not None,
        received_at=f.received_at,
    )  # fmt: skip


def _call_item(c: CallTask) -> WorkItem:
    return WorkItem(
        ref=f"c{c.pk}", pk=c.pk, kind="call", kind_label="Call", lead=c.lead, due_at=c.due_at,
        assignee=c.assignee, reason=f"call {c.phone}", source=c.source, answer=False,
    )  # fmt: skip


def _end_of_day(practice: Practice, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(practice.timezone))
    return datetime.combine(local.date(), time.max, ZoneInfo(practice.timezone))


@dataclass
class Speed:
    """Minutes from a person's reply to the first human action on it."""

    median: float | None
    answered: int  # replies acted on in the period
    per_user: list[tuple[str, float, int]]  # (name, median minutes, replies)
    waiting: int  # replies no one has acted on yet


def speed_to_human(
    practice: Practice, *, since: datetime | None = None, sources: list[str] | None = None
) -> Speed:
    """Over the follow-ups that answer a reply (a yes, a changed situation, one to read);
    ``sources`` keeps those from some campaigns only (``campaign-12``)."""
    rows = FollowUp.objects.filter(
        practice=practice, kind__in=ANSWER_KINDS, received_at__isnull=False,
        first_action_at__isnull=False,
    )  # fmt: skip
    if since is not None:
        rows = rows.filter(received_at__gte=since)
    if sources is not None:
        rows = rows.filter(source__in=sources)
    by_user: dict[str, list[float]] = defaultdict(list)
    every: list[float] = []
    for received, acted, username, first, last in rows.values_list(
        "received_at", "first_action_at", "first_action_by__username",
        "first_action_by__first_name", "first_action_by__last_name",
    ):  # fmt: skip
        minutes = max(0.0, (acted - received).total_seconds() / 60)
        every.append(minutes)
        by_user[f"{first} {last}".strip() or username or "someone"].append(minutes)
    waiting = FollowUp.objects.filter(
        practice=practice, kind__in=ANSWER_KINDS, status=TaskStatus.OPEN,
        first_action_at__isnull=True,
    ).count()  # fmt: skip
    per_user = sorted(
        ((name, round(median(values), 1), len(values)) for name, values in by_user.items()),
        key=lambda row: row[1],
    )
    return Speed(round(median(every), 1) if every else None, len(every), per_user, waiting)
