"""Writes to leads. Each change records its Interaction and AuditEvent in the same transaction."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.leads.choices import InteractionKind, LeadStatus, SuppressionReason
from reactivate.leads.models import Interaction, Lead
from reactivate.leads.optout import opt_out
from reactivate.leads.rescore import rescore_mark


def lead_add_note(*, lead: Lead, actor: AbstractBaseUser, body: str) -> Interaction:
    body = body.strip()
    if not body:
        raise ValueError("A note needs some text.")
    first_line = body.splitlines()[0]
    summary = first_line if len(first_line) <= 120 else first_line[:119] + "…"
    with transaction.atomic():
        note = Interaction.objects.create(
            practice_id=lead.practice_id,
            lead=lead,
            kind=InteractionKind.NOTE,
            actor=actor,
            summary=summary,
            body=body,
            occurred_at=timezone.now(),
        )
        audit_record(
            practice=lead.practice,
            actor=actor,
            action=AuditAction.LEAD_CHANGED,
            obj=lead,
            detail={"note": note.pk},
        )
    return note


def lead_set_status(
    *, lead: Lead, actor: AbstractBaseUser, status: LeadStatus, reason: str = ""
) -> Lead:
    """Move a lead to another status, keeping the old one on the timeline."""
    if status == LeadStatus.DO_NOT_CONTACT:
        return lead_mark_do_not_contact(lead=lead, actor=actor, source=reason or "staff")
    old = lead.status
    if old == status:
        return lead
    with transaction.atomic():
        lead.status = status
        lead.save(update_fields=["status", "updated_at"])
        _status_interaction(lead=lead, actor=actor, old=old, reason=reason)
        rescore_mark(practice_id=lead.practice_id, lead_ids=[lead.pk])
    return lead


def lead_mark_do_not_contact(*, lead: Lead, actor: AbstractBaseUser | None, source: str) -> Lead:
    """Staff record that this person asked not to be contacted: the opt-out service stops
    every address and number, every channel (leads.optout)."""
    opt_out(
        lead=lead,
        source="marked by staff" if actor else "system",
        evidence=source,
        actor=actor,
        reason=SuppressionReason.MANUAL if actor else SuppressionReason.OPT_OUT,
    )
    return lead


def _status_interaction(
    *, lead: Lead, actor: AbstractBaseUser | None, old: str, reason: str
) -> None:
    new_label = LeadStatus(lead.status).label
    summary = f"Status: {LeadStatus(old).label} → {new_label}"
    Interaction.objects.create(
        practice_id=lead.practice_id,
        lead=lead,
        kind=InteractionKind.STATUS_CHANGE,
        actor=actor,
        actor_label="" if actor else "system",
        summary=summary,
        body=reason,
        data={"from": old, "to": lead.status},
        occurred_at=timezone.now(),
    )
    audit_record(
        practice=lead.practice,
        actor=actor,
        action=AuditAction.LEAD_CHANGED,
        obj=lead,
        detail={"status": [old, lead.status]},
    )


def lead_set_language(*, lead: Lead, actor: AbstractBaseUser, language: str) -> Lead:
    """The language this lead's messages are written in."""
    if lead.preferred_language == language:
        return lead
    with transaction.atomic():
        old = lead.preferred_language
        lead.preferred_language = language
        lead.save(update_fields=["preferred_language", "updated_at"])
        Interaction.objects.create(
            practice_id=lead.practice_id,
            lead=lead,
            kind=InteractionKind.NOTE,
            actor=actor,
            summary=f"Messages language: {old} → {language}",
            occurred_at=timezone.now(),
        )
        audit_record(
            practice=lead.practice,
            actor=actor,
            action=AuditAction.LEAD_CHANGED,
            obj=lead,
            detail={"preferred_language": [old, language]},
        )
    return lead
