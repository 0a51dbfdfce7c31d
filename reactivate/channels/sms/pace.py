"""A sender's messages a second, held across every worker that sends for it.

Before a group of texts goes out, the worker reserves one slot per text on the sender's row
(one short transaction: the row's lock orders the workers), and each text waits for its slot
before the provider is called. A sender that has been idle saves up no more than one
second's worth of messages.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from reactivate.channels.models import SenderPace


def reserve(sender: str, count: int, rate: float, now: datetime | None = None) -> list[datetime]:
    """``count`` start times for ``sender``'s next messages, at ``rate`` a second on average.

    A generic cell rate algorithm: the row keeps the sender's theoretical next slot, and a
    message may go up to one second's worth of messages early, so a sender of 100 a second
    sends a group of 8 at once while one of 1 a second sends one a second, exactly.
    """
    if count <= 0:
        return []
    now = now or timezone.now()
    gap = timedelta(seconds=1 / rate)
    early = gap * (max(1, int(rate)) - 1)  # the burst one second's worth allows
    with transaction.atomic():
        SenderPace.objects.get_or_create(sender=sender, defaults={"next_free": now})
        pace = SenderPace.objects.select_for_update().get(sender=sender)
        theoretical = max(pace.next_free, now)
        starts = []
        for _ in range(count):
            starts.append(max(now, theoretical - early))
            theoretical += gap
        pace.next_free = theoretical
        pace.save(update_fields=["next_free"])
    return starts


def wait_until(moment: datetime) -> None:
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)
