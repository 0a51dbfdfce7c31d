"""When a practice changes its sending window, the sends waiting for the old one are asked
again at once: the engine's next pass sees them due and the gate gives them the new window.

Tenancy sits below campaigns, so the settings change leaves a mark on the practice
(``window_changed_at``) and this, on the engine's side, picks it up. Only the sends that
were waiting for the window move: an enrolment waiting out a step's wait keeps its date.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.tenancy.models import Practice

# The reasons can_contact gives for a send the window (or its caps) held back.
WINDOW_WAITS = ("Outside the allowed hours", "The lead has had as many messages")


def replan_windows(now: datetime) -> int:
    """Re-plan every practice whose window changed; returns the enrolments moved."""
    moved = 0
    for practice in Practice.objects.filter(window_changed_at__isnull=False):
        with transaction.atomic():
            moved += replan_practice(practice, now)
            Practice.objects.filter(
                pk=practice.pk, window_changed_at=practice.window_changed_at
            ).update(window_changed_at=None)
    return moved


def replan_practice(practice: Practice, now: datetime) -> int:
    waiting = Enrollment.objects.filter(
        practice=practice,
        status=EnrollmentStatus.ACTIVE,
        next_action_at__gt=now,
        claimed_until__isnull=True,
    )
    moved = 0
    for reason in WINDOW_WAITS:
        moved += waiting.filter(last_decision__startswith=reason).update(next_action_at=now)
    # Parked because the old window had no opening at all.
    moved += Enrollment.objects.filter(
        practice=practice,
        status=EnrollmentStatus.WAITING,
        last_decision__startswith="The sending window is empty",
    ).update(status=EnrollmentStatus.ACTIVE, next_action_at=now)
    return moved
