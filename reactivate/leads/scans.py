"""Whole-list reads of a practice's leads: aggregates over every lead, done fast.

The dashboard, the assessment and segment counts all add up figures over a practice's whole
list. On SQLite two things make that fast: reading the table straight through rather than
through the practice index (``practice_leads``), and on a large table reading its two halves
at once on two connections (``split_scan``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections
from django.db.models import (
    Aggregate,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)

from reactivate.leads.models import Lead
from reactivate.tenancy.models import Practice


def practice_leads(practice: Practice) -> QuerySet:
    """The practice's leads, for an aggregate over all of them.

    SQLite holds one practice per file, and there reading the table straight through is
    about eight times faster than what its planner picks for ``practice_id = ?`` (walking the
    practice index and fetching every row by id); ``practice_id + 0`` hides the index.
    PostgreSQL's planner weighs both with statistics, so it gets the plain condition.
    """
    if connection.vendor == "sqlite":
        return Lead.objects.alias(
            _practice=ExpressionWrapper(F("practice_id") + 0, output_field=IntegerField())
        ).filter(_practice=practice.pk)
    return Lead.objects.filter(practice=practice)


T = TypeVar("T")
# From this span of lead ids on, SQLite aggregates are split in two id ranges read at once on
# two connections (SQLite releases Python's lock while it scans, and the machines have two
# cores); below it a second connection costs more than it saves.
SPLIT_FROM = 100_000


def split_scan(run: Callable[[Q], T], merge: Callable[[list[T]], T]) -> T:
    """``run(Q())``, or on a large SQLite table ``merge`` of ``run`` over two id ranges at once.

    ``run`` must be additive over a partition of the leads (counts, sums, grouped counts),
    and filter what it reads by the Q it is given. The split is skipped inside a transaction:
    another connection would not see its uncommitted rows.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return run(Q())
    # Each answered from the end of the rowid b-tree at once (min and max in one SELECT would
    # scan the table), whatever the practice filter.
    low = Lead.objects.aggregate(low=Min("id"))["low"]
    high = Lead.objects.aggregate(high=Max("id"))["high"]
    if low is None or high - low < SPLIT_FROM:
        return run(Q())
    middle = (low + high + 1) // 2

    def upper() -> T:
        try:
            return run(Q(id__gte=middle))
        finally:
            connections.close_all()  # this thread's own connection, opened for this scan

    with ThreadPoolExecutor(1) as helper:
        later = helper.submit(upper)
        first = run(Q(id__lt=middle))
        return merge([first, later.result()])


def add_totals(parts: list[dict]) -> dict:
    """Aggregate results of a split scan added up key by key (None where every part is)."""
    keys = parts[0].keys()
    return {
        k: None if all(p[k] is None for p in parts) else sum(p[k] or 0 for p in parts) for k in keys
    }


def per_value(field: str, values: list[str]) -> dict[str, Aggregate]:
    """Filtered aggregates for one scan: leads and their estimated value for each of
    ``values`` of ``field``, keyed ``{field}_n_{value}`` and ``{field}_v_{value}`` (a GROUP BY
    would make SQLite sort every lead)."""
    aggregates: dict[str, Aggregate] = {}
    for v in values:
        aggregates[f"{field}_n_{v}"] = Count("id", filter=Q(**{field: v}))
        aggregates[f"{field}_v_{v}"] = Sum("estimated_value", filter=Q(**{field: v}))
    return aggregates


def distinct_values(practice: Practice, field: str) -> list[str]:
    """Every non-empty value of a text ``field`` among the practice's leads, in order."""
    leads = practice_leads(practice).exclude(**{field: ""})
    found = split_scan(
        lambda part: set(leads.filter(part).values_list(field, flat=True).distinct()),
        lambda parts: set().union(*parts),
    )
    return sorted(found)
