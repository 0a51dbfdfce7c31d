"""Changes to what the program costs: each by a person, keyword-only, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.models import Campaign
from reactivate.metrics.models import CostEntry, MetricsSnapshot, ProgramCosts
from reactivate.tenancy.models import Practice

PRICE_FIELDS = ("email_price", "sms_price", "letter_price", "staff_hourly_rate",
                "minutes_per_call", "minutes_per_reply")  # fmt: skip


def costs_update(*, practice: Practice, actor: AbstractBaseUser, **prices) -> ProgramCosts:
    """Set the practice's prices; the old and new values go in the audit event."""
    unknown = set(prices) - set(PRICE_FIELDS)
    if unknown:
        raise ValueError(f"Not a price: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        costs, _ = ProgramCosts.objects.select_for_update().get_or_create(practice=practice)
        changed = {
            name: [str(getattr(costs, name)), str(value)]
            for name, value in prices.items()
            if getattr(costs, name) != value
        }
        for name, value in prices.items():
            setattr(costs, name, value)
        costs.full_clean()
        costs.save()
        if changed:
            audit_record(practice=practice, actor=actor, action=AuditAction.COSTS_CHANGED,
                         obj=costs, detail=changed)  # fmt: skip
            _stale(practice)
    return costs


def cost_add(
    *, practice: Practice, actor: AbstractBaseUser, description: str, amount: Decimal,
    incurred_on: date, campaign: Campaign | None = None,
) -> CostEntry:  # fmt: skip
    """A fixed cost of the program, or of one of the practice's campaigns."""
    if campaign is not None and campaign.practice_id != practice.pk:
        raise ValueError("That campaign belongs to another practice.")
    entry = CostEntry(practice=practice, campaign=campaign, description=description.strip(),
                      amount=amount, incurred_on=incurred_on, created_by=actor)  # fmt: skip
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        audit_record(
            practice=practice, actor=actor, action=AuditAction.COST_ADDED, obj=entry,
            detail={"description": entry.description, "amount": str(amount),
                    "campaign": campaign.pk if campaign else None},
        )  # fmt: skip
        _stale(practice)
    return entry


def cost_remove(*, entry: CostEntry, actor: AbstractBaseUser) -> None:
    with transaction.atomic():
        audit_record(
            practice=entry.practice, actor=actor, action=AuditAction.COST_REMOVED, obj=entry,
            detail={"description": entry.description, "amount": str(entry.amount)},
        )  # fmt: skip
        entry.delete()
        _stale(entry.practice)


def _stale(practice: Practice) -> None:
    """A person who changed a price expects the dashboard to show it at once."""
    MetricsSnapshot.objects.filter(practice=practice).delete()
