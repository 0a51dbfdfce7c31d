"""The merge review screen and the lead page's "merged rows" panel with its undo buttons."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reactivate.imports.selectors import merged_row_get, merged_rows, open_reviews, review_get
from reactivate.imports.separate import (
    AlreadyDecided,
    CannotMerge,
    merge_undo,
    review_keep_apart,
    review_merge,
)
from reactivate.leads.selectors import lead_get
from reactivate.tenancy.access import practice_view


@practice_view(edit=True)
def review_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(open_reviews(practice=request.practice), 25).get_page(request.GET.get("page"))
    return render(request, "imports/review.html", {"page": page})


@require_POST
@practice_view(edit=True)
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_get(practice=request.practice, review_id=review_id)
    try:
        if request.POST.get("decision") == "merge":
            kept = review_merge(review=review, actor=request.user)
            messages.success(request, f"Merged into lead {kept.pk}; undo it from that lead's page.")
        else:
            review_keep_apart(review=review, actor=request.user)
            messages.success(request, "Kept apart: they will not be asked about again.")
    except (CannotMerge, AlreadyDecided) as exc:
        messages.error(request, str(exc))
    return redirect("merge_review", slug=request.practice.slug)


@practice_view()
def lead_merges(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    rows = merged_rows(practice=request.practice, lead_id=lead.pk)
    template = "imports/_lead_merges.html" if request.htmx else "imports/lead_merges.html"
    return render(request, template, {"lead": lead, "rows": rows})


@require_POST
@practice_view(edit=True)
def merge_undo_view(request: HttpRequest, merged_id: int) -> HttpResponse:
    row = merged_row_get(practice=request.practice, merged_id=merged_id)
    try:
        split = merge_undo(merged_row=row, actor=request.user)
    except AlreadyDecided as exc:
        messages.error(request, str(exc))
        return redirect("lead_detail", slug=request.practice.slug, lead_id=row.lead_id)
    messages.success(
        request, f"Separated: {split.first_name} {split.last_name} is lead {split.pk}."
    )
    return redirect("lead_detail", slug=request.practice.slug, lead_id=row.lead_id)
