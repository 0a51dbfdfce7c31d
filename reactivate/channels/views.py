"""Settings → Channels: a practice's email provider, set and tried from the browser."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reactivate.channels.config import ConfigError, channel_configure, channel_settings, dkim_record
from reactivate.channels.models import ChannelConfig
from reactivate.channels.testing_send import TestRefused, send_test
from reactivate.tenancy.access import practice_view

PROVIDER_CHOICES = [
    ("sandbox", "Sandbox: record in the outbox, send nothing"),
    ("smtp", "SMTP relay"),
]


class EmailProviderForm(forms.Form):
    provider = forms.ChoiceField(
        choices=[
            ("sandbox", "Sandbox: record in the outbox, send nothing"),
            ("smtp", "SMTP relay"),
        ],
    )
    url = forms.CharField(
        required=False,
        label="SMTP URL",
        widget=forms.PasswordInput(render_value=False),
        help_text="smtp://user:password@host:587?starttls=1. Stored encrypted; leave blank "
        "to keep the one stored.",
    )
    from_email = forms.EmailField(required=False, label="From address")
    from_name = forms.CharField(required=False, label="From name")
    reply_domain = forms.CharField(
        required=False, help_text="A domain whose mail comes to the practice: replies thread here."
    )
    dkim_selector = forms.CharField(
        required=False, label="DKIM selector", help_text="Optional, e.g. r1: signs every message."
    )


class TestForm(forms.Form):
    to = forms.EmailField(label="Send a test message to")


def _manager(request: HttpRequest) -> None:
    if not request.access.can_manage:
        raise Http404("No such page")


@practice_view(manage=True)
def channel_settings_page(request: HttpRequest) -> HttpResponse:
    _manager(request)
    config = ChannelConfig.objects.filter(practice=request.practice, channel="email").first()
    stored = channel_settings(config) if config else {}
    form = EmailProviderForm(
        request.POST or None,
        initial={"provider": config.provider if config else "sandbox",
                 **{k: v for k, v in stored.items() if k != "url"}},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v}
        provider = data.pop("provider")
        if provider == "smtp" and "url" not in data and stored.get("url"):
            data["url"] = stored["url"]  # the password is not shown, so it is kept
        values = data if provider == "smtp" else {}
        try:
            saved = channel_configure(
                practice=request.practice, channel="email", provider=provider, values=values,
                actor=request.user,
            )  # fmt: skip
        except ConfigError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Email now goes through {saved.provider}.")
            if record := dkim_record(saved):
                messages.info(request, f"Publish this DNS record: {record}")
            return redirect("channel_settings", slug=request.practice.slug)
    context = {"form": form, "config": config, "test_form": TestForm()}
    return render(request, "channels/settings.html", context)


@require_POST
@practice_view(manage=True)
def channel_test(request: HttpRequest) -> HttpResponse:
    form = TestForm(request.POST)
    if form.is_valid():
        try:
            result = send_test(
                practice=request.practice, channel="email", to=form.cleaned_data["to"]
            )
        except TestRefused as exc:
            messages.error(request, str(exc))
        else:
            if result["status"] == "sent":
                messages.success(request, f"Sent via {result['provider']}: {result['message_id']}")
            else:
                messages.error(request, f"Not sent: {result['error']}")
    else:
        messages.error(request, "Give an email address to send the test to.")
    return redirect("channel_settings", slug=request.practice.slug)
