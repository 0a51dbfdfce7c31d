"""The worklist: every open task, due first, updating itself (HTMX polling), with claim,
assign and done on each row and the practice's speed to human beside it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reactivate.campaigns.models import Campaign
from reactivate.campaigns.selectors import campaign_source
from reactivate.followups.models import CallTask, FollowUp, FollowUpKind, Notification, TaskStatus
from reactivate.followups.selectors import speed_to_human, worklist
from reactivate.followups.work import (
    WorkError,
    call_claim,
    followup_assign,
    followup_claim,
    followup_finish,
)
from reactivate.tenancy.access import practice_view
from reactivate.tenancy.choices import EDIT_ROLES
from reactivate.tenancy.models import Membership

POLL_SECONDS = 5
SPEED_DAYS = 30


@practice_view()
def worklist_page(request: HttpRequest) -> HttpResponse:
    practice, get = request.practice, request.GET
    who = get.get("who", "")
    work = worklist(practice, user=request.user, mine=who == "mine", unassigned=who == "unassigned",
                    kind=get.get("kind", ""), source=get.get("campaign", ""))  # fmt: skip
    Notification.objects.filter(user=request.user, practice=practice,
                                read_at__isnull=True).update(read_at=timezone.now())  # fmt: skip
    context = {
        "work": work, "now": timezone.now(), "who": who, "kind": get.get("kind", ""),
        "campaign": get.get("campaign", ""), "query": get.urlencode(), "poll": POLL_SECONDS,
        "kinds": [*FollowUpKind.choices, ("call", "Call")],
        "campaigns": [(campaign_source(c.pk), c.name)
                      for c in Campaign.objects.filter(practice=practice).order_by("name")],
        "members": _members(practice),
        "speed": speed_to_human(practice, since=timezone.now() - timedelta(days=SPEED_DAYS)),
        "speed_days": SPEED_DAYS,
    }  # fmt: skip
    template = "workspace/_work.html" if request.htmx else "workspace/worklist.html"
    return render(request, template, context)


def _members(practice):
    users = Membership.objects.filter(
        practice=practice, role__in=EDIT_ROLES, user__is_active=True
    ).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=users).order_by("first_name", "username"))


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("worklist", slug=request.practice.slug)


@require_POST
@practice_view(edit=True)
def work_claim(request: HttpRequest, ref: str) -> HttpResponse:
    try:
        if ref.startswith("c"):
            call_claim(task=get_object_or_404(CallTask, pk=ref[1:], practice=request.practice),
                       actor=request.user)  # fmt: skip
        else:
            followup_claim(followup=_followup(request, ref), actor=request.user)
    except WorkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "It's yours.")
    return _back(request)


@require_POST
@practice_view(edit=True)
def work_assign(request: HttpRequest, ref: str) -> HttpResponse:
    followup, choice = _followup(request, ref), request.POST.get("assignee", "")
    assignee = None
    if choice not in ("", "next"):
        assignee = get_object_or_404(get_user_model(), pk=choice)
    try:
        followup = followup_assign(followup=followup, actor=request.user, assignee=assignee,
                                   round_robin=choice == "next")  # fmt: skip
    except WorkError as exc:
        messages.error(request, str(exc))
    else:
        person = followup.assignee
        messages.success(request, f"Given to {person.get_full_name() or person.username}."
                         if person else "Left for anyone to take.")  # fmt: skip
    return _back(request)


@require_POST
@practice_view(edit=True)
def work_done(request: HttpRequest, ref: str) -> HttpResponse:
    try:
        followup_finish(followup=_followup(request, ref), actor=request.user,
                        note=request.POST.get("note", ""))  # fmt: skip
    except WorkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Done.")
    return _back(request)


def _followup(request: HttpRequest, ref: str) -> FollowUp:
    pk = ref[1:] if ref.startswith("f") else ref
    return get_object_or_404(FollowUp.objects.select_related("practice", "lead"),
                             pk=pk, practice=request.practice, status=TaskStatus.OPEN)  # fmt: skip
