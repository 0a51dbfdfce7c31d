"""Twilio's message statuses and error codes in the product's one event vocabulary."""

from __future__ import annotations

import re

from reactivate.channels.events import Event
from reactivate.channels.models import EventKind
from reactivate.leads.choices import Channel

# Twilio's MessageStatus values (STANDARDS.md) → events. "receiving" and "received" describe
# inbound messages and are not delivery reports.
STATUS = {
    "accepted": EventKind.QUEUED,
    "scheduled": EventKind.QUEUED,
    "queued": EventKind.QUEUED,
    "sending": EventKind.SENT,
    "sent": EventKind.SENT,
    "delivered": EventKind.DELIVERED,
    "read": EventKind.OPENED,
    "undelivered": EventKind.BOUNCED,
    "failed": EventKind.FAILED,
    "canceled": EventKind.FAILED,
}
SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
# Long codes, toll-free numbers and short codes (Twilio's documented defaults, in messages a
# second per sender); a messaging service is as fast as its senders, so it says so itself.
TOLL_FREE = re.compile(r"^\+18(00|33|44|55|66|77|88)\d{7}$")
RATE_LONG_CODE, RATE_TOLL_FREE, RATE_SHORT_CODE = 1.0, 3.0, 100.0


def status_event(params: dict[str, str], *, practice_id: int | None) -> Event | None:
    """The event a status callback's form parameters describe; None when there is none."""
    status = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    kind = STATUS.get(status)
    if kind is None or not SID.match(sid):
        return None
    code = params.get("ErrorCode", "") or ""
    return Event(
        provider="twilio",
        channel=Channel.SMS,
        kind=kind,
        message_id=sid,
        # Twilio gives no id per report: a status (and its error) happens once per message,
        # so repeats of the same report collapse into one.
        event_id=f"{sid}:{status}:{code}",
        recipient=params.get("To", ""),
        code=code,
        description=params.get("ErrorMessage", "") or (f"Twilio error {code}" if code else ""),
        permanent=True,
        raw=dict(params),
        practice_id=practice_id,
    )


def default_rate(*, from_number: str, messaging_service_sid: str) -> float:
    if messaging_service_sid:
        return RATE_LONG_CODE
    if from_number.isdigit() and 5 <= len(from_number) <= 6:
        return RATE_SHORT_CODE
    if TOLL_FREE.match(from_number):
        return RATE_TOLL_FREE
    return RATE_LONG_CODE
