"""Scores again the leads that leads, the import and the engine marked (leads.rescore)."""

from __future__ import annotations

from reactivate.leads.rescore import marks_clear, pending_marks
from reactivate.segments.scoring import score_practice
from reactivate.tenancy.models import Practice


def rescore_marked(practice_id: int | None = None) -> int:
    """Score the marked leads (of one practice, or all); returns the practices scored. A mark
    is cleared only after its pass, so a pass that fails is tried again by the next one."""
    done = 0
    for pk, (top, lead_ids) in pending_marks(practice_id).items():
        practice = Practice.objects.filter(pk=pk).first()
        if practice is not None:
            score_practice(practice, lead_ids)
            done += 1
        marks_clear(practice_id=pk, up_to=top)
    return done
