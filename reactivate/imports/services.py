"""Imports as the rest of the product calls them: the batch record around the pipeline."""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.imports.mapping import AUTO, MappingError, detect_mapping
from reactivate.imports.models import ImportBatch, ImportStatus
from reactivate.imports.pipeline import ImportResult, Progress, run_import
from reactivate.imports.reading import UnreadableFile, read_table
from reactivate.leads.rescore import rescore_mark
from reactivate.tenancy.models import Practice

log = logging.getLogger(__name__)


def import_run(
    *,
    practice: Practice,
    path: Path | str,
    preset: str = AUTO,
    mapping: dict | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """An import from the shell, recorded as a batch like one from the browser.

    The file stays where it is; its report is kept with the batch so the import history
    shows it beside uploads.
    """
    path = Path(path)
    batch = ImportBatch.objects.create(
        practice=practice,
        filename=path.name[:255],
        stored_path=str(path.resolve()),
        preset=preset if preset != AUTO else "",
        mapping=mapping or {},
        dry_run=dry_run,
        status=ImportStatus.RUNNING,
        stage="reading",
    )
    try:
        result = run_import(
            practice=practice,
            path=path,
            preset=preset,
            mapping=mapping,
            dry_run=dry_run,
            progress=progress,
            batch_id=batch.pk,
        )
    except (UnreadableFile, MappingError) as exc:
        _fail(batch, str(exc))
        raise
    except Exception as exc:
        _fail(batch, f"The import stopped on an unexpected error and stored nothing: {exc}")
        raise
    folder = _batch_folder(practice)
    report = folder / "report.csv"
    result.write_report(report)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.DONE,
        stage="done",
        progress=100,
        report_path=str(report),
        preset=result.mapping.preset,
        mapping=result.mapping.as_json(),
        finished_at=timezone.now(),
        **result.counts,
    )
    if not dry_run:
        _rescore(practice)
    return result


def _rescore(practice: Practice) -> None:
    """New and changed leads need reach, eligibility and priority: a mark that segments'
    minutely task (or the next assessment) picks up."""
    rescore_mark(practice_id=practice.pk)


def _batch_folder(practice: Practice) -> Path:
    folder = Path(settings.HOME) / "imports" / str(practice.pk) / secrets.token_hex(8)
    folder.mkdir(parents=True)
    return folder


def import_upload(
    *, practice: Practice, actor: AbstractBaseUser, upload: UploadedFile
) -> ImportBatch:
    """Keep the uploaded file and propose a mapping; nothing is imported yet.

    Raises UnreadableFile when the file is not a table at all (the file is then removed).
    """
    folder = _batch_folder(practice)
    path = folder / (get_valid_filename(Path(upload.name).name) or "upload.csv")
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        table = read_table(path)
    except UnreadableFile:
        path.unlink()
        folder.rmdir()
        raise
    mapping = detect_mapping(table.headers)
    return ImportBatch.objects.create(
        practice=practice,
        created_by=actor,
        filename=upload.name[:255],
        stored_path=str(path),
        preset=mapping.preset,
        mapping=mapping.as_json(),
        rows=table.rows,
    )


def import_batch_start(
    *,
    batch: ImportBatch,
    mapping: dict[str, str | None],
    dry_run: bool = False,
    actor: AbstractBaseUser | None,
) -> None:
    """Save the chosen mapping and mark the batch queued; ``tasks.import_batch_queue`` hands
    it to the worker (the task module sits above this one, so this module never imports it)."""
    batch.mapping = mapping
    batch.dry_run = dry_run
    batch.status = ImportStatus.QUEUED
    batch.stage = "waiting for the worker"
    batch.progress = 0
    batch.save(update_fields=["mapping", "dry_run", "status", "stage", "progress"])
    audit_record(
        practice=batch.practice,
        actor=actor,
        action=AuditAction.IMPORT_STARTED,
        obj=batch,
        detail={"filename": batch.filename, "dry_run": dry_run},
    )


def import_batch_confirm(*, batch: ImportBatch, actor: AbstractBaseUser | None) -> None:
    """After a dry run, import the same upload for real with the same mapping."""
    if not (batch.dry_run and batch.status == ImportStatus.DONE):
        raise ValueError("Only a finished dry run can be confirmed.")
    batch.status = ImportStatus.UPLOADED
    import_batch_start(batch=batch, mapping=batch.mapping, dry_run=False, actor=actor)


def import_batch_run(*, batch_id: int) -> ImportBatch:
    """Run a queued batch, recording progress, counts, the report and any failure."""
    batch = ImportBatch.objects.select_related("practice").get(pk=batch_id)
    if batch.status not in (ImportStatus.QUEUED, ImportStatus.UPLOADED):
        return batch  # already run: a re-delivered task must not import twice
    batch.status = ImportStatus.RUNNING
    batch.save(update_fields=["status"])
    last = [0.0]

    def progress(stage: str, percent: int) -> None:
        # Throttled: a progress write per stage, at most one a second.
        now = time.monotonic()
        if now - last[0] >= 1 or percent >= 100:
            last[0] = now
            ImportBatch.objects.filter(pk=batch.pk).update(stage=stage, progress=percent)

    try:
        result = run_import(
            practice=batch.practice,
            path=batch.stored_path,
            mapping=batch.mapping,
            dry_run=batch.dry_run,
            filename=batch.filename,
            progress=progress,
            batch_id=batch.pk,
        )
    except (UnreadableFile, MappingError) as exc:
        return _fail(batch, str(exc))
    except Exception as exc:
        log.exception("import batch %s failed", batch.pk)
        _fail(batch, f"The import stopped on an unexpected error and stored nothing: {exc}")
        raise
    report = Path(batch.stored_path).with_name("report.csv")
    result.write_report(report)
    if not batch.dry_run:
        # The export holds patients' details; once imported, the practice's copy is the leads.
        Path(batch.stored_path).unlink(missing_ok=True)
    counts = result.counts
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.DONE,
        stage="done",
        progress=100,
        report_path=str(report),
        finished_at=timezone.now(),
        **counts,
    )
    if not batch.dry_run:
        _rescore(batch.practice)
    batch.refresh_from_db()
    return batch


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED, stage="failed", error=message, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch
