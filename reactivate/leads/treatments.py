"""The practice's treatment vocabulary: edited in one place, applied to every lead."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.core.treatments import (
    DEFAULT_VOCABULARY,
    fold,
    normalise_all,
    parse_vocabulary,
    vocabulary_for,
)
from reactivate.leads.models import Lead
from reactivate.leads.rescore import rescore_mark
from reactivate.tenancy.models import Practice


def treatments_in_use(*, practice: Practice) -> list[dict]:
    """Each treatment the practice's leads carry, its lead count, and whether the vocabulary
    names it (a treatment outside it is one to add, or a spelling to map)."""
    vocabulary = vocabulary_for(practice.treatment_vocabulary)
    rows = (
        Lead.objects.filter(practice=practice)
        .exclude(treatment="")
        .values_list("treatment")
        .annotate(n=Count("id"))
        .order_by("-n", "treatment")
    )
    return [
        {"treatment": name, "leads": n, "known": fold(name) in vocabulary.names} for name, n in rows
    ]


def vocabulary_text(practice: Practice) -> str:
    return practice.treatment_vocabulary or DEFAULT_VOCABULARY


def treatments_update(*, practice: Practice, actor: AbstractBaseUser, text: str) -> int:
    """Save the vocabulary and rename every lead's treatment by it; returns the leads renamed.
    Raises VocabularyError (a ValueError) naming the line that cannot be read."""
    vocabulary = parse_vocabulary(text)
    with transaction.atomic():
        practice.treatment_vocabulary = text.strip() + "\n"
        practice.save(update_fields=["treatment_vocabulary"])
        current = list(
            Lead.objects.filter(practice=practice)
            .exclude(treatment="")
            .values_list("treatment", flat=True)
            .distinct()
        )
        renamed = 0
        for old, new in normalise_all(current, vocabulary).items():
            if new != old:
                renamed += Lead.objects.filter(practice=practice, treatment=old).update(
                    treatment=new
                )
        audit_record(
            practice=practice,
            actor=actor,
            action=AuditAction.PRACTICE_CHANGED,
            obj=practice,
            detail={"treatment_vocabulary": len(vocabulary.treatments), "renamed": renamed},
        )
        if renamed:
            # Typical values per treatment feed every lead's priority.
            rescore_mark(practice_id=practice.pk)
    return renamed
