"""Imports run in the background worker; the page polls the batch for progress.

The services mark a batch queued; the functions here (one floor up) hand it to the worker once
the transaction commits, so services never import their own tasks.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from huey.contrib.djhuey import db_task

from reactivate.imports.models import ImportBatch
from reactivate.imports.services import import_batch_confirm, import_batch_run, import_batch_start


@db_task(retries=0)
def import_batch_task(batch_id: int) -> None:
    # No retries: a half-understood failure must reach a person, not repeat silently.
    import_batch_run(batch_id=batch_id)


def import_batch_queue(
    *,
    batch: ImportBatch,
    mapping: dict[str, str | None],
    dry_run: bool = False,
    actor: AbstractBaseUser | None,
) -> None:
    """Start an uploaded batch with this mapping and run it in the worker."""
    import_batch_start(batch=batch, mapping=mapping, dry_run=dry_run, actor=actor)
    transaction.on_commit(lambda: import_batch_task(batch.pk))


def import_batch_queue_confirmed(*, batch: ImportBatch, actor: AbstractBaseUser | None) -> None:
    """Import a finished dry run for real, in the worker."""
    import_batch_confirm(batch=batch, actor=actor)
    transaction.on_commit(lambda: import_batch_task(batch.pk))
