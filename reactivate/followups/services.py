"""Writes to follow-up work: a call task opened by a sequence, its outcome logged by a person.

The outcome is the person's act, so it is audited and goes on the lead's timeline in one
transaction with what it changes: the number (a wrong or disconnected number is never
called or texted again), the lead's last contact, and for a conversation the lead's status.
The sequence moves on when campaigns picks the finished task up (campaigns/calls.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.followups.alerts import alert
from reactivate.followups.assign import assignee_for
from reactivate.followups.models import CallOutcome, CallTask, FollowUp, FollowUpKind, TaskStatus
from reactivate.leads.choices import ContactKind, InteractionKind, LeadStatus, Validity
from reactivate.leads.models import ContactPoint, Interaction, Lead
from reactivate.leads.reachability import point_set_validity
from reactivate.leads.services import lead_set_status

# What each outcome says about the number it was made to.
NUMBER_AFTER = {
    CallOutcome.WRONG_NUMBER: Validity.INVALID,
    CallOutcome.DISCONNECTED: Validity.DISCONNECTED,
    CallOutcome.CONNECTED: Validity.VALID,
    CallOutcome.VOICEMAIL: Validity.VALID,
}
# Outcomes that reached the person (or their voicemail): a touch, counted as contact.
TOUCHES = {CallOutcome.CONNECTED, CallOutcome.VOICEMAIL}


class CallError(ValueError):
    pass


def call_task_open(
    *, lead: Lead, key: str, source: str, phone: str, script: str, voicemail: str, due_at: datetime
) -> CallTask:
    """The call a sequence step asks for; the same task again if it was already opened."""
    task, _ = CallTask.objects.get_or_create(
        key=key,
        defaults={
            "practice_id": lead.practice_id, "lead_id": lead.pk, "source": source,
            "phone": phone, "script": script, "voicemail": voicemail, "due_at": due_at,
        },
    )  # fmt: skip
    return task


def call_log_outcome(
    *, task: CallTask, outcome: CallOutcome | str, actor: AbstractBaseUser, note: str = ""
) -> CallTask:
    if outcome not in CallOutcome.values:
        raise CallError(f"Unknown outcome {outcome!r}.")
    outcome = CallOutcome(outcome)
    now = timezone.now()
    with transaction.atomic():
        task = CallTask.objects.select_for_update(of=("self",)).get(
            pk=task.pk, practice_id=task.practice_id
        )
        if task.status != TaskStatus.OPEN:
            raise CallError("That call has already been logged.")
        task.status, task.outcome, task.note = TaskStatus.DONE, outcome, note.strip()
        task.done_at, task.done_by = now, actor
        task.save(update_fields=["status", "outcome", "note", "done_at", "done_by"])
        lead = Lead.objects.select_related("practice").get(pk=task.lead_id)
        _timeline(task, lead, actor, now)
        _number(task, outcome, actor, now)
        # A call is a person acting on the lead: it answers any reply still waiting.
        FollowUp.objects.filter(lead_id=lead.pk, first_action_at__isnull=True).update(
            first_action_at=now, first_action_by=actor
        )
        if outcome in TOUCHES:
            Lead.objects.filter(pk=lead.pk).update(last_contact_at=now, updated_at=now)
        if outcome == CallOutcome.CONNECTED and lead.status in (
            LeadStatus.STALLED, LeadStatus.IN_SEQUENCE
        ):  # fmt: skip
            lead_set_status(lead=lead, actor=actor, status=LeadStatus.RESPONDED,
                            reason="talked on the phone")  # fmt: skip
        audit_record(
            practice=lead.practice, actor=actor, action=AuditAction.CALL_LOGGED, obj=task,
            detail={"outcome": outcome.value, "lead": lead.pk},
        )  # fmt: skip
    return task


def call_log_adhoc(
    *, lead: Lead, phone: str, outcome: CallOutcome | str, actor: AbstractBaseUser, note: str = ""
) -> CallTask:
    """A call no sequence asked for (the lead rang, or a coordinator called from the lead's
    page), logged like any other. It is born resumed: no sequence moves on from it."""
    now = timezone.now()
    task = CallTask.objects.create(
        practice_id=lead.practice_id, lead=lead, key=f"adhoc-{uuid.uuid4().hex}",
        source="lead page", phone=phone, script="", due_at=now, resumed_at=now, assignee=actor,
    )  # fmt: skip
    return call_log_outcome(task=task, outcome=outcome, actor=actor, note=note)


def _timeline(task: CallTask, lead: Lead, actor, now) -> None:
    label = CallOutcome(task.outcome).label
    Interaction.objects.create(
        practice_id=lead.practice_id,
        lead=lead,
        kind=InteractionKind.CALL,
        channel="call",
        actor=actor,
        summary=f"Call to {task.phone}: {label.lower()}",
        body=task.note,
        data={"call_task": task.pk, "outcome": task.outcome},
        occurred_at=now,
    )


def _number(task: CallTask, outcome: CallOutcome, actor, now) -> None:
    validity = NUMBER_AFTER.get(outcome)
    point = ContactPoint.objects.filter(
        practice_id=task.practice_id, lead_id=task.lead_id, kind=ContactKind.PHONE,
        value=task.phone,
    ).select_related("lead__practice").first()  # fmt: skip
    if validity is None or point is None:
        return
    point_set_validity(
        point=point, validity=validity, source="call outcome",
        evidence=f"{CallOutcome(outcome).label}" + (f": {task.note}" if task.note else ""),
        actor=actor, at=now,
    )  # fmt: skip


def followup_open(
    *, practice, lead: Lead | None, kind: FollowUpKind | str, reason: str, due_at: datetime,
    inbound_id: int | None = None, assignee=None, received_at: datetime | None = None,
    source: str = "",
) -> tuple[FollowUp, bool]:  # fmt: skip
    """A person's next move, for ``assignee`` or else the next in turn; the same task again
    for the same message."""
    try:
        # Insert first, in a savepoint: the message's task is new nearly always, and the
        # unique (inbound_id, kind) says when it is not, without a look-up on every reply.
        with transaction.atomic():
            followup = FollowUp.objects.create(
                practice=practice, lead=lead, kind=kind, reason=reason[:300], due_at=due_at,
                assignee=assignee or assignee_for(practice), inbound_id=inbound_id,
                received_at=received_at, source=source[:40],
            )  # fmt: skip
    except IntegrityError:
        return FollowUp.objects.get(inbound_id=inbound_id, kind=kind), False
    if kind != FollowUpKind.TIMING:  # a check-back months away needs no alert today
        alert(followup)
    return followup, True
