"""What a coordinator learns on a call, in fields the rest of the product reads: a budget
becomes the lead's value (priority is chance x value), a timeline when the lead is due for
another attempt (the segments' "due now"), new circumstances the reason it stalled, and the
decision maker a field the lead's page and exports show. The words go on the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.stops import stop_for_lead
from reactivate.core.dates import add_months
from reactivate.followups.models import FollowUp, FollowUpKind, TaskStatus
from reactivate.followups.work import followups_touch
from reactivate.leads.choices import DormancyReason, InteractionKind, LeadStatus
from reactivate.leads.models import Interaction, Lead
from reactivate.leads.rescore import rescore_mark
from reactivate.leads.services import lead_set_status

# Timeline answers → months until the lead is due for another attempt.
TIMELINES = {
    "now": ("Ready now", 0),
    "3m": ("Within 3 months", 1),
    "6m": ("In 3 to 6 months", 3),
    "later": ("More than 6 months away", 6),
}


@dataclass(frozen=True)
class Notes:
    timeline: str = ""  # a key of TIMELINES, or ""
    budget: Decimal | None = None
    decision_maker: str = ""
    circumstances: str = ""

    def empty(self) -> bool:
        return not (self.timeline or self.budget is not None or self.decision_maker.strip()
                    or self.circumstances.strip())  # fmt: skip


def lead_notes_save(*, lead: Lead, actor: AbstractBaseUser, notes: Notes) -> Lead:
    if notes.empty():
        raise ValueError("Fill in at least one of the fields.")
    if notes.timeline and notes.timeline not in TIMELINES:
        raise ValueError(f"Unknown timeline {notes.timeline!r}.")
    now = timezone.now()
    said, changes = [], {}
    custom = dict(lead.custom_fields or {})
    if notes.timeline:
        label, months = TIMELINES[notes.timeline]
        changes["next_eligible_at"] = add_months(now, months) if months else now
        custom["Timeline"] = label
        said.append(f"timeline: {label.lower()}")
    if notes.budget is not None:
        changes["estimated_value"] = notes.budget
        said.append(f"budget: ${notes.budget:,.0f}")
    if notes.decision_maker.strip():
        custom["Decision maker"] = notes.decision_maker.strip()[:100]
        said.append(f"decides: {custom['Decision maker']}")
    if notes.circumstances.strip():
        changes["dormancy_reason"] = DormancyReason.CIRCUMSTANCES
        changes["dormancy_note"] = notes.circumstances.strip()[:1000]
        said.append(f"new circumstances: {notes.circumstances.strip()}")
    with transaction.atomic():
        Lead.objects.filter(pk=lead.pk).update(custom_fields=custom, updated_at=now, **changes)
        Interaction.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=InteractionKind.NOTE, actor=actor,
            summary=("Learned: " + "; ".join(said))[:300], body="\n".join(said),
            occurred_at=now, data={"notes": {k: str(v) for k, v in notes.__dict__.items() if v}},
        )  # fmt: skip
        followups_touch(lead=lead, actor=actor, at=now)
        rescore_mark(practice_id=lead.practice_id, lead_ids=[lead.pk])
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.NOTES_SAVED,
                     obj=lead, detail={"fields": [s.split(":")[0] for s in said]})  # fmt: skip
    lead.refresh_from_db()
    return lead


def lead_requalify(*, lead: Lead, actor: AbstractBaseUser, note: str = "") -> Lead:
    """Someone whose situation changed is still interested: the lead is back in an active
    conversation (it now counts as reactivated, docs/metrics.md), its automated steps stop
    so no campaign message talks over the coordinator, and its re-qualify tasks are done."""
    if lead.status in (LeadStatus.DO_NOT_CONTACT, LeadStatus.CLOSED):
        raise ValueError("This record is closed; reopen it with Save status first.")
    said = note.strip()[:300] or "still interested"
    now = timezone.now()
    with transaction.atomic():
        if lead.status not in (LeadStatus.SCHEDULED, LeadStatus.CONVERTED):
            lead = lead_set_status(lead=lead, actor=actor, status=LeadStatus.REACTIVATED,
                                   reason=f"re-qualified: {said}")  # fmt: skip
        stop_for_lead(lead, "re-qualified: back in conversation with the team")
        followups_touch(lead=lead, actor=actor, at=now)
        FollowUp.objects.filter(
            practice_id=lead.practice_id, lead_id=lead.pk, kind=FollowUpKind.REQUALIFY,
            status=TaskStatus.OPEN,
        ).update(status=TaskStatus.DONE, done_at=now)  # fmt: skip
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.LEAD_REQUALIFIED,
                     obj=lead, detail={"note": said})  # fmt: skip
    return lead
