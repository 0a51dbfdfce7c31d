"""Who answers and by when: the practice's coordinators in turn, within the reply SLA counted
in the practice's working minutes (its sending window and days)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reactivate.followups.models import FollowUp, TaskStatus
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership, Practice

SLA_MINUTES = 15  # the seed: answer within minutes, not hours


def assignee_for(practice: Practice):
    """The coordinator with the fewest open follow-ups (the earliest joined on a tie); the
    owner or a manager when the practice has no coordinator. One query: it runs for every
    reply that needs a person."""
    load = (
        FollowUp.objects.filter(assignee=OuterRef("user_id"), practice=practice,
                                status=TaskStatus.OPEN)
        .order_by().values("assignee").annotate(n=Count("pk")).values("n")
    )  # fmt: skip
    # A count per person over the index of tasks by person and status (followup_load), not a
    # join through every task they ever had.
    members = (
        Membership.objects.filter(practice=practice, user__is_active=True,
                                  role__in=(Role.COORDINATOR, Role.OWNER, Role.MANAGER))
        .select_related("user")
        .annotate(load=Coalesce(Subquery(load), 0))
    )  # fmt: skip
    ranked = sorted(members, key=lambda m: (m.role != Role.COORDINATOR, m.load, m.user_id))
    return ranked[0].user if ranked else None


def due_within_sla(practice: Practice, received: datetime, minutes: int = SLA_MINUTES) -> datetime:
    """``minutes`` of the practice's working time after ``received``: a reply at night is due
    shortly after the practice opens."""
    zone = ZoneInfo(practice.timezone)
    moment = received.astimezone(zone)
    days = {int(d) for d in practice.send_days.split(",") if d.strip() != ""}
    for _ in range(14):
        opens = moment.replace(hour=practice.send_from_hour, minute=0, second=0, microsecond=0)
        closes = moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            hours=practice.send_until_hour
        )
        if moment.weekday() in days and moment < closes:
            start = max(moment, opens)
            if start + timedelta(minutes=minutes) <= closes:
                return start + timedelta(minutes=minutes)
        moment = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return received + timedelta(minutes=minutes)
