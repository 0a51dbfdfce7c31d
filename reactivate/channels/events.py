"""What providers report back about the messages we sent, in one vocabulary, acted on once.

Every channel's webhook turns its provider's payload into an ``Event`` and calls
``record_event``. The report is stored first (with its raw payload), once per provider event
id; then, in the same transaction, the message's delivery state moves forward (never back: a
late "sent" does not undo "delivered") and the contact point or the person's consent follows:

- a permanent bounce marks the address bounced; repeated soft bounces do too;
- a number the carrier cannot reach (Twilio 30003, 30005) is marked disconnected, one that
  cannot take texts (30006) becomes a landline, which the gate never texts;
- a complaint, an unsubscribe, or Twilio's 21610 (the person texted STOP to the carrier)
  opts the person out of everything through the one opt-out service.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from reactivate.channels.models import ChannelEvent, EventKind, OutboundMessage
from reactivate.leads.choices import Channel, LineType, SuppressionReason, Validity
from reactivate.leads.models import ContactPoint
from reactivate.leads.optout import opt_out
from reactivate.leads.reachability import point_set_validity

log = logging.getLogger("reactivate.channels.events")

# How far along a message is; a report only ever moves it further.
DELIVERY_RANK = {
    EventKind.QUEUED: 0,
    EventKind.SENT: 1,
    EventKind.DEFERRED: 2,
    EventKind.DELIVERED: 3,
    EventKind.BOUNCED: 4,
    EventKind.FAILED: 4,
}
# Soft bounces (4.x.x) to one address, within this window, after which it counts as bounced.
SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_WINDOW = timedelta(days=30)
OPT_OUT_CODES = {"21610"}  # Twilio: "Attempt to send to unsubscribed recipient"
DISCONNECTED_CODES = {"30003", "30005"}  # unreachable handset, unknown handset
LANDLINE_CODES = {"30006"}  # landline or unreachable carrier


@dataclass
class Event:
    provider: str
    channel: str
    kind: str
    message_id: str = ""  # the provider's id of the message (OutboundMessage.provider_id)
    event_id: str = ""  # the provider's id of this report; made from the payload when absent
    recipient: str = ""
    code: str = ""
    description: str = ""
    permanent: bool = True  # for a bounce: 5.x.x (True) or 4.x.x (False)
    occurred_at: datetime | None = None
    raw: dict = field(default_factory=dict)
    practice_id: int | None = None  # the practice whose webhook it came to, when known

    def key(self) -> str:
        if self.event_id:
            return f"{self.provider}:{self.event_id}"[:200]
        digest = hashlib.sha256(json.dumps(self.raw, sort_keys=True, default=str).encode())
        return f"{self.provider}:{self.kind}:{digest.hexdigest()}"[:200]


def record_event(
    event: Event, *, outbound: OutboundMessage | None = None
) -> tuple[ChannelEvent, bool]:
    """Store the report, then act on it; (the stored report, False) when it came before.

    The message is found by the provider's id (within the practice whose webhook or
    mailbox received the report), or given: a refusal at send time has no provider id yet.
    A report is committed before it is acted on, so a failure while acting loses nothing:
    the report keeps its error and ``process_pending`` tries again.
    """
    outbound = outbound or _message(event)
    key = event.key()
    try:
        with transaction.atomic():
            stored = ChannelEvent.objects.create(
                practice_id=outbound.practice_id if outbound else event.practice_id,
                outbound=outbound,
                channel=event.channel,
                provider=event.provider,
                event_id=key,
                kind=event.kind,
                recipient=(event.recipient or (outbound.to_value if outbound else ""))[:320],
                code=str(event.code or "")[:40],
                description=event.description[:500],
                permanent=event.permanent,
                occurred_at=event.occurred_at or timezone.now(),
                raw=event.raw,
            )
    except IntegrityError:
        stored = ChannelEvent.objects.get(event_id=key)
        if stored.processed_at is not None:
            return stored, False
    process_event(stored)
    return stored, True


def process_event(stored: ChannelEvent) -> bool:
    """Act on a stored report once; False (with the error kept) when acting failed."""
    try:
        with transaction.atomic():
            locked = ChannelEvent.objects.select_for_update().get(pk=stored.pk)
            if locked.processed_at is not None:
                return True
            if locked.outbound_id is not None:
                outbound = OutboundMessage.objects.select_related("lead__practice").get(
                    pk=locked.outbound_id
                )
                _advance(outbound, locked.kind, locked.occurred_at)
                _follow(outbound, locked)
            locked.processed_at, locked.error = timezone.now(), ""
            locked.save(update_fields=["processed_at", "error"])
    except Exception as exc:
        log.exception("channel event %s could not be processed", stored.pk)
        ChannelEvent.objects.filter(pk=stored.pk).update(error=repr(exc)[:2000])
        return False
    return True


def process_pending(*, older_than: timedelta = timedelta(minutes=1), limit: int = 500) -> int:
    """Reports stored but not acted on (a crash, an error): acted on again; how many now are."""
    pending = ChannelEvent.objects.filter(
        processed_at__isnull=True, received_at__lt=timezone.now() - older_than
    ).order_by("received_at")[:limit]
    return sum(process_event(stored) for stored in pending)


def _message(event: Event) -> OutboundMessage | None:
    """The message a report is about: by the provider's id, with or without the angle
    brackets of a Message-ID; else, for a report that reached a practice's own mailbox or
    webhook without one, the latest message to that address."""
    found = OutboundMessage.objects.filter(channel=event.channel)
    if event.practice_id is not None:
        found = found.filter(practice_id=event.practice_id)
    if event.message_id:
        bare = event.message_id.strip().strip("<>")
        match = found.filter(provider_id__in=[bare, f"<{bare}>"]).first()
        if match is not None or event.practice_id is None:
            return match
    if event.recipient and event.practice_id is not None:
        return found.filter(to_value=event.recipient.lower()).order_by("-sent_at", "-id").first()
    return None


def _advance(outbound: OutboundMessage, kind: str, at: datetime) -> None:
    if kind not in DELIVERY_RANK:
        return  # opens, clicks, complaints say nothing about delivery
    locked = OutboundMessage.objects.select_for_update(of=("self",)).get(pk=outbound.pk)
    current = DELIVERY_RANK.get(locked.delivery, -1)
    if DELIVERY_RANK[kind] > current:
        OutboundMessage.objects.filter(pk=outbound.pk).update(delivery=kind, delivery_at=at)
        outbound.delivery, outbound.delivery_at = kind, at


def _follow(outbound: OutboundMessage, event: ChannelEvent) -> None:
    """The contact point and the person's consent, after what the provider said."""
    if outbound.lead_id is None:
        return  # a service text to staff or a stranger: no person record to update
    code, kind, at = event.code, event.kind, event.occurred_at
    said = f"{event.provider} {kind}" + (f" {code}" if code else "")
    evidence = event.description or said
    if kind in (EventKind.COMPLAINED, EventKind.UNSUBSCRIBED) or code in OPT_OUT_CODES:
        complaint = kind == EventKind.COMPLAINED
        opt_out(
            lead=outbound.lead,
            channel=outbound.channel,
            source=said,
            evidence=evidence,
            at=at,
            reason=SuppressionReason.COMPLAINT if complaint else SuppressionReason.OPT_OUT,
        )
        return
    point = _point(outbound)
    if point is None or kind not in (EventKind.BOUNCED, EventKind.FAILED, EventKind.DEFERRED):
        return
    if outbound.channel == Channel.SMS:
        if code in DISCONNECTED_CODES:
            point_set_validity(
                point=point, validity=Validity.DISCONNECTED, source=said, evidence=evidence, at=at
            )
        elif code in LANDLINE_CODES:
            ContactPoint.objects.filter(pk=point.pk).update(line_type=LineType.LANDLINE)
        return
    if kind == EventKind.BOUNCED and event.permanent:
        point_set_validity(
            point=point, validity=Validity.BOUNCED, source=said, evidence=evidence, at=at
        )
    elif kind == EventKind.DEFERRED or (kind == EventKind.BOUNCED and not event.permanent):
        soft = ChannelEvent.objects.filter(
            Q(kind=EventKind.DEFERRED) | Q(kind=EventKind.BOUNCED, permanent=False),
            practice_id=outbound.practice_id,
            outbound__to_value=outbound.to_value,
            occurred_at__gte=at - SOFT_BOUNCE_WINDOW,
        ).count()
        if soft >= SOFT_BOUNCE_LIMIT:
            point_set_validity(
                point=point,
                validity=Validity.BOUNCED,
                source=f"{event.provider}: {soft} soft bounces",
                evidence=evidence,
                at=at,
            )


def _point(outbound: OutboundMessage) -> ContactPoint | None:
    # Leads keep their contact points; a message's address is one of them unless it was a
    # test to someone else.
    return (
        ContactPoint.objects.filter(
            practice_id=outbound.practice_id, lead_id=outbound.lead_id, value=outbound.to_value
        )
        .select_related("lead__practice")
        .first()
    )
