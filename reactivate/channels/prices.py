"""What a provider billed for each message, asked for once it knows.

Twilio fills a text's price in some time after sending it ("may not be immediately
available"), and never on the create's answer or in a status callback, so a periodic task
asks for each sent text it has not priced yet: soon after the send, then hourly, for three
days. The metrics (metrics.definitions.program_cost) use a reported price before the
practice's own setting; a provider that never reports one leaves the setting in use.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.registry import Adapters

SETTLE = timedelta(minutes=5)  # too soon to ask: Twilio has not priced it
AGAIN = timedelta(hours=1)  # between asks about a message still unpriced
WINDOW = timedelta(days=3)  # after this, the practice's price stands in for it


def unpriced(now: datetime):
    """Sent texts a provider may still price, those never asked about first."""
    return (
        OutboundMessage.objects.filter(
            provider="twilio", status=OutboundStatus.SENT, price__isnull=True,
            sent_at__gte=now - WINDOW, sent_at__lte=now - SETTLE,
        )
        .exclude(provider_id="")
        .filter(Q(price_checked_at__isnull=True) | Q(price_checked_at__lte=now - AGAIN))
        .select_related("practice")
        .order_by(F("price_checked_at").asc(nulls_first=True), "sent_at")
    )  # fmt: skip


def fetch_reported_prices(now: datetime | None = None, *, limit: int = 500) -> dict[str, int]:
    """Ask the provider the price of up to ``limit`` sent messages; store what it says."""
    now = now or timezone.now()
    counts = {"priced": 0, "not_yet": 0}
    adapters = Adapters()
    for message in unpriced(now)[:limit]:
        adapter = adapters.get(message.practice, message.channel)
        found = adapter.reported_price(message) if hasattr(adapter, "reported_price") else None
        changes = {"price_checked_at": now}
        if found is not None:
            changes["price"], changes["price_unit"] = found
        OutboundMessage.objects.filter(pk=message.pk).update(**changes)
        counts["priced" if found is not None else "not_yet"] += 1
    return counts
