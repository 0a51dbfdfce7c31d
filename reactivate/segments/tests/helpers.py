"""A small practice whose every assessment figure is known by hand (see test_assessment)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from reactivate.core.dates import add_months
from reactivate.leads.choices import (
    Channel,
    ConsentStatus,
    ContactKind,
    DormancyReason,
    LeadStatus,
    LineType,
    Stage,
    SuppressionReason,
    Validity,
)
from reactivate.leads.models import Consent, ContactPoint, Lead, Suppression
from reactivate.tenancy.models import Agency, Practice


def months_ago(now: datetime, months: int) -> datetime:
    # Two days past the month boundary, so no band edge is ever in doubt.
    return add_months(now, -months) - timedelta(days=2)


def point(lead: Lead, kind: str, value: str, **extra) -> ContactPoint:
    return ContactPoint.objects.create(
        practice=lead.practice,
        lead=lead,
        kind=kind,
        value=value,
        validity=extra.pop("validity", Validity.VALID),
        **extra,
    )


def grant(p: ContactPoint, channel: str, status: str = ConsentStatus.GRANTED) -> None:
    Consent.objects.create(
        practice=p.practice,
        contact_point=p,
        channel=channel,
        status=status,
        recorded_at=p.created_at,
    )


def known_practice(agency: Agency, now: datetime) -> tuple[Practice, dict[str, Lead]]:
    practice = Practice.objects.create(
        agency=agency,
        slug="known",
        name="Known Numbers Dental",
        timezone="America/Chicago",
        cost_per_new_lead=Decimal("200"),
    )

    def lead(name, status, stage, value, months, reason, cost=None):
        return Lead.objects.create(
            practice=practice,
            first_name=name,
            last_name="Known",
            status=status,
            stage=stage,
            estimated_value=Decimal(value) if value is not None else None,
            acquisition_cost=Decimal(cost) if cost is not None else None,
            last_contact_at=months_ago(now, months),
            dormancy_reason=reason,
            treatment="Implants" if stage == Stage.TREATMENT_PLAN else "Invisalign",
        )

    S = LeadStatus.STALLED
    leads = {
        "a": lead("A", S, Stage.TREATMENT_PLAN, 20000, 1, DormancyReason.PRICE, cost=500),
        "b": lead("B", S, Stage.CONSULTATION, 10000, 4, DormancyReason.TIMING),
        "c": lead("C", S, Stage.FORM, None, 8, DormancyReason.UNKNOWN),
        "d": lead("D", S, Stage.INFO_REQUEST, 5000, 18, DormancyReason.COMPETITOR),
        "e": lead("E", S, Stage.TREATMENT_PLAN, 30000, 30, DormancyReason.PRICE),
        "f": lead("F", LeadStatus.CONVERTED, Stage.CONSULTATION, 8000, 2, DormancyReason.UNKNOWN),
        "g": lead("G", LeadStatus.CLOSED, Stage.FORM, None, 5, DormancyReason.UNKNOWN),
        "h": lead("H", S, Stage.CONSULTATION, 12000, 5, DormancyReason.CIRCUMSTANCES),
    }
    a_email = point(leads["a"], ContactKind.EMAIL, "a@example.com")
    grant(a_email, Channel.EMAIL)
    a_phone = point(leads["a"], ContactKind.PHONE, "+13125550001", line_type=LineType.MOBILE)
    grant(a_phone, Channel.SMS)
    point(leads["b"], ContactKind.EMAIL, "b@example.com")
    point(leads["c"], ContactKind.PHONE, "+13125550003", line_type=LineType.LANDLINE)
    point(leads["e"], ContactKind.EMAIL, "e@example.com")
    Suppression.objects.create(
        practice=practice,
        kind=ContactKind.EMAIL,
        value="e@example.com",
        reason=SuppressionReason.OPT_OUT,
    )
    point(leads["f"], ContactKind.EMAIL, "f@example.com")
    point(leads["g"], ContactKind.EMAIL, "g@example.com")
    point(leads["h"], ContactKind.ADDRESS, "1 Main St, Springfield, IL 62701")
    return practice, leads
