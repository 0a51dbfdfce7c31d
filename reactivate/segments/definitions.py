"""Segment definitions: what a practice can select leads by, compiled to SQL conditions.

A definition is a small JSON object (stored on Segment.definition). ``condition`` turns it
into one Q over Lead's own columns (no joins, no annotations), so any number of segments can
be counted in a single scan of the lead table with filtered aggregates (``segment_counts``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual
from django.utils import timezone

from reactivate.core.dates import add_months
from reactivate.leads.choices import Channel, DormancyReason, LeadStatus, Stage
from reactivate.leads.models import Lead
from reactivate.leads.scans import add_totals, distinct_values, practice_leads, split_scan
from reactivate.segments.cadence import STALLED_AT, eligible_q
from reactivate.segments.reach import ANY_CHANNEL, CAN, CHANNELS, GRANTED
from reactivate.tenancy.models import Practice

CHANNEL_CHOICES = [(str(c), Channel(c).label) for c in CHANNELS]


def stalled_before(moment: datetime) -> Q:
    """The lead went quiet at or before ``moment`` (last contact, else inquiry, else import)."""
    return Q(LessThanOrEqual(STALLED_AT, moment))


def bits_set(mask: int) -> Q:
    """``reach`` shares at least one bit with ``mask``."""
    return Q(GreaterThan(F("reach").bitand(mask), 0))


def bits_clear(mask: int) -> Q:
    return Q(reach__isnull=True) | Q(Exact(F("reach").bitand(mask), 0))


def condition(practice: Practice, definition: dict, now: datetime | None = None) -> Q:
    """The definition as one condition on the practice's leads."""
    now = now or timezone.now()
    d = definition
    # SQLite tests AND-ed conditions left to right and stops at the first false one, so the
    # cheap, selective tests on short columns go first and the date arithmetic last.
    q = Q()
    if d.get("stages"):
        q &= Q(stage__in=d["stages"])
    if d.get("reasons"):
        q &= Q(dormancy_reason__in=d["reasons"])
    if d.get("value_min") not in (None, ""):
        q &= Q(estimated_value__gte=Decimal(str(d["value_min"])))
    if d.get("value_max") not in (None, ""):
        q &= Q(estimated_value__lte=Decimal(str(d["value_max"])))
    if d.get("treatments"):
        q &= Q(treatment__in=d["treatments"])
    if d.get("sources"):
        q &= Q(source__in=d["sources"])
    if d.get("statuses"):
        q &= Q(status__in=d["statuses"])
    if d.get("channels"):
        q &= bits_set(sum(CAN[Channel(c)] for c in d["channels"]))
    if d.get("consent"):
        q &= bits_set(sum(GRANTED[Channel(c)] for c in d["consent"]))
    if d.get("reachable"):
        q &= bits_set(ANY_CHANNEL)
    if d.get("cycles_max") is not None:
        q &= Q(cycle_count__lte=int(d["cycles_max"]))
    if d.get("months_min") is not None:
        q &= stalled_before(add_months(now, -int(d["months_min"])))
    if d.get("months_max") is not None:
        q &= ~stalled_before(add_months(now, -int(d["months_max"])))
    if d.get("eligible_now"):
        q &= eligible_q(practice, now)
    return q


MAX_CHOICES = 200


def named_values(practice: Practice) -> dict[str, list[str]]:
    """The treatments and sources the practice's leads name, for the segment editor's
    choices (at most MAX_CHOICES each, in alphabetical order).

    Read by a scan of the table like the counts (split on a large SQLite table): walking the
    practice index and fetching every lead by id took SQLite 1.5 s per column for 908k leads,
    and the editor asks on every change of its live count.
    """
    return {
        "treatments": distinct_values(practice, "treatment")[:MAX_CHOICES],
        "sources": distinct_values(practice, "source")[:MAX_CHOICES],
    }


def segment_leads(practice: Practice, definition: dict, now: datetime | None = None) -> QuerySet:
    """The segment's leads, best to call first."""
    return (
        Lead.objects.filter(practice=practice)
        .filter(condition(practice, definition, now))
        .order_by(F("priority").desc(nulls_last=True), "id")
    )


