"""The practice's home page: its leads by status and stage.

It lives with leads until metrics exists (DESIGN), never in tenancy, which sits below leads.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reactivate.leads.choices import LeadStatus, Stage
from reactivate.leads.selectors import practice_summary
from reactivate.tenancy.access import practice_view


@practice_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    summary = practice_summary(practice=request.practice)
    statuses = [(s, summary["by_status"].get(s.value, {})) for s in LeadStatus]
    stages = [(s, summary["by_stage"].get(s.value, {})) for s in Stage]
    total = summary["total"] or 1
    return render(
        request,
        "leads/dashboard.html",
        {
            "summary": summary,
            "statuses": [(s, row, 100 * row.get("n", 0) / total) for s, row in statuses],
            "stages": [(s, row, 100 * row.get("n", 0) / total) for s, row in stages],
        },
    )
