from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reactivate.tenancy.access import practice_view, practices_for
from reactivate.tenancy.forms import PracticeSettingsForm
from reactivate.tenancy.services import practice_update


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
        return redirect("practice_settings", slug=practice.slug)
    if not request.access.can_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "tenancy/settings.html", {"form": form})
