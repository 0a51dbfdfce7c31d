"""A person working the worklist: taking a task, giving it to someone, finishing it,
snoozing a lead to a date; and the manager told when an answer is late.

Each is a person's act, so each is audited. The first thing anyone does about a reply is
stamped on its follow-ups (``first_action_at``): speed to human is read from that stamp.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.followups.alerts import alert, alert_escalation
from reactivate.followups.assign import assignee_for
from reactivate.followups.models import ANSWER_KINDS, CallTask, FollowUp, FollowUpKind, TaskStatus
from reactivate.leads.choices import InteractionKind
from reactivate.leads.models import Interaction, Lead
from reactivate.tenancy.access import access_for
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership, Practice


class WorkError(ValueError):
    pass


def followups_touch(*, lead: Lead, actor: AbstractBaseUser | None, at: datetime | None = None,
                    only: FollowUp | None = None) -> int:  # fmt: skip
    """Stamp the first human action on the lead's open follow-ups not yet acted on."""
    if actor is None:
        return 0
    at = at or timezone.now()
    rows = FollowUp.objects.filter(practice_id=lead.practice_id, lead_id=lead.pk,
                                   first_action_at__isnull=True)  # fmt: skip
    if only is not None:
        rows = FollowUp.objects.filter(pk=only.pk, first_action_at__isnull=True)
    return rows.update(first_action_at=at, first_action_by=actor)


def followup_claim(*, followup: FollowUp, actor: AbstractBaseUser) -> FollowUp:
    return followup_assign(followup=followup, actor=actor, assignee=actor)


def followup_assign(
    *, followup: FollowUp, actor: AbstractBaseUser, assignee: AbstractBaseUser | None = None,
    round_robin: bool = False,
) -> FollowUp:  # fmt: skip
    """Give the task to ``assignee`` (a member of the practice), or to the next in turn."""
    practice = followup.practice
    if round_robin:
        assignee = assignee_for(practice)
    if assignee is not None and not _can_work(assignee, practice):
        raise WorkError("That person is not on this practice's team.")
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk, practice=practice)
        if followup.status != TaskStatus.OPEN:
            raise WorkError("That follow-up is already finished.")
        before = followup.assignee.get_username() if followup.assignee else None
        followup.assignee = assignee
        followup.save(update_fields=["assignee"])
        if followup.lead_id and assignee == actor:
            followups_touch(lead=followup.lead, actor=actor, only=followup)
        if assignee is not None and assignee != actor:
            alert(followup)
        audit_record(
            practice=practice, actor=actor,
            action=AuditAction.FOLLOWUP_CLAIMED if assignee == actor
            else AuditAction.FOLLOWUP_ASSIGNED,
            obj=followup, detail={"from": before,
                                  "to": assignee.get_username() if assignee else None},
        )  # fmt: skip
    return followup


def call_claim(*, task: CallTask, actor: AbstractBaseUser) -> CallTask:
    with transaction.atomic():
        if not CallTask.objects.filter(pk=task.pk, practice_id=task.practice_id,
                                       status=TaskStatus.OPEN).update(assignee=actor):  # fmt: skip
            raise WorkError("That call is already logged.")
        audit_record(practice=task.practice, actor=actor, action=AuditAction.FOLLOWUP_CLAIMED,
                     obj=task, detail={"call": task.pk})  # fmt: skip
    task.assignee = actor
    return task


def followup_finish(*, followup: FollowUp, actor: AbstractBaseUser, note: str = "") -> FollowUp:
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk,
                                                            practice=followup.practice)  # fmt: skip
        if followup.status != TaskStatus.OPEN:
            raise WorkError("That follow-up is already finished.")
        now = timezone.now()
        followup.status, followup.done_at = TaskStatus.DONE, now
        followup.save(update_fields=["status", "done_at"])
        if followup.lead_id:
            followups_touch(lead=followup.lead, actor=actor, at=now, only=followup)
            if note.strip():
                Interaction.objects.create(
                    practice_id=followup.practice_id, lead_id=followup.lead_id,
                    kind=InteractionKind.NOTE, actor=actor, occurred_at=now,
                    summary=f"{followup.get_kind_display()} done: {note.strip()}"[:300],
                    body=note.strip(),
                )  # fmt: skip
        audit_record(practice=followup.practice, actor=actor, action=AuditAction.FOLLOWUP_DONE,
                     obj=followup, detail={"kind": followup.kind})  # fmt: skip
    return followup


def followups_close_for(*, lead: Lead, actor: AbstractBaseUser | None, why: str) -> int:
    """Every open task on the lead done (booked) or cancelled (closed, do not contact)."""
    now = timezone.now()
    status = TaskStatus.DONE if why == "booked" else TaskStatus.CANCELLED
    followups_touch(lead=lead, actor=actor, at=now)
    made = FollowUp.objects.filter(
        practice_id=lead.practice_id, lead_id=lead.pk, status=TaskStatus.OPEN
    ).update(status=status, done_at=now)
    calls = CallTask.objects.filter(practice_id=lead.practice_id, lead_id=lead.pk,
                                    status=TaskStatus.OPEN)  # fmt: skip
    # Calls left to make are cancelled, not done: no outcome was logged, so no sequence
    # resumes from them (campaigns resumes only done calls).
    return made + calls.update(status=TaskStatus.CANCELLED, done_at=now)


def lead_snooze(
    *, lead: Lead, until: datetime, actor: AbstractBaseUser, note: str = ""
) -> FollowUp:
    """Out of the pool until ``until``, when a task to pick the lead up again comes due."""
    if until <= timezone.now():
        raise WorkError("Snooze to a date in the future.")
    reason = f"snoozed until {until:%d %b %Y}" + (f": {note.strip()}" if note.strip() else "")
    with transaction.atomic():
        followups_touch(lead=lead, actor=actor)
        Lead.objects.filter(pk=lead.pk).update(next_eligible_at=until, updated_at=timezone.now())
        followup = FollowUp.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=FollowUpKind.SNOOZE, due_at=until,
            assignee=actor, reason=reason[:300],
        )  # fmt: skip
        Interaction.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=InteractionKind.NOTE, actor=actor,
            summary=f"Snoozed until {until:%d %b %Y}", body=note.strip(),
            occurred_at=timezone.now(), data={"snooze_until": until.isoformat()},
        )  # fmt: skip
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.LEAD_SNOOZED,
                     obj=lead, detail={"until": until.isoformat()})  # fmt: skip
    return followup


def escalate_breaches(*, now: datetime | None = None) -> int:
    """Answers past their SLA, told once to the practice's managers and owners."""
    now = now or timezone.now()
    late = FollowUp.objects.filter(
        status=TaskStatus.OPEN, kind__in=ANSWER_KINDS, due_at__lt=now, escalated_at__isnull=True
    ).select_related("practice", "lead", "assignee")
    told = 0
    for followup in late[:500]:
        with transaction.atomic():
            # Stamped first: two workers running this at once tell the managers once.
            if not FollowUp.objects.filter(pk=followup.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            for manager in _managers(followup.practice):
                alert_escalation(followup, manager)
        told += 1
    return told


def _can_work(user, practice: Practice) -> bool:
    try:
        return access_for(user, practice).can_edit
    except Http404:
        return False


def _managers(practice: Practice):
    return [
        m.user
        for m in Membership.objects.filter(
            Q(role=Role.MANAGER) | Q(role=Role.OWNER), practice=practice, user__is_active=True
        ).select_related("user")
    ]
