from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reactivate.leads.choices import LeadStatus
from reactivate.leads.forms import LanguageForm, LeadFilterForm, NoteForm, StatusForm
from reactivate.leads.models import Interaction
from reactivate.leads.selectors import (
    lead_get,
    lead_list,
    lead_treatments,
)
from reactivate.leads.services import lead_add_note, lead_set_language, lead_set_status
from reactivate.leads.treatments import treatments_in_use, treatments_update, vocabulary_text
from reactivate.tenancy.access import practice_view


@practice_view()
def lead_index(request: HttpRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET, treatments=lead_treatments(practice=request.practice))
    filters = form.cleaned_data if form.is_valid() else {}
    leads = lead_list(
        practice=request.practice,
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        stage=filters.get("stage", ""),
        treatment=filters.get("treatment", ""),
        order=filters.get("order", ""),
    )
    page = Paginator(leads, settings.LEADS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "leads/_table.html" if request.htmx else "leads/index.html"
    return render(request, template, context)


def _detail_context(request: HttpRequest, lead) -> dict:
    """What the lead page's timeline needs (re-drawn after a note; the page is workspace's)."""
    return {
        "lead": lead,
        "timeline": Interaction.objects.filter(lead=lead).select_related("actor")[:200],
        "note_form": NoteForm(),
    }


@require_POST
@practice_view(edit=True)
def lead_note(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        lead_add_note(lead=lead, actor=request.user, body=form.cleaned_data["body"])
        form = NoteForm()
    if request.htmx:
        context = _detail_context(request, lead) | {"note_form": form}
        return render(request, "leads/_timeline.html", context)
    return redirect("lead_detail", slug=request.practice.slug, lead_id=lead.pk)


@require_POST
@practice_view(edit=True)
def lead_language(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    form = LanguageForm(request.POST)
    if form.is_valid():
        lead_set_language(
            lead=lead, actor=request.user, language=form.cleaned_data["preferred_language"]
        )
    return redirect("lead_detail", slug=request.practice.slug, lead_id=lead.pk)


@require_POST
@practice_view(edit=True)
def lead_status(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"Status not saved: {errors}")
        return redirect("lead_detail", slug=request.practice.slug, lead_id=lead.pk)
    lead_set_status(
        lead=lead,
        actor=request.user,
        status=LeadStatus(form.cleaned_data["status"]),
        reason=form.cleaned_data["reason"],
    )
    return redirect("lead_detail", slug=request.practice.slug, lead_id=lead.pk)


@practice_view(manage=True)
def treatment_settings(request: HttpRequest) -> HttpResponse:
    """The practice's treatment names and what its leads carry."""
    practice = request.practice
    text = vocabulary_text(practice)
    error = ""
    if request.method == "POST":
        text = request.POST.get("vocabulary", "")
        try:
            renamed = treatments_update(practice=practice, actor=request.user, text=text)
        except ValueError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Treatments saved; {renamed} leads renamed.")
            return redirect("treatment_settings", slug=practice.slug)
    context = {"text": text, "error": error, "in_use": treatments_in_use(practice=practice)}
    return render(request, "leads/treatments.html", context, status=400 if error else 200)
