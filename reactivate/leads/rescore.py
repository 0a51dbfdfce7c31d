"""Marks for rescoring: the way a change in leads (or an import) asks segments to score again."""

from __future__ import annotations

from collections.abc import Iterable

from reactivate.leads.models import RescoreMark


def rescore_mark(*, practice_id: int, lead_ids: Iterable[int] | None = None) -> RescoreMark:
    """Leave a mark in the caller's transaction; None means every lead of the practice."""
    ids = None if lead_ids is None else sorted({int(i) for i in lead_ids})
    return RescoreMark.objects.create(practice_id=practice_id, lead_ids=ids)


def pending_marks(practice_id: int | None = None) -> dict[int, tuple[int, list[int] | None]]:
    """practice id -> (highest mark id, the leads to score or None for all), for the marks
    left so far; marks made after this read wait for the next pass."""
    marks = RescoreMark.objects.order_by("id")
    if practice_id is not None:
        marks = marks.filter(practice_id=practice_id)
    pending: dict[int, tuple[int, set[int] | None]] = {}
    for mark_id, practice, ids in marks.values_list("id", "practice_id", "lead_ids"):
        _, seen = pending.get(practice, (0, set()))
        merged = None if seen is None or ids is None else seen | set(ids)
        pending[practice] = (mark_id, merged)
    return {
        practice: (top, None if ids is None else sorted(ids))
        for practice, (top, ids) in pending.items()
    }


def marks_clear(*, practice_id: int, up_to: int) -> None:
    RescoreMark.objects.filter(practice_id=practice_id, id__lte=up_to).delete()
