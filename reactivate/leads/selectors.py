"""Reads of lead data, always through a practice: there is no unscoped lead query."""

from __future__ import annotations

import re

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from reactivate.core.text import Fold, fold
from reactivate.leads.choices import ContactKind, LeadStatus, Stage
from reactivate.leads.models import ContactPoint, Lead, Suppression
from reactivate.leads.scans import (
    add_totals,
    distinct_values,
    per_value,
    practice_leads,
    split_scan,
)
from reactivate.tenancy.models import Practice

PHONE_LIKE = re.compile(r"\+?[\d\s().-]{7,}")


def lead_list(
    *,
    practice: Practice,
    query: str = "",
    status: str = "",
    stage: str = "",
    treatment: str = "",
    order: str = "",
) -> QuerySet[Lead]:
    leads = Lead.objects.filter(practice=practice)
    if status:
        leads = leads.filter(status=status)
    if stage:
        leads = leads.filter(stage=stage)
    if treatment:
        leads = leads.filter(treatment=treatment)
    query = query.strip()
    if PHONE_LIKE.fullmatch(query):
        # "(773) 555-0142" is one phone number, not three words.
        query = "".join(ch for ch in query if ch.isdigit())
    named = Lead.objects.annotate(first_folded=Fold("first_name"), last_folded=Fold("last_name"))
    for word in query.split()[:5]:
        digits = "".join(ch for ch in word if ch.isdigit())
        folded = fold(word)
        match = (
            # Accent- and case-blind: the front desk types "nunez" for Núñez.
            Q(first_folded__contains=folded)
            | Q(last_folded__contains=folded)
            | Q(external_id=word)
            | Q(contact_points__value__contains=word.lower())
        )
        if len(digits) >= 4:
            # Phones are stored as E.164; "(415) 555" should still find them.
            match |= Q(
                contact_points__kind=ContactKind.PHONE, contact_points__value__contains=digits
            )
        leads = leads.filter(Q(pk__in=named.filter(match).values("pk")))
    primary_points = ContactPoint.objects.filter(
        kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
    ).order_by("kind", "-is_primary", "id")
    return leads.prefetch_related(
        Prefetch("contact_points", queryset=primary_points, to_attr="reachable_points")
    ).order_by(*ORDERINGS.get(order, ORDERINGS[""]))


ORDERINGS = {
    "": (F("last_contact_at").desc(nulls_last=True), "-id"),
    # Priority = P(reactivate) x value, written by segments.scoring.
    "priority": (F("priority").desc(nulls_last=True), "-id"),
}


def lead_get(*, practice: Practice, lead_id: int) -> Lead:
    lead = Lead.objects.filter(practice=practice, pk=lead_id).select_related("import_batch").first()
    if lead is None:
        raise Http404("No such lead")
    return lead


def lead_treatments(*, practice: Practice) -> list[str]:
    """Every treatment the practice's leads name, in alphabetical order."""
    return distinct_values(practice, "treatment")


def lead_suppressed_values(*, practice: Practice, lead: Lead) -> set[tuple[str, str]]:
    """(kind, value) pairs of this lead's contact points that are on the suppression list."""
    points = [(cp.kind, cp.value) for cp in lead.contact_points.all()]
    if not points:
        return set()
    rows = Suppression.objects.filter(practice=practice, value__in=[v for _, v in points])
    return {(row.kind, row.value) for row in rows} & set(points)


def practice_summary(*, practice: Practice) -> dict:
    """The dashboard's figures: the list by status and by stage, with the value at stake.

    One scan of filtered aggregates.
    """
    aggregates = {
        "n": Count("id"),
        "value": Sum("estimated_value"),
        **per_value("status", LeadStatus.values),
        **per_value("stage", Stage.values),
    }
    leads = practice_leads(practice)
    totals = split_scan(lambda part: leads.filter(part).aggregate(**aggregates), add_totals)

    def rows(field: str, values: list[str]) -> dict:
        return {
            v: {field: v, "n": totals[f"{field}_n_{v}"], "value": totals[f"{field}_v_{v}"]}
            for v in values
            if totals[f"{field}_n_{v}"]
        }

    return {
        "total": totals["n"],
        "total_value": totals["value"] or 0,
        "by_status": rows("status", LeadStatus.values),
        "by_stage": rows("stage", Stage.values),
        "suppressed": Suppression.objects.filter(practice=practice).count(),
    }
