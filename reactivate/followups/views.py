"""Calls to make: the script, the voicemail, the lead's recent history, and the outcome in
two clicks (open the call, press what happened)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reactivate.followups.models import CallOutcome, CallTask
from reactivate.followups.selectors import call_history, open_calls, recent_calls
from reactivate.followups.services import CallError, call_log_outcome
from reactivate.tenancy.access import practice_view


@practice_view()
def call_list(request: HttpRequest) -> HttpResponse:
    context = {
        "tasks": open_calls(request.practice),
        "done": recent_calls(request.practice),
        "outcomes": CallOutcome.choices,
    }
    return render(request, "followups/calls.html", context)


@practice_view()
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CallTask.objects.select_related("lead"), pk=pk,
                             practice=request.practice)  # fmt: skip
    context = {"task": task, "history": call_history(task), "outcomes": CallOutcome.choices}
    return render(request, "followups/call.html", context)


@require_POST
@practice_view(edit=True)
def call_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CallTask, pk=pk, practice=request.practice)
    try:
        call_log_outcome(task=task, outcome=request.POST.get("outcome", ""), actor=request.user,
                         note=request.POST.get("note", ""))  # fmt: skip
    except CallError as exc:
        messages.error(request, str(exc))
    else:
        label = CallOutcome(request.POST["outcome"]).label
        messages.success(request, f"Logged: {label.lower()} ({task.lead}).")
    return redirect("call_list", slug=request.practice.slug)


@practice_view()
def followup_list(request: HttpRequest) -> HttpResponse:
    """The old address of the follow-ups: the worklist now shows them, with the calls."""
    return redirect("worklist", slug=request.practice.slug)
