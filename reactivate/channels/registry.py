"""The adapter a practice's message goes through: its configured provider, else the sandbox."""

from __future__ import annotations

from reactivate.channels.config import channel_settings
from reactivate.channels.email.adapter import EmailAdapter
from reactivate.channels.models import ChannelConfig
from reactivate.channels.sandbox import SandboxAdapter
from reactivate.tenancy.models import Practice


def adapter_for(practice: Practice, channel: str):
    config = ChannelConfig.objects.filter(practice=practice, channel=channel).first()
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
    raise LookupError(f"No adapter for {config.provider}")
