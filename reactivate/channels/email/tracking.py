"""Email delivery reports from an ESP, through django-anymail's tracking webhooks.

Anymail checks each request the way its ESP signs it (Mailgun's HMAC, Amazon SNS's
certificate, basic auth with ``ANYMAIL_WEBHOOK_SECRET`` for the others) and normalises the
payload into an ``AnymailTrackingEvent``; this receiver turns that into the product's event
(channels.events), which the message's provider id leads back to its practice.
"""

from __future__ import annotations

import json
import re

from reactivate.channels.events import Event, record_event
from reactivate.channels.models import EventKind
from reactivate.leads.choices import Channel

# Anymail's normalised event types → ours. "autoresponded", "subscribed" and "unknown"
# are left out: auto-replies are the replies app's to read, the rest says nothing to act on.
KINDS = {
    "queued": EventKind.QUEUED,
    "sent": EventKind.SENT,
    "delivered": EventKind.DELIVERED,
    "deferred": EventKind.DEFERRED,
    "bounced": EventKind.BOUNCED,
    "rejected": EventKind.FAILED,
    "failed": EventKind.FAILED,
    "complained": EventKind.COMPLAINED,
    "opened": EventKind.OPENED,
    "clicked": EventKind.CLICKED,
    "unsubscribed": EventKind.UNSUBSCRIBED,
}
STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


def on_tracking(sender, event, esp_name: str, **kwargs) -> None:
    """anymail.signals.tracking receiver (connected in ChannelsConfig.ready)."""
    kind = KINDS.get(event.event_type)
    if kind is None:
        return
    said = " ".join(str(x) for x in (event.description, event.mta_response) if x)
    match = STATUS.search(said)
    code = match.group(1) if match else ""
    record_event(
        Event(
            provider=esp_name.lower().replace(" ", "_"),
            channel=Channel.EMAIL,
            kind=kind,
            message_id=event.message_id or "",
            event_id=event.event_id or "",
            recipient=(event.recipient or "").lower(),
            code=code,
            description=said[:500],
            # An ESP reports soft bounces as "deferred"; a bounce is permanent unless its
            # own status says 4.x.x.
            permanent=not code.startswith("4"),
            occurred_at=event.timestamp,
            raw=_plain(event.esp_event),
        )
    )


def _plain(payload) -> dict:
    """The ESP's payload as JSON can hold it (some ESPs' are objects or lists)."""
    try:
        data = json.loads(json.dumps(payload, default=str))
    except (TypeError, ValueError):
        data = str(payload)
    return data if isinstance(data, dict) else {"payload": data}
