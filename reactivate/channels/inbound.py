"""Messages people send us: stored raw first, then matched to a lead.

Storing comes first and commits on its own (DESIGN rule 4): a message that cannot be read
is kept with its error and read again later (replies.services.process_pending). Matching
finds the lead within the practice (a text by its number, an email by its signed reply
address, the message it answers, then its sender). What the reply means and what follows
is the replies app's work, on the same stored message (replies.services.reply_take),
called by the webhooks that receive it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from reactivate.channels.email.addresses import lead_for_reply_address
from reactivate.channels.models import InboundMessage, OutboundMessage
from reactivate.leads.choices import Channel, ContactKind
from reactivate.leads.models import ContactPoint, Lead

# Single-word carrier keywords, case-insensitive, surrounding punctuation ignored.
STOP_WORDS = {"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
              "OPTOUT", "OPT-OUT", "OPT OUT", "ARRET", "REMOVE", "TD"}  # fmt: skip
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}


@dataclass
class Incoming:
    channel: str
    provider: str
    provider_id: str
    from_value: str
    to_value: str = ""
    subject: str = ""
    body: str = ""
    raw: dict = field(default_factory=dict)
    practice_id: int | None = None
    received_at: datetime | None = None
    in_reply_to: list[str] = field(default_factory=list)


def keyword(text: str) -> str | None:
    """ "stop", "start" or "help" for a message that is only that keyword, else None."""
    word = " ".join(re.sub(r"[^\w\s-]", " ", text or "").split()).upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def receive(incoming: Incoming) -> tuple[InboundMessage, bool]:
    """Store the message; (the stored message, False) when it came before."""
    raw = dict(incoming.raw)
    if incoming.in_reply_to:
        raw.setdefault("_in_reply_to", incoming.in_reply_to)
    try:
        with transaction.atomic():
            stored = InboundMessage.objects.create(
                practice_id=incoming.practice_id, channel=incoming.channel,
                provider=incoming.provider, provider_id=incoming.provider_id[:300],
                from_value=incoming.from_value[:320], to_value=incoming.to_value[:320],
                subject=incoming.subject[:300], body=incoming.body, raw=raw,
                received_at=incoming.received_at or timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        return InboundMessage.objects.get(provider_id=incoming.provider_id[:300]), False
    return stored, True


def find_lead(message: InboundMessage) -> Lead | None:
    """The lead the message is from, or None: reads only, so it can run before the write
    transaction that records the match (attach)."""
    if message.lead_id is not None:  # entered on the lead's page: attributed when stored
        return Lead.objects.select_related("practice").get(pk=message.lead_id)
    return _match(message)


def attach(message: InboundMessage, lead: Lead | None) -> None:
    """Record the match and mark the message read, inside the caller's transaction, so the
    match and what the reply makes of it commit together or not at all."""
    if lead is not None:
        message.lead, message.practice_id = lead, lead.practice_id
    message.processed_at, message.error = timezone.now(), ""
    message.save(update_fields=["lead", "practice", "processed_at", "error"])


def _match(message: InboundMessage) -> Lead | None:
    if message.channel == Channel.SMS:
        return _match_phone(message)
    return _match_email(message)


def _match_phone(message: InboundMessage) -> Lead | None:
    """The lead with that number in the practice; of several, the one last texted."""
    if message.practice_id is None:
        return None
    numbers = OutboundMessage.objects.filter(
        practice_id=message.practice_id, channel=Channel.SMS, to_value=message.from_value
    ).order_by("-sent_at", "-id")
    points = ContactPoint.objects.filter(
        practice_id=message.practice_id, kind=ContactKind.PHONE, value=message.from_value
    )
    # One query: the lead last texted from this number, else any lead with the number.
    texted = Coalesce(
        Subquery(numbers.values("lead_id")[:1]), Subquery(points.values("lead_id")[:1])
    )
    return Lead.objects.select_related("practice").filter(pk=texted).first()


def _match_email(message: InboundMessage) -> Lead | None:
    """By the signed reply address, then the message it answers, then the sender."""
    leads = Lead.objects.select_related("practice")
    if message.practice_id is not None:
        leads = leads.filter(practice_id=message.practice_id)
    for address in re.split(r"[,\s]+", message.to_value):
        lead_id = lead_for_reply_address(address) if address else None
        if lead_id is not None and (lead := leads.filter(pk=lead_id).first()):
            return lead
    answered = [m.strip().strip("<>") for m in message.raw.get("_in_reply_to", []) if m]
    if answered:
        ids = [f"<{m}>" for m in answered] + answered
        sent = OutboundMessage.objects.filter(provider_id__in=ids, channel=Channel.EMAIL)
        if message.practice_id is not None:
            sent = sent.filter(practice_id=message.practice_id)
        if (lead_id := sent.values_list("lead_id", flat=True).first()) is not None:
            return leads.filter(pk=lead_id).first()
    if message.practice_id is None:
        return None  # a sender's address alone never crosses the practice wall
    return leads.filter(contact_points__kind=ContactKind.EMAIL,
                        contact_points__value=message.from_value.lower()).first()  # fmt: skip
