"""The sequence engine: what happens next for each enrolment, and doing it exactly once.

``run_due`` claims due enrolments in batches (a compare-and-swap UPDATE on SQLite, whose
writes are serialised; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so any number of workers
share the work. Each decision is pure (decide.py); a Batch carries it out (batch.py), its
sends in delivery.py. A message is marked *sending* and committed before the channel is
called; a worker that dies there leaves it *uncertain* for a person, and it is never sent
again (the idempotency key is unique per enrolment and step).
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from reactivate.campaigns.batch import Batch, RunReport
from reactivate.campaigns.handoffs import resume_handoffs
from reactivate.campaigns.models import EnrollmentStatus
from reactivate.campaigns.replan import replan_windows
from reactivate.campaigns.store import LEASE, Claim, db_moment
from reactivate.channels.models import OutboundMessage, OutboundStatus

BATCH = 500


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_due(now: datetime, *, limit: int = BATCH, worker: str | None = None) -> Claim:
    """Claim up to ``limit`` due enrolments for this worker."""
    tag = f"{(worker or worker_name())[:44]}/{secrets.token_hex(6)}"
    until = now + LEASE
    params = [
        tag,
        db_moment(until),
        EnrollmentStatus.ACTIVE.value,
        db_moment(now),
        db_moment(now),
        limit,
    ]
    # Only enrolments of running campaigns (pilot or running) are due: pausing a campaign
    # stops its sends without touching its enrolments.
    select = (
        "SELECT id FROM campaigns_enrollment WHERE status = %s AND next_action_at <= %s "
        "AND (claimed_until IS NULL OR claimed_until < %s) AND campaign_id IN "
        "(SELECT id FROM campaigns_campaign WHERE status IN ('pilot', 'running')) "
        "ORDER BY next_action_at LIMIT %s"
    )
    if connection.vendor == "postgresql":
        select += " FOR UPDATE SKIP LOCKED"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_enrollment SET claimed_by = %s, claimed_until = %s "
            f"WHERE id IN ({select}) RETURNING id",
            params,
        )
        return Claim(tag, [row[0] for row in cursor.fetchall()])


def recover_uncertain(now: datetime) -> int:
    """Sends left in *sending* past the lease belong to a worker that died: uncertain."""
    return OutboundMessage.objects.filter(
        status=OutboundStatus.SENDING, sending_at__lt=now - LEASE
    ).update(status=OutboundStatus.UNCERTAIN)


def run_due(
    now: datetime | None = None, *, limit: int = BATCH, worker: str | None = None
) -> RunReport:
    """One pass: claim a batch of due enrolments and act on each."""
    now = now or timezone.now()
    worker = worker or worker_name()
    replan_windows(now)
    recover_uncertain(now)
    resume_handoffs(now)
    report = RunReport()
    claim = claim_due(now, limit=limit, worker=worker)
    report.claimed = len(claim.ids)
    if claim.ids:
        Batch(claim, now).run(report)
    return report