def segment_counts(
    practice: Practice,
    definitions: dict[str, dict],
    now: datetime | None = None,
    *,
    with_priority: bool = False,
) -> dict[str, dict]:
    """Leads and total estimated value of every definition, in one scan of the lead table
    (and, when asked, the summed priority: what working the whole segment is expected to
    bring)."""
    if not definitions:
        return {}
    now = now or timezone.now()
    # What every definition asks alike (a condition is a conjunction of its keys) is asked
    # once, as the scan's own filter: rows it rules out skip every per-segment test.
    first, *others = definitions.values()
    shared = {
        key: value
        for key, value in first.items()
        if value not in (None, "", [], False) and all(d.get(key) == value for d in others)
    }
    leads = practice_leads(practice)
    if shared:
        leads = leads.filter(condition(practice, shared, now))
    aggregates = {}
    for i, definition in enumerate(definitions.values()):
        q = condition(practice, {k: v for k, v in definition.items() if k not in shared}, now)
        aggregates[f"n{i}"] = Count("id", filter=q) if q else Count("id")
        aggregates[f"v{i}"] = Sum("estimated_value", filter=q) if q else Sum("estimated_value")
        if with_priority:
            aggregates[f"p{i}"] = Sum("priority", filter=q) if q else Sum("priority")
    totals = split_scan(lambda part: leads.filter(part).aggregate(**aggregates), add_totals)
    return {
        name: {
            "leads": totals[f"n{i}"] or 0,
            "value": float(totals[f"v{i}"] or 0),
            "priority": float(totals.get(f"p{i}") or 0),
        }
        for i, name in enumerate(definitions)
    }


def describe(definition: dict) -> str:
    """The definition in one line of plain words."""
    d, parts = definition, []
    if d.get("statuses"):
        parts.append(" or ".join(LeadStatus(s).label.lower() for s in d["statuses"]))
    low, high = d.get("months_min"), d.get("months_max")
    if low is not None and high is not None:
        parts.append(f"last contact {low}-{high} months ago")
    elif low is not None:
        parts.append(f"last contact at least {low} months ago")
    elif high is not None:
        parts.append(f"last contact within {high} months")
    if d.get("stages"):
        parts.append("reached " + " or ".join(Stage(s).label.lower() for s in d["stages"]))
    if d.get("value_min") not in (None, ""):
        parts.append(f"value ${Decimal(str(d['value_min'])):,.0f} or more")
    if d.get("value_max") not in (None, ""):
        parts.append(f"value up to ${Decimal(str(d['value_max'])):,.0f}")
    if d.get("reasons"):
        parts.append(
            "stalled over " + " or ".join(DormancyReason(r).label.lower() for r in d["reasons"])
        )
    if d.get("treatments"):
        parts.append("interested in " + " or ".join(d["treatments"]))
    if d.get("sources"):
        parts.append("from " + " or ".join(d["sources"]))
    if d.get("channels"):
        parts.append("reachable by " + " or ".join(Channel(c).label for c in d["channels"]))
    elif d.get("reachable"):
        parts.append("reachable on some channel")
    if d.get("consent"):
        parts.append("consent on record for " + " or ".join(Channel(c).label for c in d["consent"]))
    if d.get("cycles_max") is not None:
        parts.append(f"at most {d['cycles_max']} earlier attempts")
    if d.get("eligible_now"):
        parts.append("due for an attempt now")
    return "; ".join(parts) or "every lead"


class DefinitionForm(forms.Form):
    """Edits a definition; ``definition()`` gives the JSON to store."""

    name = forms.CharField(max_length=120)
    statuses = forms.MultipleChoiceField(
        choices=LeadStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    months_min = forms.IntegerField(
        min_value=0, required=False, label="Last contact at least (months ago)"
    )
    months_max = forms.IntegerField(
        min_value=1, required=False, label="Last contact at most (months ago)"
    )
    stages = forms.MultipleChoiceField(
        choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    value_min = forms.DecimalField(min_value=0, required=False, label="Value from ($)")
    value_max = forms.DecimalField(min_value=0, required=False, label="Value up to ($)")
    reasons = forms.MultipleChoiceField(
        choices=DormancyReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Reason it stalled",
    )
    treatments = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    sources = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Reachable by (any of)",
    )
    reachable = forms.BooleanField(
        required=False, label="Reachable on some channel (valid, not suppressed, permitted)"
    )
    consent = forms.MultipleChoiceField(
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Consent on record for (any of)",
    )
    cycles_max = forms.IntegerField(min_value=0, required=False, label="Earlier attempts at most")
    eligible_now = forms.BooleanField(required=False, label="Due for an attempt now (cadence)")

    FIELDS = (
        "statuses",
        "months_min",
        "months_max",
        "stages",
        "value_min",
        "value_max",
        "reasons",
        "treatments",
        "sources",
        "channels",
        "reachable",
        "consent",
        "cycles_max",
        "eligible_now",
    )

    def __init__(self, *args, treatments=(), sources=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatments"].choices = [(t, t) for t in treatments]
        self.fields["sources"].choices = [(s, s) for s in sources]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("months_min"), data.get("months_max")
        if low is not None and high is not None and high <= low:
            self.add_error("months_max", "Must be more than the lower bound.")
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and high < low:
            self.add_error("value_max", "Must be at least the lower bound.")
        return data

    def definition(self) -> dict:
        data = self.cleaned_data
        out = {}
        for key in self.FIELDS:
            value = data.get(key)
            if value in (None, "", [], False):
                continue
            out[key] = str(value) if isinstance(value, Decimal) else value
        return out

    @classmethod
    def initial_from(cls, name: str, definition: dict) -> dict:
        return {"name": name, **definition}
