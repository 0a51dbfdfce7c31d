"""Call and letter steps: work for a person, never a message the engine sends.

When a call step falls due (and the gate allows a call now), the engine opens the call
task (followups) with the step's script and voicemail written for the lead; a letter step
adds the letter to the practice's print batch (channels.letter). Either way the enrolment
waits. When a person logs the call's outcome or marks the batch mailed, ``resume_handoffs``
(each engine pass) moves the enrolment on: to the next step after its wait, or, when the
call reached the person, it stops, as any human conversation stops the automation
(DESIGN rule 3).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from reactivate.campaigns.decide import Action, after_wait
from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.campaigns.selectors import campaign_source
from reactivate.channels.letter.services import letter_add
from reactivate.channels.models import BatchStatus, Letter
from reactivate.followups.models import CallOutcome, CallTask, TaskStatus
from reactivate.followups.services import call_task_open
from reactivate.leads.choices import Channel, LeadStatus
from reactivate.messaging.fields import lead_context
from reactivate.messaging.render import render

if TYPE_CHECKING:  # names for annotations only
    from reactivate.campaigns.batch import Due, RunReport

log = logging.getLogger("reactivate.campaigns.engine")
KEY = re.compile(r"enrollment-(\d+)-step-(\d+)")


HANDED_OFF = {Channel.CALL, Channel.LETTER}


class Handoffs:
    """The steps a Batch (batch.py) hands to people instead of sending."""

    def hand_off(self, channel: str, group: list[Due], report: RunReport) -> None:
        open_one = self.open_call if channel == Channel.CALL else self.open_letter
        for enrollment in group:
            try:
                open_one(enrollment, report)
            except Exception:
                log.exception("enrollment %s: the %s could not be handed off", enrollment.pk,
                              channel)  # fmt: skip

    def open_letter(self, enrollment: Due, report: RunReport) -> None:
        plan = self.plans[enrollment.pk]
        variant = enrollment.variants.get(str(plan.step.position), "a")
        version, _ = self.version_for(plan.step, plan.lead, variant)
        context = lead_context(plan.lead, coordinator=plan.campaign.sender_name,
                               unsubscribe_link="", now=self.now)  # fmt: skip
        letter = letter_add(
            lead_id=plan.lead.pk, practice=plan.lead.practice, key=self.key(enrollment),
            source=campaign_source(plan.campaign.pk), address=plan.gate.contact_point.value,
            body=render(version.body, context).text,
        )  # fmt: skip
        why = f"in print batch {letter.batch_id}, waiting to be mailed"
        self.apply(enrollment, Action("wait", why, None), report)

    def open_call(self, enrollment: Due, report: RunReport) -> None:
        plan = self.plans[enrollment.pk]
        variant = enrollment.variants.get(str(plan.step.position), "a")
        version, _ = self.version_for(plan.step, plan.lead, variant)
        context = lead_context(plan.lead, coordinator=plan.campaign.sender_name,
                               unsubscribe_link="", now=self.now)  # fmt: skip
        task = call_task_open(
            lead=plan.lead, key=self.key(enrollment), source=campaign_source(plan.campaign.pk),
            phone=plan.gate.contact_point.value, script=render(version.body, context).text,
            voicemail=render(version.voicemail, context).text, due_at=self.now,
        )  # fmt: skip
        why = f"waiting for a person to make the call (task {task.pk})"
        self.apply(enrollment, Action("wait", why, None), report)


def resume_handoffs(now: datetime, *, limit: int = 500) -> int:
    """Move on the enrolments whose call a person has logged or whose letter was mailed;
    returns how many were picked up."""
    tasks = list(
        CallTask.objects.filter(status=TaskStatus.DONE, resumed_at__isnull=True)
        .select_related("practice")
        .order_by("done_at")[:limit]
    )
    for task in tasks:
        with transaction.atomic():
            _resume(task.key, task.practice, now, connected=task.outcome == CallOutcome.CONNECTED,
                    said=f"call logged: {CallOutcome(task.outcome).label.lower()}")  # fmt: skip
            CallTask.objects.filter(pk=task.pk).update(resumed_at=now)
    letters = list(
        Letter.objects.filter(batch__status=BatchStatus.MAILED, resumed_at__isnull=True)
        .select_related("practice")
        .order_by("id")[:limit]
    )
    for letter in letters:
        with transaction.atomic():
            _resume(letter.key, letter.practice, now, connected=False, said="letter mailed")
            Letter.objects.filter(pk=letter.pk).update(resumed_at=now)
    # Calls no longer wanted: the lead replied, booked or opted out meanwhile.
    CallTask.objects.filter(status=TaskStatus.OPEN).exclude(
        lead__status__in=[LeadStatus.STALLED, LeadStatus.IN_SEQUENCE]
    ).update(status=TaskStatus.CANCELLED)
    return len(tasks) + len(letters)


def _resume(key: str, practice, now: datetime, *, connected: bool, said: str) -> None:
    match = KEY.fullmatch(key)
    if match is None:
        return
    enrollment_id, position = int(match.group(1)), int(match.group(2))
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("campaign__sequence")
        .filter(pk=enrollment_id, status=EnrollmentStatus.WAITING, position=position)
        .first()
    )
    if enrollment is None:
        return  # stopped meanwhile (a reply, an opt-out): nothing to move on
    if connected:
        enrollment.status = EnrollmentStatus.STOPPED
        enrollment.stop_reason = "talked with the team on the phone"
        enrollment.next_action_at = None
    else:
        steps = list(enrollment.campaign.sequence.steps.order_by("position"))
        enrollment.position = position + 1
        following = steps[enrollment.position] if enrollment.position < len(steps) else None
        enrollment.status = EnrollmentStatus.ACTIVE
        enrollment.next_action_at = after_wait(now, following, practice) if following else now
    enrollment.started_at = enrollment.started_at or now
    enrollment.last_decision = said
    enrollment.claimed_until = None
    enrollment.save(
        update_fields=["status", "position", "stop_reason", "next_action_at", "started_at",
                       "last_decision", "claimed_until", "updated_at"]
    )  # fmt: skip
