"""Opting out and back in: the only code that writes an opt-out's suppressions (DESIGN rule 2).

An opt-out by any channel, in any wording, stops the person everywhere: every address and
number they have is suppressed practice-wide, every channel's consent is revoked and the lead
becomes "do not contact". That status is the mark the campaigns floor reads: the engine stops
every enrolment of such a lead before its next step, and its sweep stops the rest within a
minute. Coming back is a separate, recorded act for one channel (a START text re-enables SMS
on that number only).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.leads.choices import (
    CHANNELS_FOR_KIND,
    Channel,
    ConsentStatus,
    ContactKind,
    InteractionKind,
    LeadStatus,
    SuppressionReason,
)
from reactivate.leads.models import Consent, ContactPoint, Interaction, Lead, Suppression
from reactivate.leads.rescore import rescore_mark
from reactivate.tenancy.models import Practice

CHUNK = 500  # lead ids per statement: well inside every database's parameter limit


def opt_out(
    *,
    lead: Lead,
    channel: Channel | str = "",
    source: str,
    evidence: str = "",
    at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
    reason: SuppressionReason = SuppressionReason.OPT_OUT,
) -> bool:
    """Stop all contact with this person now. ``channel`` is where the opt-out came from,
    ``source`` how (one-click link, STOP text, staff), ``evidence`` the words or event behind
    it; ``channel`` is blank when staff record a request made some other way. Returns False
    when the person was already opted out everywhere (nothing is written then)."""
    changed = opt_out_leads(
        practice=lead.practice,
        lead_ids=[lead.pk],
        channel=channel,
        source=source,
        evidence=evidence,
        at=at,
        actor=actor,
        reason=reason,
    )
    lead.refresh_from_db(fields=["status", "updated_at"])
    return bool(changed)


def opt_out_leads(
    *,
    practice: Practice,
    lead_ids: Iterable[int],
    channel: Channel | str = "",
    source: str,
    evidence: str = "",
    at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
    reason: SuppressionReason = SuppressionReason.OPT_OUT,
) -> int:
    """``opt_out`` for many leads in a few statements (an import's CRM flags); returns how
    many leads changed. Idempotent: a lead already opted out everywhere is left alone."""
    ids = sorted(set(lead_ids))
    at = at or timezone.now()
    changed = 0
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            changed += _opt_out_chunk(
                practice, ids[start : start + CHUNK], channel, source, evidence, at,
                actor, reason,
            )  # fmt: skip
    return changed


def _opt_out_chunk(practice, ids, channel, source, evidence, at, actor, reason) -> int:
    points = list(
        ContactPoint.objects.filter(practice=practice, lead_id__in=ids).values_list(
            "id", "lead_id", "kind", "value"
        )
    )
    already = set(
        Suppression.objects.filter(
            practice=practice, value__in=[value for *_, value in points]
        ).values_list("kind", "value")
    )
    fresh = {lead for _, lead, kind, value in points if (kind, value) not in already}
    statuses = dict(Lead.objects.filter(practice=practice, pk__in=ids).values_list("id", "status"))
    changed = sorted(
        lead for lead, status in statuses.items()
        if status != LeadStatus.DO_NOT_CONTACT or lead in fresh
    )  # fmt: skip
    if not changed:
        return 0
    label = f"{source}: {evidence}" if evidence else source
    user = actor if actor is not None and actor.is_authenticated else None
    Suppression.objects.bulk_create(
        [
            Suppression(
                practice=practice, kind=kind, value=value, reason=reason,
                source=label[:200], created_by=user,
            )
            for _, lead, kind, value in points
            if lead in changed
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    _revoke_consents(practice, [p for p in points if p[1] in changed], label, at)
    Lead.objects.filter(pk__in=changed).update(status=LeadStatus.DO_NOT_CONTACT, updated_at=at)
    _record(practice, changed, statuses, channel, source, evidence, at, user)
    # Suppressions are practice-wide: another lead sharing a number loses that channel too.
    rescore_mark(practice_id=practice.pk)
    return len(changed)


def _revoke_consents(practice, points, label: str, at: datetime) -> None:
    Consent.objects.bulk_create(
        [
            Consent(
                practice=practice, contact_point_id=point_id, channel=each,
                status=ConsentStatus.REVOKED, source=label[:200], recorded_at=at,
            )
            for point_id, _, kind, _ in points
            for each in CHANNELS_FOR_KIND[ContactKind(kind)]
        ],
        update_conflicts=True,
        unique_fields=["contact_point", "channel"],
        update_fields=["status", "source", "recorded_at"],
    )  # fmt: skip


def _record(practice, changed, statuses, channel, source, evidence, at, user) -> None:
    """One timeline entry and one audit event per lead that changed."""
    how = f"by {Channel(channel).label.lower()}, {source}" if channel else source
    Interaction.objects.bulk_create(
        Interaction(
            practice=practice,
            lead_id=lead,
            kind=InteractionKind.CONSENT_CHANGE,
            channel=channel,
            actor=user,
            actor_label="" if user else "lead",
            summary=f"Opted out of all contact ({how})"[:300],
            body=evidence,
            data={"from": statuses[lead], "to": LeadStatus.DO_NOT_CONTACT, "opt_out": channel},
            occurred_at=at,
        )
        for lead in changed
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            practice=practice,
            actor=user,
            action=AuditAction.LEAD_OPTED_OUT,
            object_type="lead",
            object_id=str(lead),
            detail={"channel": channel, "source": source, "evidence": evidence[:500]},
        )
        for lead in changed
    )


def opt_in(
    *,
    lead: Lead,
    channel: Channel | str,
    value: str,
    source: str,
    evidence: str,
    at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> bool:
    """Re-enable one channel on one of the lead's addresses or numbers, with its evidence
    (the START text, a signed form). Every other channel stays as the opt-out left it.
    Returns False when that channel was not blocked there."""
    channel = Channel(channel)
    if not evidence.strip():
        raise ValueError("Opting back in needs its evidence: the words or form that asked.")
    kinds = {kind for kind, channels in CHANNELS_FOR_KIND.items() if channel in channels}
    point = ContactPoint.objects.filter(lead=lead, kind__in=kinds, value=value).first()
    if point is None:
        raise ValueError(f"{value!r} is not one of this lead's contact points for {channel}.")
    at = at or timezone.now()
    label = f"{source}: {evidence}"[:200]
    with transaction.atomic():
        removed, _ = Suppression.objects.filter(
            practice_id=lead.practice_id, kind=point.kind, value=point.value
        ).delete()
        consent, _ = Consent.objects.get_or_create(
            contact_point=point,
            channel=channel,
            defaults={"practice_id": lead.practice_id, "recorded_at": at},
        )
        if not removed and consent.status == ConsentStatus.GRANTED:
            return False
        Consent.objects.filter(pk=consent.pk).update(
            status=ConsentStatus.GRANTED, source=label, recorded_at=at
        )
        old = lead.status
        if old == LeadStatus.DO_NOT_CONTACT:
            lead.status = LeadStatus.STALLED
            lead.save(update_fields=["status", "updated_at"])
        Interaction.objects.create(
            practice_id=lead.practice_id,
            lead=lead,
            kind=InteractionKind.CONSENT_CHANGE,
            channel=channel,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label="" if actor else "lead",
            summary=f"Opted back in to {channel.label.lower()} on {point.value} ({source})"[:300],
            body=evidence,
            data={"from": old, "to": lead.status, "opt_in": channel, "value": point.value},
            occurred_at=at,
        )
        AuditEvent.objects.create(
            practice_id=lead.practice_id,
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=AuditAction.LEAD_OPTED_IN,
            object_type="lead",
            object_id=str(lead.pk),
            detail={"channel": channel, "value": point.value, "evidence": evidence[:500]},
        )
        rescore_mark(practice_id=lead.practice_id)
    return True
