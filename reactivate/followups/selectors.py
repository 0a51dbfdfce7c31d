"""Reads of follow-up work, always within one practice."""

from __future__ import annotations

from django.db.models import QuerySet

from reactivate.followups.models import CallTask, FollowUp, Notification, TaskStatus
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Interaction
from reactivate.tenancy.models import Practice

HISTORY = 8  # timeline entries shown beside a call: enough to pick up the thread


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
