"""The practice's dashboard (the program's results, then the list), its CSV, the program's
costs, and an agency's practices side by side."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.models import Campaign
from reactivate.leads.choices import LeadStatus, Stage
from reactivate.metrics.charts import page_context
from reactivate.metrics.definitions import costs_of
from reactivate.metrics.exports import metrics_csv
from reactivate.metrics.forms import CostEntryForm, PricesForm
from reactivate.metrics.models import CostEntry
from reactivate.metrics.report import metrics
from reactivate.metrics.services import PRICE_FIELDS, cost_add, cost_remove, costs_update
from reactivate.metrics.snapshots import figures, refresh, slow
from reactivate.metrics.tasks import refresh_snapshot
from reactivate.metrics.weekly import weekly_pdf
from reactivate.tenancy.access import practice_view, practices_for


def _campaign(request: HttpRequest) -> Campaign | None:
    chosen = request.GET.get("campaign", "")
    if not chosen:
        return None
    if not chosen.isdigit():
        raise Http404("No such campaign.")
    return get_object_or_404(Campaign, pk=int(chosen), practice=request.practice)


@practice_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    kept = figures(request.practice, campaign)
    summary = kept.summary
    total = summary["total"] or 1
    statuses = [(s, summary["by_status"].get(s.value, {})) for s in LeadStatus]
    stages = [(s, summary["by_stage"].get(s.value, {})) for s in Stage]
    return render(request, "metrics/dashboard.html", {
        **page_context(kept.report),
        "kept": kept,
        "campaign": campaign,
        "campaigns": Campaign.objects.filter(practice=request.practice,
                                             launched_at__isnull=False).order_by("-launched_at"),
        "summary": summary,
        "statuses": [(s, row, 100 * row.get("n", 0) / total) for s, row in statuses],
        "stages": [(s, row, 100 * row.get("n", 0) / total) for s, row in stages],
    })  # fmt: skip


QUEUED = ("Newer figures are being computed by the worker: this practice's report takes a few "
          "seconds. Reload in a moment.")  # fmt: skip


@require_POST
@practice_view(edit=True)
def refresh_now(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    if slow(request.practice, campaign):
        refresh_snapshot(request.practice.pk, campaign.pk if campaign else None)
        messages.info(request, QUEUED)
    else:
        refresh(request.practice, campaign, read=True)
    url = reverse("dashboard", kwargs={"slug": request.practice.slug})
    return redirect(url + (f"?campaign={campaign.pk}" if campaign else ""))


@practice_view()
def export_csv(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    report = figures(request.practice, campaign).report
    audit_record(practice=request.practice, actor=request.user,
                 action=AuditAction.METRICS_EXPORTED, obj=request.practice,
                 detail={"campaign": campaign.pk if campaign else None})  # fmt: skip
    response = HttpResponse(metrics_csv(report), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="metrics-{request.practice.slug}-{stamp}.csv"'
    )
    return response


@practice_view()
def export_pdf(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    report = figures(request.practice, campaign).report
    detail = {"campaign": campaign.pk if campaign else None, "format": "pdf"}
    audit_record(practice=request.practice, actor=request.user,
                 action=AuditAction.METRICS_EXPORTED, obj=request.practice,
                 detail=detail)  # fmt: skip
    response = HttpResponse(weekly_pdf(request.practice, report), content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="metrics-{request.practice.slug}-{stamp}.pdf"'
    )
    return response


@practice_view(manage=True)
def costs(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    current = costs_of(practice)
    form = PricesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        costs_update(practice=practice, actor=request.user,
                     **{name: form.cleaned_data[name] for name in PRICE_FIELDS})  # fmt: skip
        messages.success(request, "Prices saved: cost per reactivated lead uses them now.")
        return redirect("metrics_costs", slug=practice.slug)
    return render(request, "metrics/costs.html", {
        "form": form,
        "entry_form": CostEntryForm(practice=practice),
        "entries": CostEntry.objects.filter(practice=practice).select_related("campaign"),
    })  # fmt: skip


@require_POST
@practice_view(manage=True)
def cost_entry_add(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = CostEntryForm(request.POST, practice=practice)
    if not form.is_valid():
        return render(request, "metrics/costs.html", {
            "form": PricesForm(instance=costs_of(practice)), "entry_form": form,
            "entries": CostEntry.objects.filter(practice=practice).select_related("campaign"),
        }, status=400)  # fmt: skip
    cost_add(practice=practice, actor=request.user, **form.cleaned_data)
    messages.success(request, "Cost added.")
    return redirect("metrics_costs", slug=practice.slug)


@require_POST
@practice_view(manage=True)
def cost_entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CostEntry, pk=pk, practice=request.practice)
    cost_remove(entry=entry, actor=request.user)
    messages.success(request, f"Removed “{entry.description}”.")
    return redirect("metrics_costs", slug=request.practice.slug)


@practice_view()
def side_by_side(request: HttpRequest) -> HttpResponse:
    """Every practice of this one's agency the user may open, one row each."""
    practices = practices_for(request.user).filter(agency=request.practice.agency)
    rows = [(p, metrics(p)) for p in practices.order_by("name")]
    return render(request, "metrics/side_by_side.html", {"rows": rows})
