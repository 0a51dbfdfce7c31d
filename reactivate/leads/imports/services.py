"""Imports as the rest of the product calls them: the batch record around the pipeline."""

from __future__ import annotations

from pathlib import Path

from reactivate.leads.imports.pipeline import ImportResult, Progress, run_import
from reactivate.tenancy.models import Practice


def import_run(
    *,
    practice: Practice,
    path: Path | str,
    preset: str = "auto",
    mapping: dict | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    return run_import(
        practice=practice,
        path=path,
        preset=preset,
        mapping=mapping,
        dry_run=dry_run,
        progress=progress,
    )
