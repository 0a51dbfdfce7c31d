"""Settings → Channels: a practice's email and SMS providers, set and tried from the browser.

Secrets (an SMTP password, an API key, Twilio's auth token) are never shown back; a field
left blank keeps the one stored.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reactivate.channels.config import (
    PROVIDERS,
    ConfigError,
    channel_configure,
    channel_settings,
    dkim_record,
)
from reactivate.channels.email.esp import ESPS
from reactivate.channels.hooks import webhook_urls
from reactivate.channels.models import ChannelConfig
from reactivate.channels.testing_send import TestRefused, send_test
from reactivate.tenancy.access import practice_view

SANDBOX = ("sandbox", "Sandbox: record in the outbox, send nothing")
SECRET = forms.PasswordInput(render_value=False)
KEEP = "Stored encrypted; leave blank to keep the one stored."


class EmailProviderForm(forms.Form):
    provider = forms.ChoiceField(
        choices=[SANDBOX, ("smtp", "SMTP relay")]
        + [(esp, f"{esp.title()} (API, through anymail)") for esp in ESPS]
    )
    url = forms.CharField(
        required=False, label="SMTP URL", widget=SECRET,
        help_text=f"smtp://user:password@host:587?starttls=1. {KEEP}",
    )  # fmt: skip
    api_key = forms.CharField(required=False, label="ESP API key", widget=SECRET, help_text=KEEP)
    from_email = forms.EmailField(required=False, label="From address")
    from_name = forms.CharField(required=False, label="From name")
    reply_domain = forms.CharField(
        required=False, help_text="A domain whose mail comes to the practice: replies thread here."
    )
    dkim_selector = forms.CharField(
        required=False, label="DKIM selector (SMTP)", help_text="Optional, e.g. r1: signs all."
    )
    sender_domain = forms.CharField(required=False, label="Sending domain (Mailgun)")


class SmsProviderForm(forms.Form):
    provider = forms.ChoiceField(choices=[SANDBOX, ("twilio", "Twilio")])
    account_sid = forms.CharField(required=False, label="Account SID", help_text="AC…")
    auth_token = forms.CharField(required=False, widget=SECRET, help_text=KEEP)
    from_number = forms.CharField(required=False, label="From number",
                                  help_text="+15125550100, or a short code")  # fmt: skip
    messaging_service_sid = forms.CharField(required=False, label="Messaging service SID",
                                            help_text="MG…, instead of a number")  # fmt: skip
    mps = forms.CharField(
        required=False, label="Messages a second",
        help_text="Default: 1 for a long code, 3 toll-free, 100 a short code",
    )  # fmt: skip


class TestForm(forms.Form):
    channel = forms.ChoiceField(choices=[("email", "Email"), ("sms", "Text")])
    to = forms.CharField(label="Send a test message to", help_text="An address or a number.")


FORMS = {
    "email": (EmailProviderForm, ("url", "api_key")),
    "sms": (SmsProviderForm, ("auth_token",)),
}


def _form(request: HttpRequest, channel: str, config: ChannelConfig | None):
    form_class, secret = FORMS[channel]
    stored = channel_settings(config) if config else {}
    initial = {k: v for k, v in stored.items() if k not in secret}
    initial["provider"] = config.provider if config else "sandbox"
    posted = request.POST if request.POST.get("channel") == channel else None
    return form_class(posted, initial=initial, prefix=channel), stored, secret


def _save(request: HttpRequest, channel: str, form, stored: dict, secret) -> bool:
    data = {k: v.strip() for k, v in form.cleaned_data.items() if v}
    provider = data.pop("provider")
    required, optional, _ = PROVIDERS[channel].get(provider, ((), (), ()))
    values = {k: v for k, v in data.items() if k in required or k in optional}
    for key in secret:  # the secret is not shown, so a blank field keeps it
        if (key in required or key in optional) and key not in values and stored.get(key):
            values[key] = stored[key]
    try:
        saved = channel_configure(practice=request.practice, channel=channel, provider=provider,
                                  values=values, actor=request.user)  # fmt: skip
    except ConfigError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, f"{channel.upper() if channel == 'sms' else 'Email'} now goes "
                              f"through {saved.provider}.")  # fmt: skip
    if record := dkim_record(saved):
        messages.info(request, f"Publish this DNS record: {record}")
    return True


@practice_view(manage=True)
def channel_settings_page(request: HttpRequest) -> HttpResponse:
    if not request.access.can_manage:
        raise Http404("No such page")  # a page others do not see is not there for them
    configs = {c.channel: c for c in ChannelConfig.objects.filter(practice=request.practice)}
    sections = {}
    for channel in FORMS:
        form, stored, secret = _form(request, channel, configs.get(channel))
        if form.is_bound and form.is_valid() and _save(request, channel, form, stored, secret):
            return redirect("channel_settings", slug=request.practice.slug)
        sections[channel] = {"form": form, "config": configs.get(channel)}
    context = {"sections": sections, "test_form": TestForm(),
               "hooks": webhook_urls(request.practice)}  # fmt: skip
    return render(request, "channels/settings.html", context)


@require_POST
@practice_view(manage=True)
def channel_test(request: HttpRequest) -> HttpResponse:
    form = TestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give an address or a number to send the test to.")
        return redirect("channel_settings", slug=request.practice.slug)
    channel, to = form.cleaned_data["channel"], form.cleaned_data["to"]
    try:
        result = send_test(practice=request.practice, channel=channel, to=to)
    except TestRefused as exc:
        messages.error(request, str(exc))
    else:
        if result["status"] == "sent":
            messages.success(request, f"Sent via {result['provider']}: {result['message_id']}")
        else:
            messages.error(request, f"Not sent: {result['error']}")
    return redirect("channel_settings", slug=request.practice.slug)
