"""Whether an address or number still reaches the person: the one place that marks a contact
point bounced, disconnected or wrong, with the reason on the lead's timeline.

The channels call it when a provider reports a hard bounce or an unreachable number, and
people when a call finds a wrong number. The gate (leads.consent) stops using a point that
is no longer valid, so nothing else needs to change for the next message to go elsewhere.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.leads.choices import InteractionKind, Validity
from reactivate.leads.models import ContactPoint, Interaction
from reactivate.leads.rescore import rescore_mark

UNREACHABLE = {Validity.BOUNCED, Validity.DISCONNECTED, Validity.INVALID}


def point_set_validity(
    *,
    point: ContactPoint,
    validity: Validity,
    source: str,
    evidence: str = "",
    actor: AbstractBaseUser | None = None,
    at: datetime | None = None,
) -> bool:
    """Mark ``point`` with ``validity``; ``source`` says who found out (a provider's report,
    a call), ``evidence`` what they said. False when the point was already marked so."""
    at = at or timezone.now()
    with transaction.atomic():
        changed = (
            ContactPoint.objects.filter(pk=point.pk, practice_id=point.practice_id)
            .exclude(validity=validity)
            .update(validity=validity)
        )
        if not changed:
            return False
        old, point.validity = point.validity, validity
        Interaction.objects.create(
            practice_id=point.practice_id,
            lead_id=point.lead_id,
            kind=InteractionKind.CONTACT_CHANGE,
            actor=actor,
            actor_label="" if actor else source[:100],
            summary=f"{point.value}: {Validity(validity).label.lower()} ({source})"[:300],
            body=evidence,
            data={"contact_point": point.pk, "from": old, "to": validity},
            occurred_at=at,
        )
        if actor is not None:
            audit_record(
                practice=point.lead.practice,
                actor=actor,
                action=AuditAction.LEAD_CHANGED,
                obj=point.lead,
                detail={"contact_point": point.pk, "validity": [old, validity]},
            )
        rescore_mark(practice_id=point.practice_id, lead_ids=[point.lead_id])
    return True
