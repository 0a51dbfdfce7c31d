"""Imports run in the background worker; the page polls the batch for progress."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from reactivate.leads.imports.services import import_batch_run


@db_task(retries=0)
def import_batch_task(batch_id: int) -> None:
    # No retries: a half-understood failure must reach a person, not repeat silently.
    import_batch_run(batch_id=batch_id)
