"""System checks (``reactivate check``, and at every start) that name what is misconfigured
in the channels: a provider whose secrets cannot be read, webhooks that could not be
verified or reached, an installation SMTP URL that does not parse."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from reactivate.channels.email.addresses import BadSmtpUrl, parse_smtp_url
from reactivate.channels.email.esp import ESPS
from reactivate.channels.models import ChannelConfig
from reactivate.core.secrets import SecretsUnreadable, decrypt

LOCAL = ("http://127.0.0.1", "http://localhost", "http://0.0.0.0")


@register("reactivate")
def check_installation(app_configs, **kwargs):
    problems = []
    if settings.EMAIL_URL:
        try:
            parse_smtp_url(settings.EMAIL_URL)
        except BadSmtpUrl as exc:
            problems.append(Error(f"EMAIL_URL: {exc}", id="reactivate.E101"))
    if settings.SEND_CONCURRENCY < 1:
        problems.append(Error("SEND_CONCURRENCY must be 1 or more.", id="reactivate.E102"))
    return problems


@register("reactivate")
def check_providers(app_configs, **kwargs):
    try:
        configs = list(ChannelConfig.objects.select_related("practice").exclude(provider="sandbox"))
    except DatabaseError:
        return []  # no tables yet (before the first migrate): nothing configured to check
    problems = []
    for config in configs:
        where = f"{config.practice.slug} {config.channel} ({config.provider})"
        try:
            decrypt(config.secrets)
        except SecretsUnreadable:
            problems.append(Error(
                f"{where}: its stored secrets cannot be read with this secrets key.",
                hint="Restore REACTIVATE_SECRETS_KEY (or the data directory's secrets.key), or "
                "set the provider again with `reactivate channels configure`.",
                id="reactivate.E110",
            ))  # fmt: skip
        if config.provider == "twilio" and settings.SITE_URL.startswith(LOCAL):
            problems.append(Warning(
                f"{where}: SITE_URL is {settings.SITE_URL}, which Twilio cannot reach: no "
                "delivery reports or replies will arrive, and their signatures name that URL.",
                hint="Set SITE_URL to the public https address of this installation.",
                id="reactivate.W111",
            ))  # fmt: skip
        if config.provider in ESPS and not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            problems.append(Warning(
                f"{where}: ANYMAIL_WEBHOOK_SECRET is not set, so the ESP's webhooks are not "
                "authenticated (anymail will warn on each call).",
                hint="Set ANYMAIL_WEBHOOK_SECRET=user:password and use it in the webhook URLs "
                "(`reactivate channels webhooks` prints them).",
                id="reactivate.W112",
            ))  # fmt: skip
        if config.provider == "mailgun" and not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
            problems.append(Warning(
                f"{where}: ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY is not set: Mailgun's tracking "
                "webhooks will be refused.", id="reactivate.W113",
            ))  # fmt: skip
    return problems
