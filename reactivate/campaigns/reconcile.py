"""Sends left in doubt by a worker that died mid-call, settled by asking the provider.

A channel whose provider can say what it received (Twilio lists the messages to a number)
offers ``lookup``; when its answer is clear the send is resolved as a person would resolve
it (campaigns.services.resolve_uncertain): sent, or queued again to go through the gate.
What the provider cannot answer stays uncertain for a person.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from reactivate.campaigns.services import resolve_uncertain
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.registry import Adapters


def reconcile_uncertain(now: datetime | None = None, *, limit: int = 200) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"sent": 0, "requeued": 0, "unclear": 0}
    adapters = Adapters()
    doubtful = OutboundMessage.objects.filter(status=OutboundStatus.UNCERTAIN).select_related(
        "practice"
    )
    for message in doubtful.order_by("sending_at")[:limit]:
        adapter = adapters.get(message.practice, message.channel)
        answer = adapter.lookup(message, now) if hasattr(adapter, "lookup") else None
        if answer is None:
            counts["unclear"] += 1
            continue
        resolve_uncertain(
            message=message,
            went_out=bool(answer),
            actor=None,
            decided_by=adapter.name,
            provider_id=answer,
            now=now,
        )
        counts["sent" if answer else "requeued"] += 1
    return counts
