"""`reactivate channels test`: one real message through a practice's configured channel.

To one of the practice's leads it is that lead's message (its reply address, its
unsubscribe link), asked of the send-time gate first and recorded in the outbox and the
timeline like any message; to any other address it carries the same headers, with links
that lead nowhere.
"""

from __future__ import annotations

import uuid

import phonenumbers
from django.db import transaction
from django.utils import timezone

from reactivate.channels.base import DeliveryError
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.registry import adapter_for
from reactivate.leads.choices import InteractionKind
from reactivate.leads.consent import can_contact
from reactivate.leads.models import Interaction, Lead
from reactivate.messaging.fields import lead_context, practice_values
from reactivate.messaging.lint import EMAIL_FOOTER
from reactivate.messaging.render import render
from reactivate.messaging.unsubscribe import unsubscribe_url
from reactivate.tenancy.models import Practice


class TestRefused(Exception):
    pass


def send_test(*, practice: Practice, channel: str, to: str) -> dict:
    if channel not in ("email", "sms"):
        raise TestRefused(f"{channel} has no messages to test: it is work for a person.")
    if channel == "sms":
        to = _phone(to, practice)
        kind = "phone"
    else:
        to, kind = to.strip().lower(), "email"
    adapter = adapter_for(practice, channel)
    lead = (
        Lead.objects.filter(practice=practice, contact_points__kind=kind,
                            contact_points__value=to).first()
    )  # fmt: skip
    now = timezone.now()
    if channel == "sms":
        return _send_sms(adapter, practice, lead, to, now)
    if lead is not None:
        decision = can_contact(lead, channel, now)
        if not decision.allowed:
            raise TestRefused(f"The gate holds this message: {decision.reason}")
    text = (
        f"This is a test message from {practice.name}, sent through its {adapter.name} "
        "email channel by reactivate. No reply is needed."
    )
    if lead is not None:
        context = lead_context(lead, now=now, unsubscribe_link=unsubscribe_url(lead))
        body = render(text + EMAIL_FOOTER["en"], context).text
    else:
        values = practice_values(practice)
        body = (
            f"{text}\n\n{values['practice_name']} · {values['practice_address']}\n"
            "Unsubscribe: (in a campaign email, the lead's own link)"
        )
    subject = f"Test message from {practice.name}"
    outbound = OutboundMessage(
        pk=0, practice=practice, lead_id=lead.pk if lead else 0, channel=channel,
        idempotency_key=f"test-{uuid.uuid4().hex}", source="channel-test", to_value=to,
        subject=subject, body=body, status=OutboundStatus.SENDING,
        sending_at=now,
    )  # fmt: skip
    if lead is not None:
        outbound.pk = None
        outbound.save()
    try:
        result = adapter.send(outbound) if lead else _send_unrecorded(adapter, outbound, practice)
    except DeliveryError as exc:
        if lead is not None:
            outbound.status, outbound.error = OutboundStatus.FAILED, str(exc)[:1000]
            outbound.save(update_fields=["status", "error"])
        return {"status": "failed", "provider": adapter.name, "provider_id": "",
                "message_id": "", "error": str(exc)}  # fmt: skip
    finally:
        if hasattr(adapter, "close"):
            adapter.close()
    if lead is not None:
        _record(outbound, lead, result, now)
    return {"status": "sent", "provider": result.provider, "provider_id": result.provider_id,
            "message_id": result.provider_id}  # fmt: skip


def _phone(value: str, practice: Practice) -> str:
    """E.164 for any number that could exist: the provider says whether it does (a lead's
    number, even a fictional one from a demo, is matched as the lead's)."""
    try:
        number = phonenumbers.parse(value, practice.country or "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise TestRefused(f"{value!r} is not a phone number: give a number like +13129450123.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _send_sms(adapter, practice: Practice, lead: Lead | None, to: str, now) -> dict:
    """A short text that says who sent it and how to stop, as every text must."""
    if lead is not None:
        decision = can_contact(lead, "sms", now)
        if not decision.allowed:
            raise TestRefused(f"The gate holds this message: {decision.reason}")
    body = (
        f"{practice.name}: a test text through its {adapter.name} SMS channel. "
        "No reply needed. Reply STOP to opt out."
    )
    outbound = OutboundMessage(
        practice=practice, lead_id=lead.pk if lead else 0, channel="sms",
        idempotency_key=f"test-{uuid.uuid4().hex}", source="channel-test", to_value=to,
        body=body, status=OutboundStatus.SENDING, sending_at=now,
    )  # fmt: skip
    if lead is not None:
        outbound.save()
    else:
        outbound.pk = 0
    try:
        if hasattr(adapter, "prepare"):
            adapter.prepare(1)
        result = adapter.send(outbound)
    except DeliveryError as exc:
        if lead is not None:
            outbound.status, outbound.error = OutboundStatus.FAILED, str(exc)[:1000]
            outbound.save(update_fields=["status", "error"])
        return {"status": "failed", "provider": adapter.name, "provider_id": "",
                "message_id": "", "error": str(exc)}  # fmt: skip
    if lead is not None:
        _record(outbound, lead, result, now)
    return {"status": "sent", "provider": result.provider, "provider_id": result.provider_id,
            "message_id": result.provider_id}  # fmt: skip


def _send_unrecorded(adapter, outbound: OutboundMessage, practice: Practice):
    if not hasattr(adapter, "message"):
        return adapter.send(outbound)
    # No lead: the same headers, built for a stand-in that no link resolves to.
    stand_in = Lead(pk=0, practice=practice)
    email = adapter.message(outbound, stand_in)
    return adapter.deliver(email)


def _record(outbound: OutboundMessage, lead: Lead, result, now) -> None:
    with transaction.atomic():
        outbound.status, outbound.sent_at = OutboundStatus.SENT, now
        outbound.provider, outbound.provider_id = result.provider, result.provider_id
        outbound.save(update_fields=["status", "sent_at", "provider", "provider_id"])
        Interaction.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=InteractionKind.MESSAGE_OUT,
            channel=outbound.channel, actor_label="channel test",
            summary=f"Test {'text' if outbound.channel == 'sms' else 'email'}: "
            f"{outbound.subject or outbound.body}"[:300],
            body=outbound.body, occurred_at=now,
        )  # fmt: skip
