"""One lead's conversation: every message out and in on every channel, oldest first, each
reply with how it was read (class, confidence, the date it gave)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reactivate.channels.models import InboundMessage, OutboundMessage
from reactivate.leads.models import Lead
from reactivate.replies.models import Reply

THREAD_LIMIT = 200

SOURCES = {"answer": "answered by hand", "booking-confirmation": "booking confirmation",
           "help-answer": "HELP answer", "optout-confirmation": "opt-out confirmation",
           "channel-test": "channel test"}  # fmt: skip


@dataclass
class Entry:
    direction: str  # "out" or "in"
    channel: str
    at: datetime
    subject: str
    text: str
    status: str = ""  # out: sent, delivered, bounced…; in: how it was read
    source: str = ""
    reply: Reply | None = None


def thread(lead: Lead) -> list[Entry]:
    out = (
        OutboundMessage.objects.filter(practice_id=lead.practice_id, lead=lead)
        .exclude(status__in=("queued", "cancelled"))
        .order_by("-created_at")[:THREAD_LIMIT]
    )
    entries = [
        Entry(
            "out",
            m.channel,
            m.sent_at or m.created_at,
            m.subject,
            m.body,
            m.delivery or m.status,
            _source(m.source),
        )
        for m in out
    ]
    replies = {
        r.inbound_id: r for r in Reply.objects.filter(lead=lead).select_related("corrected_by")
    }
    inbound = InboundMessage.objects.filter(practice_id=lead.practice_id, lead=lead).order_by(
        "-received_at"
    )[:THREAD_LIMIT]
    for m in inbound:
        reply = replies.get(m.pk)
        text = reply.text if reply and reply.text else m.body
        status = reply.label if reply else "not read yet"
        entries.append(Entry("in", m.channel or m.provider, m.received_at, m.subject, text,
                             status, m.provider, reply))  # fmt: skip
    entries.sort(key=lambda e: e.at)
    return entries


def _source(source: str) -> str:
    if source.startswith("campaign-"):
        return "campaign"
    return SOURCES.get(source, source)


def unmatched(practice_id: int, limit: int = 100) -> list[Reply]:
    """Messages that matched no lead, newest first: the triage list."""
    return list(
        Reply.objects.filter(practice_id=practice_id, lead__isnull=True)
        .select_related("inbound").order_by("-inbound__received_at", "-id")[:limit]
    )  # fmt: skip
