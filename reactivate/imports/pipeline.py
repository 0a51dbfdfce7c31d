"""One import from file to stored leads: read, map, clean, match, write, report.

Every input row ends as created, updated, merged or rejected (with its reason); the counts add
up to the rows read. A file that cannot be read at all raises UnreadableFile and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reactivate.imports import merges, points, writer
from reactivate.imports.cleaning import Cleaned, clean
from reactivate.imports.dedupe import assign
from reactivate.imports.mapping import AUTO, Mapping, detect_mapping, mapping_from_json
from reactivate.imports.reading import ROW, Table, read_table
from reactivate.leads.frames import bulk_transaction, refresh_statistics
from reactivate.tenancy.models import Practice

Progress = Callable[[str, int], None]
OUTCOMES = ("created", "updated", "merged", "rejected")
PREVIEW_ROWS = 20


@dataclass
class ImportResult:
    table: Table
    mapping: Mapping
    report: pl.DataFrame  # row, outcome, reason, lead_id, flag — one line per data row
    dry_run: bool

    @property
    def counts(self) -> dict[str, int]:
        outcomes = self.report.get_column("outcome").value_counts()
        found = dict(zip(outcomes["outcome"].to_list(), outcomes["count"].to_list(), strict=True))
        counts = {"rows": self.report.height} | {k: found.get(k, 0) for k in OUTCOMES}
        counts["flagged"] = self.report.get_column("flag").is_not_null().sum()
        return counts

    def write_report(self, path: Path | str) -> None:
        self.report.write_csv(path)


def run_import(
    *,
    practice: Practice,
    path: Path | str,
    preset: str = AUTO,
    mapping: dict | None = None,
    dry_run: bool = False,
    filename: str | None = None,
    check_deliverability: bool | None = None,
    progress: Progress | None = None,
    batch_id: int | None = None,
) -> ImportResult:
    step = progress or (lambda stage, percent: None)
    if check_deliverability is None:
        check_deliverability = settings.IMPORT_CHECK_EMAIL_DNS
    filename = filename or Path(path).name
    step("reading", 5)
    table = read_table(path)
    chosen = (
        mapping_from_json(mapping, table.headers)
        if mapping is not None
        else detect_mapping(table.headers, preset)
    )
    step("cleaning", 20)
    cleaned = clean(
        table,
        chosen,
        country=practice.country or "US",
        zone=practice.timezone,
        check_deliverability=check_deliverability,
        stalled_after_days=practice.stalled_after_days,
        vocabulary=practice.treatment_vocabulary,
    )
    # The raw text is no longer needed beyond a preview; dropping it keeps peak memory down.
    table.frame = table.frame.head(PREVIEW_ROWS)
    accepted = cleaned.leads.filter(pl.col("reject").is_null())
    step("matching", 50)
    existing = writer.known_leads(practice)
    known_points = points.existing_points(practice)
    assignment, pairs = assign(
        accepted.select(ROW, "external_id", "first_name", "last_name"),
        cleaned.contacts,
        existing.drop("stored_fingerprint"),
        known_points,
    )
    # Test records are imported like any row and named in the report for a person to remove.
    assignment = (
        assignment.join(accepted.select(ROW, "test_flag"), on=ROW, how="left")
        .with_columns(
            pl.concat_str(["flag", "test_flag"], separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias("flag")
        )
        .drop("test_flag")
    )
    accepted = accepted.drop("test_flag").join(assignment, on=ROW)
    step("saving", 65)
    if dry_run:
        lead_ids = assignment.select("component", "lead_id").unique("component")
        report = _report(cleaned.leads, assignment, lead_ids)
    else:
        report = _write(
            practice,
            accepted,
            cleaned,
            assignment,
            existing,
            known_points,
            filename,
            batch_id,
            pairs,
        )
    step("reporting", 95)
    step("done", 100)
    return ImportResult(table=table, mapping=chosen, report=report, dry_run=dry_run)


def _write(
    practice: Practice,
    accepted: pl.DataFrame,
    cleaned: Cleaned,
    assignment: pl.DataFrame,
    existing: pl.DataFrame,
    known_points: pl.DataFrame,
    filename: str,
    batch_id: int | None,
    pairs: pl.DataFrame,
) -> pl.DataFrame:
    """Store the import in one transaction; return its report.

    SQLite's inserts, index builds and commit run with Python's lock released, so the polars
    work that does not need the database (preparing contact points, the report) runs beside
    them on a helper thread: the machine's second core does it for free.
    """
    # Whole seconds: every row of an import shares this time, and the text is shorter.
    now = timezone.now().replace(tzinfo=None, microsecond=0)
    contacts = cleaned.contacts
    people = writer.combine(accepted)
    # Rows about to be written: new people and their contact points (known people mostly
    # bring what is already stored, so a re-import counts as small).
    new_people = accepted.filter(pl.col("lead_id").is_null()).select(ROW)
    new_rows = people.get_column("lead_id").null_count() + contacts.join(new_people, on=ROW).height
    tables = [writer.LEAD_TABLE, points.POINT_TABLE]
    with (
        bulk_transaction(tables, new_rows, keep=writer.APPENDED_INDEXES),
        ThreadPoolExecutor(1) as helper,
    ):
        new = writer.new_leads(people)
        lead_ids = pl.concat(
            [
                people.filter(pl.col("lead_id").is_not_null()).select("component", "lead_id"),
                new.select("component", pl.col("id").alias("lead_id")),
            ]
        )
        row_leads = (
            accepted.select(ROW, "component").join(lead_ids, on="component").select(ROW, "lead_id")
        )
        all_points = pl.concat([contacts, points.addresses(accepted)])
        prepared = helper.submit(points.new_points, all_points, row_leads, known_points)
        report = helper.submit(_report, cleaned.leads, assignment, lead_ids)
        writer.create_leads(practice, new, now, batch_id)
        writer.update_leads(practice, people, existing.select("lead_id", "stored_fingerprint"), now)
        points.create_points(practice, prepared.result(), now)
        points.apply_opt_outs(practice, accepted, row_leads, filename)
        merged = (
            accepted.filter(pl.col("outcome") == "merged").drop("lead_id").join(row_leads, on=ROW)
        )
        points.record_merges(practice, merged.select(ROW, "lead_id"), filename)
        aware = now.replace(tzinfo=UTC)
        merges.record_merged_rows(
            practice=practice,
            merged=merged,
            all_points=all_points.select(ROW, "kind", "value"),
            row_leads=row_leads,
            known_points=known_points,
            filename=filename,
            batch_id=batch_id,
            now=aware,
        )
        merges.record_reviews(
            practice=practice, pairs=pairs, row_leads=row_leads, batch_id=batch_id, now=aware
        )
    if not connection.in_atomic_block:  # after the commit, when this import owns it
        refresh_statistics(tables)
    return report.result()


def _report(leads: pl.DataFrame, assignment: pl.DataFrame, lead_ids: pl.DataFrame) -> pl.DataFrame:
    rows = (
        leads.select(ROW, "reject", "warnings")
        .join(assignment.select(ROW, "component", "outcome", "flag"), on=ROW, how="left")
        .join(lead_ids, on="component", how="left")
    )
    merged_reason = pl.lit("same person as row ") + pl.col("component").cast(pl.Utf8)
    return rows.sort(ROW).select(
        pl.col(ROW).alias("row"),
        pl.when(pl.col("reject").is_not_null())
        .then(pl.lit("rejected"))
        .otherwise(pl.col("outcome"))
        .alias("outcome"),
        pl.when(pl.col("reject").is_not_null())
        .then(pl.col("reject"))
        .when(pl.col("outcome") == "merged")
        .then(pl.concat_str([merged_reason, pl.col("warnings")], separator="; ", ignore_nulls=True))
        .otherwise(pl.col("warnings"))
        .alias("reason"),
        pl.col("lead_id"),
        pl.col("flag"),
    )
