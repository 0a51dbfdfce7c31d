"""Who answers and by when: the practice's coordinators in turn, within the reply SLA counted
in the practice's working minutes (its sending window and days)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from reactivate.followups.models import TaskStatus
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership, Practice

SLA_MINUTES = 15  # the seed: answer within minutes, not hours


def assignee_for(practice: Practice):
    """The coordinator with the fewest open follow-ups (the earliest joined on a tie); the
    owner or a manager when the practice has no coordinator."""
    for roles in ((Role.COORDINATOR,), (Role.OWNER, Role.MANAGER)):
        ids = Membership.objects.filter(practice=practice, role__in=roles).values("user_id")
        users = (
            get_user_model().objects.filter(pk__in=ids, is_active=True)
            .annotate(load=Count("followups", filter=Q(followups__status=TaskStatus.OPEN,
                                                        followups__practice=practice)))
            .order_by("load", "pk")
        )  # fmt: skip
        chosen = users.first()
        if chosen is not None:
            return chosen
    return None


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
