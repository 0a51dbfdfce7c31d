"""Stopping enrolments: a reply, an opt-out or a booking ends every automated step."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from reactivate.campaigns.decide import STOP_STATUSES
from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.leads.models import Lead

LIVE = (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING)


def stop_for_lead(lead: Lead, reason: str) -> int:
    """Every automated step for this lead stops now (DESIGN rule 3)."""
    return Enrollment.objects.filter(lead=lead, status__in=LIVE).update(
        status=EnrollmentStatus.STOPPED, stop_reason=reason[:200], next_action_at=None
    )


def stop_closed_leads() -> int:
    """Stop the live enrolments of leads whose status ends automation (an opt-out through the
    unsubscribe link, a STOP text, staff marking "do not contact"). The engine already stops
    each one before its next step; this sweep makes the campaign's figures say so at once."""
    stopped = 0
    for status, reason in STOP_STATUSES.items():
        closed = Lead.objects.filter(pk=OuterRef("lead_id"), status=status)
        stopped += (
            Enrollment.objects.filter(status__in=LIVE)
            .filter(Exists(closed))
            .update(status=EnrollmentStatus.STOPPED, stop_reason=reason[:200], next_action_at=None)
        )
    return stopped
