"""The engine's raw paths to its tables, and how long a worker's claim lasts.

A batch writes hundreds of rows of a few shapes; these helpers skip the ORM's per-row work
(preparing parameters, building instances through keywords), which cost more than the
statements themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connection

from reactivate.core.env import envint

# How long a worker's claim on a batch lasts; a dead worker's batch comes back after it.
LEASE = timedelta(seconds=envint("ENGINE_LEASE_SECONDS", 300))


@dataclass(frozen=True)
class Claim:
    """A batch of enrolments one worker holds until its lease ends, tagged so that the batch
    can be read back by its tag (a join, not a list of ids in every query)."""

    tag: str
    ids: list[int]


@lru_cache(maxsize=256)
def db_moment(moment: datetime | None):
    """A datetime as the ORM would store it: raw statements skip the ORM's conversion. A
    batch writes the same few moments (its clock, the next step's time) many times over."""
    return connection.ops.adapt_datetimefield_value(moment)


def insert_rows(model, objects: list) -> None:
    """INSERT new model instances with one executemany, skipping the ORM's per-field work
    (most of the cost of a bulk_create this size); every field must already be set."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = []
    for f in fields:
        if f.get_internal_type() == "DateTimeField":
            adapters.append(db_moment)
        elif f.get_internal_type() == "JSONField":
            adapters.append(lambda value, f=f: connection.ops.adapt_json_value(value, f.encoder))
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    rows = [
        [
            adapt(getattr(obj, name)) if adapt else getattr(obj, name)
            for name, adapt in zip(names, adapters, strict=True)
        ]
        for obj in objects
    ]
    insert_values(model, names, rows)


def insert_values(model, names: list[str], rows: list) -> None:
    """INSERT rows already in the database's form (see db_moment) into ``model``'s table."""
    if not rows:
        return
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})", rows)


@lru_cache(maxsize=8)
def layout(model) -> tuple[dict[str, int], tuple, tuple]:
    fields = model._meta.concrete_fields
    index = {f.attname: i for i, f in enumerate(fields)}
    # A callable default (dict, list, now) is called for every instance, never shared.
    fresh = tuple(i for i, f in enumerate(fields) if f.has_default() and callable(f.default))
    return index, tuple(f.get_default() for f in fields), fresh


def new_instance(model, **values):
    """A new model instance built through Model.__init__'s positional path, which is several
    times quicker than keywords; fields not given take their defaults."""
    index, defaults, fresh = layout(model)
    args = list(defaults)
    fields = model._meta.concrete_fields
    for i in fresh:
        args[i] = fields[i].get_default()
    for name, value in values.items():
        args[index[name]] = value
    return model(*args)


def outbox_ids(keys: list[str]) -> dict[str, int]:
    """The outbox rows with these idempotency keys, as key → id. Plain SQL: the ORM spends
    longer preparing 500 parameters than the database spends on the lookup."""
    if not keys:
        return {}
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT idempotency_key, id FROM channels_outboundmessage "
            f"WHERE idempotency_key IN ({marks})",
            keys,
        )
        return dict(cursor.fetchall())
