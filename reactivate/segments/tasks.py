"""Background scoring: after imports and outcomes, and a nightly refit on new outcomes."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from reactivate.segments.models import ScoringModel
from reactivate.segments.rescoring import rescore_marked
from reactivate.segments.scoring import (
    NotEnoughOutcomes,
    fit_practice,
    labelled,
    lead_frame,
    score_practice,
)
from reactivate.tenancy.models import Practice

log = logging.getLogger(__name__)


@db_task(retries=1, retry_delay=60)
def score_practice_task(practice_id: int, lead_ids: list[int] | None = None) -> None:
    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is not None:
        score_practice(practice, lead_ids)


@db_periodic_task(crontab(minute="*"))
def rescore_marked_task() -> None:
    rescore_marked()


def refit_if_new_outcomes(practice: Practice) -> bool:
    """Fit again when the practice has more known outcomes than its last fit saw."""
    last = ScoringModel.objects.filter(practice=practice).first()
    known = labelled(lead_frame(practice)).height
    if last is not None and known <= last.outcomes:
        return False
    try:
        result = fit_practice(practice)
    except NotEnoughOutcomes as exc:
        log.info("%s", exc)
        return False
    if result.activated:
        score_practice(practice)
    return True


@db_periodic_task(crontab(hour="3", minute="17"))
def nightly_refit() -> None:
    for practice in Practice.objects.all():
        refit_if_new_outcomes(practice)
