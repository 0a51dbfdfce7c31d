"""Reads for the merge review and a lead's merges, always within one practice."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from reactivate.imports.models import MergedRow, MergeReview, ReviewStatus
from reactivate.tenancy.models import Practice


def open_reviews(*, practice: Practice) -> QuerySet[MergeReview]:
    return (
        MergeReview.objects.filter(practice=practice, status=ReviewStatus.OPEN, other__isnull=False)
        .select_related("lead", "other")
        .prefetch_related("lead__contact_points", "other__contact_points")
    )


def review_get(*, practice: Practice, review_id: int) -> MergeReview:
    review = MergeReview.objects.filter(practice=practice, pk=review_id).first()
    if review is None:
        raise Http404("No such pair")
    return review


def merged_rows(*, practice: Practice, lead_id: int) -> QuerySet[MergedRow]:
    return MergedRow.objects.filter(practice=practice, lead_id=lead_id).select_related(
        "undone_by", "split_lead"
    )


def merged_row_get(*, practice: Practice, merged_id: int) -> MergedRow:
    row = MergedRow.objects.filter(practice=practice, pk=merged_id).first()
    if row is None:
        raise Http404("No such merge")
    return row
