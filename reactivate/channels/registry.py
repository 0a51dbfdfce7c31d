"""The adapter a practice's message goes through: its configured provider, else the sandbox."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from reactivate.channels.config import channel_settings
from reactivate.channels.email.adapter import EmailAdapter
from reactivate.channels.email.esp import ESPS, EspAdapter
from reactivate.channels.models import ChannelConfig
from reactivate.channels.sandbox import SandboxAdapter
from reactivate.channels.sms.adapter import TwilioAdapter
from reactivate.channels.sms.mapping import default_rate
from reactivate.leads.choices import Channel
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.channels")


def adapter_for(practice: Practice, channel: str):
    config = ChannelConfig.objects.filter(practice=practice, channel=channel).first()
    if config is None and channel == Channel.EMAIL and settings.EMAIL_URL:
        # The installation's own SMTP server, for practices with no provider of their own.
        return EmailAdapter(
            url=settings.EMAIL_URL,
            from_email=settings.DEFAULT_FROM_EMAIL,
            from_name=practice.name,
            reply_domain=settings.REPLY_DOMAIN or settings.DEFAULT_FROM_EMAIL.partition("@")[2],
        )
    if config is None or config.provider == "sandbox":
        return SandboxAdapter()
    values = channel_settings(config)
    if config.provider == "smtp":
        return EmailAdapter(
            url=values["url"],
            from_email=values["from_email"],
            from_name=values.get("from_name") or practice.name,
            reply_domain=values["reply_domain"],
            dkim_selector=values.get("dkim_selector", ""),
        )
    if config.provider in ESPS:
        return EspAdapter(
            esp=config.provider,
            api_key=values["api_key"],
            from_email=values["from_email"],
            from_name=values.get("from_name") or practice.name,
            reply_domain=values["reply_domain"],
            sender_domain=values.get("sender_domain", ""),
            api_url=values.get("api_url", ""),
        )
    if config.provider == "twilio":
        number, service = values.get("from_number", ""), values.get("messaging_service_sid", "")
        return TwilioAdapter(
            account_sid=values["account_sid"],
            auth_token=values["auth_token"],
            from_number=number,
            messaging_service_sid=service,
            status_callback=status_callback_url(practice),
            rate=float(values.get("mps") or default_rate(
                from_number=number, messaging_service_sid=service
            )),
        )  # fmt: skip
    raise LookupError(f"No adapter for {config.provider}")


def status_callback_url(practice: Practice) -> str:
    return settings.SITE_URL + reverse("twilio_status", kwargs={"slug": practice.slug})


class Adapters:
    """Each practice's adapter for a channel, built once for a pass over many messages; None
    (logged) where its configuration cannot build one, so one bad setting stops no one else."""

    def __init__(self) -> None:
        self.built: dict[tuple[int, str], object] = {}

    def get(self, practice: Practice, channel: str):
        key = (practice.pk, channel)
        if key not in self.built:
            try:
                self.built[key] = adapter_for(practice, channel)
            except Exception:
                log.exception("no adapter for %s %s", practice.slug, channel)
                self.built[key] = None
        return self.built[key]
