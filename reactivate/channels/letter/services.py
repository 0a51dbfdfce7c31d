"""Letters: added to the practice's open print batch by a sequence's letter step, printed
when a person closes the batch, and counted as touches when they mark it mailed."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.channels.models import BatchStatus, Letter, PrintBatch
from reactivate.leads.choices import Channel, InteractionKind, LeadStatus
from reactivate.leads.models import Interaction, Lead
from reactivate.tenancy.models import Practice


class LetterError(ValueError):
    pass


def open_batch(practice: Practice) -> PrintBatch:
    """The practice's batch collecting letters (one at a time; made when there is none)."""
    batch = PrintBatch.objects.filter(practice=practice, status=BatchStatus.OPEN).first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            return PrintBatch.objects.create(practice=practice)
    except IntegrityError:  # another worker opened it first
        return PrintBatch.objects.get(practice=practice, status=BatchStatus.OPEN)


def letter_add(*, lead_id: int, practice: Practice, key: str, source: str, address: str,
               body: str) -> Letter:  # fmt: skip
    """The letter a step asks for; the same letter again if it was already added."""
    existing = Letter.objects.filter(key=key).first()
    if existing is not None:
        return existing
    lead = Lead.objects.only("first_name", "last_name").get(pk=lead_id, practice=practice)
    name = f"{lead.first_name} {lead.last_name}".strip() or "Current resident"
    return Letter.objects.create(
        practice=practice, lead_id=lead_id, batch=open_batch(practice), key=key, source=source,
        name=name, address=address, body=body,
    )  # fmt: skip


def batch_close(*, batch: PrintBatch, actor: AbstractBaseUser) -> PrintBatch:
    """Fix the batch for printing: later letters go into a new batch."""
    with transaction.atomic():
        changed = PrintBatch.objects.filter(
            pk=batch.pk, practice_id=batch.practice_id, status=BatchStatus.OPEN
        ).update(status=BatchStatus.CLOSED, closed_at=timezone.now())
        if not changed:
            raise LetterError("That batch is no longer collecting letters.")
        batch.refresh_from_db()
        audit_record(practice=batch.practice, actor=actor, action=AuditAction.LETTERS_MAILED,
                     obj=batch, detail={"closed": batch.letters.count()})  # fmt: skip
    return batch


def batch_mark_mailed(*, batch: PrintBatch, actor: AbstractBaseUser) -> int:
    """The printed letters went into the mail: each is a touch on its lead's timeline."""
    now = timezone.now()
    with transaction.atomic():
        changed = PrintBatch.objects.filter(
            pk=batch.pk, practice_id=batch.practice_id, status=BatchStatus.CLOSED
        ).update(status=BatchStatus.MAILED, mailed_at=now, mailed_by=actor)
        if not changed:
            raise LetterError("Close the batch and print it before marking it mailed.")
        letters = list(batch.letters.all())
        Interaction.objects.bulk_create(
            Interaction(
                practice_id=letter.practice_id, lead_id=letter.lead_id,
                kind=InteractionKind.MESSAGE_OUT, channel=Channel.LETTER, actor=actor,
                summary=f"Letter mailed to {letter.address}"[:300], body=letter.body,
                data={"letter": letter.pk, "batch": batch.pk}, occurred_at=now,
            )
            for letter in letters
        )  # fmt: skip
        leads = [letter.lead_id for letter in letters]
        Lead.objects.filter(pk__in=leads).update(last_contact_at=now, updated_at=now)
        Lead.objects.filter(pk__in=leads, status=LeadStatus.STALLED).update(
            status=LeadStatus.IN_SEQUENCE
        )
        audit_record(practice=batch.practice, actor=actor, action=AuditAction.LETTERS_MAILED,
                     obj=batch, detail={"mailed": len(letters)})  # fmt: skip
    return len(letters)
