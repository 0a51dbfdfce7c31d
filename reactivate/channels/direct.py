"""A message a person writes to one lead (an answer from the thread, a booking's
confirmation), sent at once through the same gate as every campaign message.

The gate checks the lead's status, a valid, consented, unsuppressed address or number and
the quiet hours in the recipient's time. The frequency caps are left out: they ration
marketing, and this is an answer to someone who wrote to us. A message the gate holds is
refused with the reason and the next moment it may go; nothing is queued behind the
person's back. The outbox row is committed as *sending* before the provider is called,
as for every send (DESIGN rule 5).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reactivate.channels.base import DeliveryError
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.registry import adapter_for
from reactivate.leads.choices import Channel, InteractionKind
from reactivate.leads.consent import can_contact
from reactivate.leads.models import Interaction, Lead


class Held(Exception):
    """The gate would not let the message go now; the text says why and when it may."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def send_to_lead(
    *, lead: Lead, channel: str, body: str, actor: AbstractBaseUser, source: str,
    subject: str = "", attachments: tuple[Attachment, ...] = (),
) -> OutboundMessage:  # fmt: skip
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise Held("Answers go by text or email.")
    body = (body or "").strip()
    if not body:
        raise Held("Write the message first.")
    now = timezone.now()
    decision = can_contact(lead, channel, now, touches=[])
    if not decision.allowed:
        raise Held(f"The gate holds this message: {decision.reason}")
    with transaction.atomic():
        outbound = OutboundMessage.objects.create(
            practice_id=lead.practice_id, lead=lead, channel=channel,
            idempotency_key=f"{source}-{uuid.uuid4().hex}"[:100], source=source,
            to_value=decision.contact_point.value, subject=subject[:200], body=body,
            status=OutboundStatus.SENDING, sending_at=now,
        )  # fmt: skip
    adapter = adapter_for(lead.practice, channel)
    try:
        result = _send(adapter, outbound, lead, attachments)
    except DeliveryError as exc:
        outbound.status, outbound.error = OutboundStatus.FAILED, str(exc)[:1000]
        outbound.save(update_fields=["status", "error"])
        raise Held(f"The provider did not take it: {exc}") from exc
    finally:
        if hasattr(adapter, "close"):
            adapter.close()
    with transaction.atomic():
        outbound.status, outbound.sent_at = OutboundStatus.SENT, timezone.now()
        outbound.provider, outbound.provider_id = result.provider, result.provider_id
        outbound.save(update_fields=["status", "sent_at", "provider", "provider_id"])
        Interaction.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=InteractionKind.MESSAGE_OUT,
            channel=channel, actor=actor, occurred_at=outbound.sent_at,
            summary=(subject or body)[:300], body=body,
            data={"outbound": outbound.pk, "source": source},
        )  # fmt: skip
        Lead.objects.filter(pk=lead.pk).update(last_contact_at=outbound.sent_at)
    return outbound


def _send(adapter, outbound: OutboundMessage, lead: Lead, attachments):
    if hasattr(adapter, "prepare"):
        adapter.prepare(1)
    if attachments and hasattr(adapter, "message"):
        email = adapter.message(outbound, lead)
        for item in attachments:
            email.attach(item.filename, item.content, item.mimetype)
        return adapter.deliver(email)
    return adapter.send(outbound)
