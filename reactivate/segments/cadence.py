"""When a stalled lead may be tried again (seed: "within 3-6 months of leads stalling out,
then again at 6-12 months, then annually thereafter"), with a lifetime cap per practice.

``cycle_count`` counts finished reactivation sequences. A lead that has never been tried is
first eligible ``first_attempt_months`` after it stalled; after its first sequence, at
``second_attempt_months``; after that every ``repeat_every_months``. A lead that comes back
from a sequence always rests at least ``first_attempt_months`` ("typically 3-6 months later"),
and one that has reached ``max_cycles`` is never enrolled again.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import DateTimeField, F, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from reactivate.core.dates import add_months
from reactivate.leads.choices import InteractionKind, LeadStatus
from reactivate.leads.models import Interaction, Lead
from reactivate.tenancy.models import Practice


def stalled_at(lead: Lead) -> datetime:
    """When the lead went quiet: its last contact, else when it came in, else when we got it."""
    return lead.last_contact_at or lead.inquired_at or lead.created_at


STALLED_AT = Coalesce("last_contact_at", "inquired_at", "created_at", output_field=DateTimeField())


def months_after_stall(practice: Practice, cycles_done: int) -> int | None:
    """Months after the stall when attempt number ``cycles_done + 1`` is due; None past the cap."""
    if cycles_done >= practice.max_cycles:
        return None
    if cycles_done == 0:
        return practice.first_attempt_months
    return practice.second_attempt_months + (cycles_done - 1) * practice.repeat_every_months


def next_eligible(
    practice: Practice, stalled: datetime, cycles_done: int, finished_at: datetime | None = None
) -> datetime | None:
    """When the lead may next be enrolled; None once it has had ``max_cycles`` sequences."""
    months = months_after_stall(practice, cycles_done)
    if months is None:
        return None
    due = add_months(stalled, months)
    if finished_at is not None:
        due = max(due, add_months(finished_at, practice.first_attempt_months))
    return due


def eligible_q(practice: Practice, at: datetime | None = None) -> Q:
    """Leads that may be enrolled in a reactivation sequence now (stalled, under the cap, due).

    A lead with no ``next_eligible_at`` yet (never scored since its import) is judged by the
    first-attempt rule on its stall date.
    """
    at = at or timezone.now()
    first_due = add_months(at, -practice.first_attempt_months)
    return Q(status=LeadStatus.STALLED, cycle_count__lt=practice.max_cycles) & (
        Q(next_eligible_at__lte=at)
        | Q(next_eligible_at__isnull=True, cycle_count=0)
        & Q(LessThanOrEqual(STALLED_AT, first_due))
    )


def return_to_pool(lead: Lead, *, finished_at: datetime | None = None) -> Lead:
    """A lead finished a sequence without replying: back to the stalled pool, due again later."""
    finished_at = finished_at or timezone.now()
    practice = lead.practice
    with transaction.atomic():
        Lead.objects.filter(pk=lead.pk).update(cycle_count=F("cycle_count") + 1)
        lead.refresh_from_db(fields=["cycle_count"])
        lead.status = LeadStatus.STALLED
        lead.next_eligible_at = next_eligible(
            practice, stalled_at(lead), lead.cycle_count, finished_at
        )
        lead.save(update_fields=["status", "next_eligible_at", "updated_at"])
        local = (
            lead.next_eligible_at.astimezone(ZoneInfo(practice.timezone))
            if lead.next_eligible_at
            else None
        )
        when = (
            f"eligible again from {local:%-d %b %Y}"
            if local
            else f"lifetime cap of {practice.max_cycles} sequences reached"
        )
        Interaction.objects.create(
            practice=practice,
            lead=lead,
            kind=InteractionKind.STATUS_CHANGE,
            actor_label="system",
            summary=f"Sequence {lead.cycle_count} finished without a reply; {when}",
            data={"cycle_count": lead.cycle_count, "next_eligible_at": str(lead.next_eligible_at)},
            occurred_at=finished_at,
        )
    return lead
