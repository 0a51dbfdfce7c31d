"""The two texts the carriers and the FCC require, sent at once through the practice's SMS
channel (they are service messages, not marketing, so no campaign gate applies):

- the HELP answer: who is writing, how to reach them, how to stop;
- one confirmation after an opt-out by text, with no marketing (47 CFR 64.1200(a)(12)).

Each is sent at most once per inbound message (its idempotency key names the message),
by channels.service.
"""

from __future__ import annotations

from reactivate.channels.models import InboundMessage, OutboundMessage
from reactivate.channels.service import send_service_text
from reactivate.messaging.fields import practice_values
from reactivate.tenancy.models import Practice


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
    return send_service_text(
        practice=Practice.objects.get(pk=message.practice_id), to=message.from_value, body=body,
        key=f"{kind}-{message.pk}", source=kind, lead_id=message.lead_id,
    )  # fmt: skip
