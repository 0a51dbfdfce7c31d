"""Service texts: messages that are not marketing (a carrier-required answer, an alert to the
practice's own staff), sent at once through the practice's SMS channel, so no campaign gate
applies. Each is sent at most once for its key (the outbound row's idempotency key)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from reactivate.channels.base import DeliveryError
from reactivate.channels.models import ChannelConfig, OutboundMessage, OutboundStatus
from reactivate.channels.registry import adapter_for
from reactivate.leads.choices import Channel
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.channels")


def can_text(practice: Practice) -> bool:
    """Whether the practice has an SMS provider to send through."""
    return ChannelConfig.objects.filter(practice=practice, channel=Channel.SMS).exists()


def send_service_text(
    *, practice: Practice, to: str, body: str, key: str, source: str, lead_id: int | None = None
) -> OutboundMessage | None:
    """Send ``body`` to ``to`` once for ``key``; None if it was sent before."""
    now = timezone.now()
    try:
        with transaction.atomic():
            outbound = OutboundMessage.objects.create(
                practice=practice, lead_id=lead_id, channel=Channel.SMS, idempotency_key=key,
                source=source, to_value=to, body=body, status=OutboundStatus.SENDING,
                sending_at=now,
            )  # fmt: skip
    except IntegrityError:
        return None
    adapter = adapter_for(practice, Channel.SMS)
    try:
        if hasattr(adapter, "prepare"):
            adapter.prepare(1)
        result = adapter.send(outbound)
    except DeliveryError as exc:
        log.warning("%s text to %s not sent: %s", source, to, exc)
        outbound.status, outbound.error = OutboundStatus.FAILED, str(exc)[:1000]
        outbound.save(update_fields=["status", "error"])
        return outbound
    outbound.status, outbound.sent_at = OutboundStatus.SENT, now
    outbound.provider, outbound.provider_id = result.provider, result.provider_id
    outbound.save(update_fields=["status", "sent_at", "provider", "provider_id"])
    return outbound
