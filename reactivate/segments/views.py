from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.leads.choices import LeadStatus
from reactivate.leads.selectors import lead_get
from reactivate.segments.assessment import assess
from reactivate.segments.definitions import (
    DefinitionForm,
    describe,
    named_values,
    segment_counts,
    segment_leads,
)
from reactivate.segments.models import Segment
from reactivate.segments.reports import assessment_csv, assessment_pdf, page_context
from reactivate.segments.scoring import explain_lead
from reactivate.tenancy.access import practice_view


@practice_view()
def assessment_page(request: HttpRequest) -> HttpResponse:
    # A million freshly imported leads take the worker half a minute to score; the page
    # answers at once and says so rather than making the manager wait on it.
    report = assess(request.practice, wait_for_scores=False)
    return render(request, "segments/assessment.html", page_context(report))


@practice_view()
def assessment_download(request: HttpRequest, kind: str) -> HttpResponse:
    practice = request.practice
    report = assess(practice)
    stamp = timezone.localdate().isoformat()
    if kind == "pdf":
        body, content_type = assessment_pdf(practice, report), "application/pdf"
    elif kind == "json":
        # The same document `reactivate assess --json` prints.
        body, content_type = json.dumps(report, indent=2), "application/json"
    else:
        body, content_type = assessment_csv(report), "text/csv; charset=utf-8"
    audit_record(
        practice=practice,
        actor=request.user,
        action=AuditAction.ASSESSMENT_EXPORTED,
        obj=practice,
        detail={"format": kind},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{practice.slug}-{stamp}.{kind}"'
    )
    return response


@require_POST
@practice_view(edit=True)
def assessment_pilot(request: HttpRequest) -> HttpResponse:
    """Phase 1 leads to Phase 2: save the recommended first segment, ready for a pilot."""
    pick = assess(request.practice, record=False, wait_for_scores=False)["recommended_segment"]
    name = f"{pick['name']} ({timezone.localdate():%b %Y})"
    segment, created = Segment.objects.get_or_create(
        practice=request.practice,
        name=name,
        defaults={
            "definition": pick["definition"],
            "description": pick["description"],
            "created_by": request.user,
        },
    )
    if created:
        _audit_saved(request, segment)
        messages.success(request, f"Saved “{segment.name}”. These are its leads, best first.")
    return redirect("segment_detail", slug=request.practice.slug, segment_id=segment.pk)


@practice_view()
def lead_score(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Why a lead scores what it does: the lead page loads this panel from the scoring app,
    which sits above leads, so leads never imports scoring."""
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    template = "segments/_lead_score.html" if request.htmx else "segments/lead_score.html"
    return render(request, template, {"lead": lead, "score": explain_lead(lead)})


@practice_view()
def segment_index(request: HttpRequest) -> HttpResponse:
    segments = list(Segment.objects.filter(practice=request.practice))
    counts = segment_counts(
        request.practice, {str(s.pk): s.definition for s in segments}, with_priority=True
    )
    rows = [(s, counts[str(s.pk)], describe(s.definition)) for s in segments]
    return render(request, "segments/index.html", {"rows": rows})


@practice_view()
def segment_preview(request: HttpRequest) -> HttpResponse:
    """Live count and value while a definition is being edited (HTMX)."""
    form = DefinitionForm(request.GET, **named_values(request.practice))
    form.fields["name"].required = False
    if not form.is_valid():
        return render(request, "segments/_preview.html", {"form": form, "counts": None})
    definition = form.definition()
    counts = segment_counts(request.practice, {"preview": definition}, with_priority=True)[
        "preview"
    ]
    return render(
        request,
        "segments/_preview.html",
        {"form": form, "counts": counts, "description": describe(definition)},
    )


@practice_view(edit=True)
def segment_edit(request: HttpRequest, segment_id: int | None = None) -> HttpResponse:
    practice = request.practice
    segment = get_object_or_404(Segment, practice=practice, pk=segment_id) if segment_id else None
    initial = (
        DefinitionForm.initial_from(segment.name, segment.definition)
        if segment
        else {"statuses": [LeadStatus.STALLED.value], "reachable": True}
    )
    form = DefinitionForm(request.POST or None, initial=initial, **named_values(practice))
    if request.method == "POST" and form.is_valid():
        definition = form.definition()
        target = segment or Segment(practice=practice, created_by=request.user)
        target.name = form.cleaned_data["name"]
        target.definition = definition
        target.description = describe(definition)[:300]
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            form.add_error("name", "This practice already has a segment with that name.")
        else:
            _audit_saved(request, target)
            return redirect("segment_detail", slug=practice.slug, segment_id=target.pk)
    counts, description = None, ""
    if request.method != "POST":
        definition = segment.definition if segment else dict(initial)
        counts = segment_counts(practice, {"s": definition}, with_priority=True)["s"]
        description = describe(definition)
    return render(
        request,
        "segments/edit.html",
        {"form": form, "segment": segment, "counts": counts, "description": description},
    )


@practice_view()
def segment_detail(request: HttpRequest, segment_id: int) -> HttpResponse:
    segment = get_object_or_404(Segment, practice=request.practice, pk=segment_id)
    counts = segment_counts(request.practice, {"s": segment.definition}, with_priority=True)["s"]
    leads = segment_leads(request.practice, segment.definition)
    page = Paginator(leads, settings.LEADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "segments/detail.html",
        {
            "segment": segment,
            "counts": counts,
            "page": page,
            "description": describe(segment.definition),
        },
    )


@require_POST
@practice_view(edit=True)
def segment_delete(request: HttpRequest, segment_id: int) -> HttpResponse:
    segment = get_object_or_404(Segment, practice=request.practice, pk=segment_id)
    audit_record(
        practice=request.practice,
        actor=request.user,
        action=AuditAction.SEGMENT_DELETED,
        obj=segment,
        detail={"name": segment.name, "definition": segment.definition},
    )
    segment.delete()
    messages.success(request, f"Deleted “{segment.name}”. Its leads are untouched.")
    return redirect("segment_index", slug=request.practice.slug)


def _audit_saved(request: HttpRequest, segment: Segment) -> None:
    audit_record(
        practice=request.practice,
        actor=request.user,
        action=AuditAction.SEGMENT_SAVED,
        obj=segment,
        detail={"name": segment.name, "definition": segment.definition},
    )
