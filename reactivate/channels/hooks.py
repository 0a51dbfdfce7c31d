"""The webhook URLs a practice pastes into its providers' consoles."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse

from reactivate.channels.email.esp import ESPS
from reactivate.tenancy.models import Practice

# anymail's URL names for the ESPs the settings offer (tracking and inbound each).
ESP_HOOKS = {
    esp: (f"anymail:{esp}_tracking_webhook", f"anymail:{esp}_inbound_webhook") for esp in ESPS
}


def webhook_urls(practice: Practice, base_url: str = "") -> dict[str, str]:
    """``twilio_status``, ``twilio_inbound`` (signed with the practice's auth token), and
    ``<esp>_tracking`` / ``<esp>_inbound`` for each ESP (one per installation, with
    ANYMAIL_WEBHOOK_SECRET as basic auth in the URL when it is set)."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    urls = {
        "twilio_status": base + reverse("twilio_status", kwargs={"slug": practice.slug}),
        "twilio_inbound": base + reverse("twilio_inbound", kwargs={"slug": practice.slug}),
    }
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET", "")
    for esp, (tracking, inbound) in ESP_HOOKS.items():
        urls[f"{esp}_tracking"] = _with_auth(base + reverse(tracking), secret)
        urls[f"{esp}_inbound"] = _with_auth(base + reverse(inbound), secret)
    return urls


def _with_auth(url: str, secret: str) -> str:
    if not secret:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{secret}@{parts.netloc}"))
