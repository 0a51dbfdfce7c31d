"""Reads of lead data, always through a practice: there is no unscoped lead query."""

from __future__ import annotations

import re

from django.db import connections, router
from django.db.models import (
    Count,
    DateTimeField,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from reactivate.core.phones import e164_typed
from reactivate.core.text import search_key
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
PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "la",
        "las",
        "los",
        "le",
        "van",
        "von",
        "der",
        "den",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "st",
        "y",
        "e",
        "bin",
        "al",
    ]
)
EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def lead_list(
    *,
    practice: Practice,
    query: str = "",
    status: str = "",
    stage: str = "",
    treatment: str = "",
    order: str = "",
) -> QuerySet[Lead]:
    query = query.strip()
    both = _every_word(practice, _named(query)) if query else None
    if both is not None:
        # Already this practice's ids. The practice test stays, as an expression no index
        # serves: given the practice's index, SQLite would walk the practice for 400 ids.
        leads = Lead.objects.alias(home=F("practice_id") + 0).filter(home=practice.pk,
                                                                      pk__in=both)  # fmt: skip
    else:
        leads = Lead.objects.filter(practice=practice)
    if status:
        leads = leads.filter(status=status)
    if stage:
        leads = leads.filter(stage=stage)
    if treatment:
        leads = leads.filter(treatment=treatment)
    ordering = ORDERINGS.get(order, ORDERINGS[""])
    if query:
        if both is None:
            leads = leads.filter(_matching(practice, query))
        # Sorted by a value no index holds, so the database finds the few matches through
        # the name, phone or email indexes and sorts them, instead of walking the whole
        # practice in date or priority order looking for them.
        ordering = [SEARCH_SORT.get(order, SEARCH_SORT[""]), "-id"]
    primary_points = ContactPoint.objects.filter(
        kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
    ).order_by("kind", "-is_primary", "id")
    return leads.prefetch_related(
        Prefetch("contact_points", queryset=primary_points, to_attr="reachable_points")
    ).order_by(*ordering)


def _matching(practice: Practice, query: str) -> Q:
    """What the front desk typed, as conditions each served by an index: a phone number in
    any format (its E.164 form), an email (or its start), else each word the start of the
    first or last name, accents and case aside, or a CRM id."""
    points = ContactPoint.objects.filter(practice=practice)
    if PHONE_LIKE.fullmatch(query):
        number = e164_typed(query, practice.country or "US")
        if number is not None:
            return Q(pk__in=points.filter(kind=ContactKind.PHONE, value=number).values("lead_id"))
    if "@" in query:
        address = query.lower()
        found = points.filter(kind=ContactKind.EMAIL)
        found = found.filter(value=address) if EMAIL_LIKE.fullmatch(address) else found.filter(
            _starts(ContactPoint, "value", address)
        )  # fmt: skip
        return Q(pk__in=found.values("lead_id"))
    match = Q()
    for word in _named(query):
        key = search_key(word)
        said = Q()
        if key:
            said = (_starts(Lead, "first_key", key) | _starts(Lead, "last_key", key)
                    | _starts(Lead, "last_word_key", key))  # fmt: skip
        # Looked up first: an IN (subquery) among the ORs would keep the planner off the
        # name indexes; a short list of ids does not.
        crm = Lead.objects.filter(practice=practice, external_id=word).exclude(external_id="")
        ids = list(crm.values_list("pk", flat=True)[:100])
        match &= (said | Q(pk__in=ids)) if ids else said
    return match


def _named(query: str) -> list[str]:
    """The words of a name search. "van der Berg", "de la Cruz": the particles inside a
    name are no word's start the keys hold, and the rest of the name finds it."""
    words = query.split()[:5]
    return [w for w in words if search_key(w) not in PARTICLES] or words


NAME_KEYS = ("first_key", "last_key", "last_word_key")
BOTH_LIMIT = 5000  # more matches than this: the plain conditions, sorted by the database


def _every_word(practice: Practice, words: list[str]) -> list[int] | None:
    """Ids of the leads every word names (a name's start, or a CRM id), found in the name
    indexes alone: one index range per word and key, intersected before a row is read.

    On SQLite the conditions ANDed across words make it read every "Maria" to find the
    Garcias among them (190 ms at p95 on 910k leads); this reads only index entries. On
    PostgreSQL (bitmap ANDs of the same indexes) and past BOTH_LIMIT, None: the caller's
    conditions are used."""
    if len(words) < 2 or PHONE_LIKE.fullmatch(" ".join(words)) or "@" in "".join(words):
        return None
    if connections[router.db_for_read(Lead)].vendor != "sqlite":
        return None
    named = []
    for word in words:
        mine = Lead.objects.filter(practice=practice).values_list("pk", flat=True)
        key = search_key(word)
        # Excluding "" in the words of the partial unique index's own condition, so that
        # SQLite uses it for the CRM id.
        crm = mine.filter(external_id=word).exclude(external_id="")
        ranges = [mine.filter(_starts(Lead, field, key)) for field in NAME_KEYS] if key else []
        named.append(crm.union(*ranges) if ranges else crm)
    ids = list(named[0].intersection(*named[1:])[: BOTH_LIMIT + 1])
    return ids if len(ids) <= BOTH_LIMIT else None


def _starts(model, field: str, prefix: str) -> Q:
    """``field`` begins with ``prefix``, in the form the database's index serves: a range
    on SQLite (bytewise), LIKE 'x%' on PostgreSQL (varchar_pattern_ops)."""
    if connections[router.db_for_read(model)].vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


ORDERINGS = {
    "": (F("last_contact_at").desc(nulls_last=True), "-id"),
    # Priority = P(reactivate) x value, written by segments.scoring; served by lead_priority
    # (migration leads 0009).
    "priority": (F("priority").desc(nulls_last=True), "-id"),
}
SEARCH_SORT = {
    "": Coalesce("last_contact_at", Value(None, DateTimeField())).desc(nulls_last=True),
    "priority": Coalesce("priority", Value(None, FloatField())).desc(nulls_last=True),
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
