"""Leads go quiet over time: an active lead with no activity for the practice's
``stalled_after_days`` becomes stalled, so it reaches the stalled segments."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import DateTimeField, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from reactivate.leads.choices import InteractionKind, LeadStatus
from reactivate.leads.models import Interaction, Lead
from reactivate.leads.rescore import rescore_mark
from reactivate.tenancy.models import Practice

LAST_ACTIVITY = Coalesce(
    "last_contact_at", "inquired_at", "created_at", output_field=DateTimeField()
)
CHUNK = 2000


def leads_mark_stalled(*, practice: Practice, now: datetime | None = None) -> int:
    """Active leads quiet for longer than the practice's setting become stalled, each with a
    timeline entry saying why; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=practice.stalled_after_days)
    quiet = (
        Lead.objects.filter(practice=practice, status=LeadStatus.ACTIVE)
        .annotate(last_activity=LAST_ACTIVITY)
        .filter(Q(last_activity__lt=cutoff))
    )
    ids = list(quiet.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            Lead.objects.filter(pk__in=chunk, status=LeadStatus.ACTIVE).update(
                status=LeadStatus.STALLED, updated_at=now
            )
            Interaction.objects.bulk_create(
                Interaction(
                    practice=practice,
                    lead_id=lead_id,
                    kind=InteractionKind.STATUS_CHANGE,
                    actor_label="system",
                    summary=f"Status: Active → Stalled (no activity for "
                    f"{practice.stalled_after_days} days)",
                    data={"from": LeadStatus.ACTIVE, "to": LeadStatus.STALLED},
                    occurred_at=now,
                )
                for lead_id in chunk
            )
            rescore_mark(practice_id=practice.pk, lead_ids=chunk)
    return len(ids)
