"""A sender's messages a second, held across every worker that sends for it.

Before a group of texts goes out, the worker reserves one slot per text on the sender's row
(one short transaction: the row's lock orders the workers), and each text waits for its slot
before the provider is called. The reservation starts no earlier than now, so a sender that
has been idle does not save up a burst.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from reactivate.channels.models import SenderPace


def reserve(sender: str, count: int, rate: float, now: datetime | None = None) -> list[datetime]:
    """``count`` start times one ``1/rate`` apart for ``sender``."""
    if count <= 0:
        return []
    now = now or timezone.now()
    gap = timedelta(seconds=1 / rate)
    with transaction.atomic():
        SenderPace.objects.get_or_create(sender=sender, defaults={"next_free": now})
        pace = SenderPace.objects.select_for_update().get(sender=sender)
        start = max(pace.next_free, now)
        pace.next_free = start + gap * count
        pace.save(update_fields=["next_free"])
    return [start + gap * i for i in range(count)]


def wait_until(moment: datetime) -> None:
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)
