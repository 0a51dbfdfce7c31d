"""The two texts the carriers and the FCC require, sent at once through the practice's SMS
channel (they are service messages, not marketing, so no campaign gate applies):

- the HELP answer: who is writing, how to reach them, how to stop;
- one confirmation after an opt-out by text, with no marketing (47 CFR 64.1200(a)(12)).

Each is sent at most once per inbound message (its idempotency key names the message).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from reactivate.channels.base import DeliveryError
from reactivate.channels.models import InboundMessage, OutboundMessage, OutboundStatus
from reactivate.channels.registry import adapter_for
from reactivate.leads.choices import Channel
from reactivate.messaging.fields import practice_values
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.replies")


def help_text(practice: Practice) -> str:
    values = practice_values(practice)
    reach = values["practice_phone"] or values["booking_link"] or "reply to this message"
    return (f"{values['practice_name']}: messages about your dental care. Questions? {reach}. "
            "Reply STOP to opt out.")  # fmt: skip


def stop_text(practice: Practice) -> str:
    return (f"{practice_values(practice)['practice_name']}: you will get no more messages from "
            "us. Reply START to receive them again.")  # fmt: skip


def service_text(message: InboundMessage, body: str, kind: str) -> OutboundMessage | None:
    """Send ``body`` to the number ``message`` came from, once; None if already sent."""
    practice = Practice.objects.get(pk=message.practice_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            outbound = OutboundMessage.objects.create(
                practice=practice, lead_id=message.lead_id, channel=Channel.SMS,
                idempotency_key=f"{kind}-{message.pk}", source=kind, to_value=message.from_value,
                body=body, status=OutboundStatus.SENDING, sending_at=now,
            )  # fmt: skip
    except IntegrityError:
        return None
    adapter = adapter_for(practice, Channel.SMS)
    try:
        if hasattr(adapter, "prepare"):
            adapter.prepare(1)
        result = adapter.send(outbound)
    except DeliveryError as exc:
        log.warning("%s text to %s not sent: %s", kind, message.from_value, exc)
        outbound.status, outbound.error = OutboundStatus.FAILED, str(exc)[:1000]
        outbound.save(update_fields=["status", "error"])
        return outbound
    outbound.status, outbound.sent_at = OutboundStatus.SENT, now
    outbound.provider, outbound.provider_id = result.provider, result.provider_id
    outbound.save(update_fields=["status", "sent_at", "provider", "provider_id"])
    return outbound
