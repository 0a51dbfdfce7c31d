"""The first rows of an upload as they would be imported, with the problems found."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reactivate.imports.cleaning import clean
from reactivate.imports.mapping import Mapping, mapping_from_json
from reactivate.imports.reading import ROW, Table, read_table
from reactivate.tenancy.models import Practice


@dataclass
class Preview:
    table: Table
    mapping: Mapping
    rows: list[dict]


def import_preview(
    *, practice: Practice, path: Path | str, mapping: dict, limit: int = 10
) -> Preview:
    table = read_table(path, limit=limit)
    chosen = mapping_from_json(mapping, table.headers)
    cleaned = clean(
        table,
        chosen,
        country=practice.country or "US",
        zone=practice.timezone,
        stalled_after_days=practice.stalled_after_days,
        vocabulary=practice.treatment_vocabulary,
    )
    contacts = cleaned.contacts.group_by(ROW, "kind").agg(pl.col("value").str.join(", "))
    rows = []
    for lead in cleaned.leads.iter_rows(named=True):
        found = {
            c["kind"]: c["value"] for c in contacts.filter(pl.col(ROW) == lead[ROW]).to_dicts()
        }
        rows.append(
            lead
            | {"row": lead[ROW], "emails": found.get("email", ""), "phones": found.get("phone", "")}
        )
    return Preview(table=table, mapping=chosen, rows=rows)
