"""Which provider a practice uses per channel, checked before it is stored.

Secrets (an SMTP URL with its password, later API tokens) are encrypted at rest; the
settings that may be shown (sender, reply domain) are stored as they are. The shell command
and, later, the settings page call the same service, so both refuse the same mistakes.
"""

from __future__ import annotations

import re

from django.db import transaction
from email_validator import EmailNotValidError, validate_email

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.channels.email.addresses import BadSmtpUrl, parse_smtp_url
from reactivate.channels.email.dkim_keys import ensure_key
from reactivate.channels.email.esp import ESPS
from reactivate.channels.models import ChannelConfig
from reactivate.core.secrets import decrypt, encrypt
from reactivate.tenancy.models import Practice

HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)
# provider → (required settings, optional settings, secret keys), per channel.
PROVIDERS = {
    "email": {
        "sandbox": ((), (), ()),
        "smtp": (
            ("url", "from_email", "reply_domain"),
            ("from_name", "dkim_selector", "imap_url"),
            ("url", "imap_url"),
        ),
        # An ESP through its API (django-anymail): its API key, and the same sender settings.
        **{
            esp: (
                ("api_key", "from_email", "reply_domain"),
                ("from_name", "sender_domain", "api_url", "imap_url"),
                ("api_key", "imap_url"),
            )
            for esp in ESPS
        },
    },
    "sms": {
        "sandbox": ((), (), ()),
        "twilio": (
            ("account_sid", "auth_token"),
            ("from_number", "messaging_service_sid", "mps"),
            ("auth_token",),
        ),
    },
    "call": {"sandbox": ((), (), ())},
    "letter": {"sandbox": ((), (), ())},
}


class ConfigError(ValueError):
    pass


def channel_configure(
    *, practice: Practice, channel: str, provider: str, values: dict[str, str], actor
) -> ChannelConfig:
    if channel not in PROVIDERS:
        raise ConfigError(f"Unknown channel {channel!r}; use one of {', '.join(PROVIDERS)}.")
    if provider not in PROVIDERS[channel]:
        known = ", ".join(PROVIDERS[channel])
        raise ConfigError(f"{channel} can use {known} here; {provider!r} is not available yet.")
    required, optional, secret = PROVIDERS[channel][provider]
    unknown = set(values) - set(required) - set(optional)
    if unknown:
        raise ConfigError(f"{provider} takes no {', '.join(sorted(unknown))}.")
    missing = [key for key in required if not values.get(key)]
    if missing:
        raise ConfigError(f"{provider} needs {', '.join(missing)} (--set KEY=VALUE).")
    _check(provider, values)
    shown = {k: v for k, v in values.items() if k not in secret}
    hidden = {k: v for k, v in values.items() if k in secret}
    with transaction.atomic():
        config, _ = ChannelConfig.objects.update_or_create(
            practice=practice,
            channel=channel,
            defaults={"provider": provider, "settings": shown, "secrets": encrypt(hidden)},
        )
        audit_record(
            practice=practice,
            actor=actor,
            action=AuditAction.CHANNEL_CONFIGURED,
            obj=config,
            detail={"channel": channel, "provider": provider, "settings": sorted(values)},
        )
    return config


def _check(provider: str, values: dict[str, str]) -> None:
    imap = values.get("imap_url", "")
    if imap and not re.fullmatch(r"imaps?://[^:@/\s]+(:[^@\s]*)?@[^/\s]+(/\S*)?", imap):
        raise ConfigError("imap_url looks like imaps://user:password@imap.example.com/INBOX")
    if provider == "twilio":
        _check_twilio(values)
    if provider not in ESPS and provider != "smtp":
        return
    if provider == "smtp":
        try:
            parse_smtp_url(values["url"])
        except BadSmtpUrl as exc:
            raise ConfigError(str(exc)) from exc
    try:
        validate_email(values["from_email"], check_deliverability=False)
    except EmailNotValidError as exc:
        raise ConfigError(f"from_email: {exc}") from exc
    if not HOSTNAME.match(values["reply_domain"]):
        raise ConfigError("reply_domain must be a domain name, e.g. replies.example.com")
    selector = values.get("dkim_selector", "")
    if selector and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", selector, re.I):
        raise ConfigError("dkim_selector is one DNS label, e.g. reactivate1")


def _check_twilio(values: dict[str, str]) -> None:
    if not re.fullmatch(r"AC[0-9a-fA-F]{32}", values["account_sid"]):
        raise ConfigError("account_sid is AC followed by 32 hex digits (Twilio Console → Account).")
    number, service = values.get("from_number", ""), values.get("messaging_service_sid", "")
    if not number and not service:
        raise ConfigError("twilio needs from_number or messaging_service_sid to send from.")
    if number and not re.fullmatch(r"\+[1-9]\d{6,14}|\d{5,6}", number):
        raise ConfigError("from_number is an E.164 number (+15125550100) or a short code.")
    if service and not re.fullmatch(r"MG[0-9a-fA-F]{32}", service):
        raise ConfigError("messaging_service_sid is MG followed by 32 hex digits.")
    if values.get("mps"):
        try:
            rate = float(values["mps"])
        except ValueError:
            rate = 0
        if not 0 < rate <= 1000:
            raise ConfigError("mps is messages a second for this sender, e.g. 1 or 3 or 100.")


def dkim_record(config: ChannelConfig) -> str:
    """Where and what to publish for the practice's DKIM key ("" without DKIM)."""
    selector = config.settings.get("dkim_selector", "")
    if config.provider != "smtp" or not selector:
        return ""
    domain = config.settings["from_email"].rpartition("@")[2]
    return f'{selector}._domainkey.{domain} TXT "{ensure_key(domain, selector)}"'


def channel_settings(config: ChannelConfig) -> dict[str, str]:
    """Everything the adapter needs: the shown settings and the decrypted secrets."""
    return {**config.settings, **decrypt(config.secrets)}
