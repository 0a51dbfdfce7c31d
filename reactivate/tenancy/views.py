from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reactivate.tenancy.access import practice_view, practices_for
from reactivate.tenancy.forms import PRACTICE_ROLES, InviteForm, PracticeSettingsForm
from reactivate.tenancy.models import Membership, public_holidays
from reactivate.tenancy.services import practice_update
from reactivate.tenancy.team import (
    TeamError,
    member_invite,
    member_remove,
    member_set_alert_phone,
    member_set_role,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Back to the practice last worked on, else the first one the user may open."""
    practices = practices_for(request.user)
    remembered = request.session.get("practice")
    practice = (remembered and practices.filter(slug=remembered).first()) or practices.first()
    if practice is None:
        return render(request, "tenancy/no_practice.html")
    return redirect("dashboard", slug=practice.slug)


@login_required
def switch(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("practice", "")
    if not practices_for(request.user).filter(slug=slug).exists():
        raise Http404("No such practice")
    return redirect("dashboard", slug=slug)


@practice_view(manage=True)
def practice_settings(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = PracticeSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        practice_update(practice=practice, changes=changes, actor=request.user)
        messages.success(request, "Settings saved.")
        for warning in form.window_warnings():
            messages.warning(request, warning)
        return redirect("practice_settings", slug=practice.slug)
    if not request.access.can_manage:
        for field in form.fields.values():
            field.disabled = True
    today = timezone.localdate()
    upcoming = sorted(
        (day, name)
        for day, name in public_holidays(practice.country, practice.state).items()
        if today <= day <= today + timedelta(days=365)
    )
    context = {"form": form, "upcoming": upcoming, "warnings": form.window_warnings()}
    return render(request, "tenancy/settings.html", context)


@practice_view(manage=True)
def team_settings(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    if not request.access.can_manage:
        raise Http404("No such page")
    form = InviteForm(request.POST or None)
    link = ""
    if request.method == "POST":
        try:
            link = _team_action(request, form)
        except TeamError as exc:
            messages.error(request, str(exc))
        else:
            if link is None:
                return redirect("team_settings", slug=practice.slug)
    members = Membership.objects.filter(practice=practice).select_related("user")
    operators = Membership.objects.filter(agency_id=practice.agency_id).select_related("user")
    context = {
        "form": form,
        "members": members.order_by("user__username"),
        "operators": operators,
        "roles": PRACTICE_ROLES,
        "link": request.build_absolute_uri(link) if link else "",
    }
    return render(request, "tenancy/team.html", context)


def _team_action(request: HttpRequest, form: InviteForm) -> str | None:
    """Carry out the posted change; the set-password link of a new user, else None."""
    practice, actor = request.practice, request.user
    if "member" in request.POST:
        membership = Membership.objects.filter(practice=practice, pk=request.POST["member"]).first()
        if membership is None:
            raise Http404("No such member")
        if "alert_phone" in request.POST:
            member_set_alert_phone(membership=membership, phone=request.POST["alert_phone"],
                                   actor=actor)  # fmt: skip
            messages.success(request, f"Text alerts for {membership.user.get_username()} saved.")
        elif request.POST.get("remove"):
            member_remove(membership=membership, actor=actor)
            messages.success(request, f"{membership.user.get_username()} removed.")
        else:
            member_set_role(membership=membership, role=request.POST.get("role", ""), actor=actor)
            messages.success(request, f"{membership.user.get_username()}'s role changed.")
        return None
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    _, link = member_invite(practice=practice, actor=actor, **data)
    messages.success(request, f"{data['username']} added as {dict(PRACTICE_ROLES)[data['role']]}.")
    return link or None
