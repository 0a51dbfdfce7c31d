"""Each person's morning digest: what is theirs to do today, and what no one has taken.

Sent at DIGEST_HOUR in the practice's time zone, once per person and day (``DigestSent``),
by email; a day with nothing to do sends nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from reactivate.followups.models import DigestSent
from reactivate.followups.selectors import WorkItem, worklist
from reactivate.tenancy.choices import EDIT_ROLES
from reactivate.tenancy.models import Membership, Practice

log = logging.getLogger("reactivate.followups")
DIGEST_HOUR = 7


@dataclass
class Digest:
    user: object
    practice: Practice
    mine: list[WorkItem]
    unassigned: list[WorkItem]

    @property
    def empty(self) -> bool:
        return not (self.mine or self.unassigned)

    def text(self) -> str:
        zone = ZoneInfo(self.practice.timezone)
        lines = [f"Good morning. Today at {self.practice.name}:", ""]
        for title, items in (("Yours", self.mine), ("Not taken by anyone", self.unassigned)):
            if not items:
                continue
            lines.append(f"{title} ({len(items)}):")
            for item in items:
                who = item.lead.full_name if item.lead is not None else "a message with no lead"
                due = item.due_at.astimezone(zone)
                lines.append(
                    f"  {due:%H:%M}  {item.kind_label}: {who or '(no name)'}, {item.reason}"
                )
            lines.append("")
        link = settings.SITE_URL + reverse("worklist", args=[self.practice.slug])
        lines.append(f"The worklist: {link}")
        return "\n".join(lines)


def digest_for(user, practice: Practice, *, now: datetime | None = None) -> Digest:
    mine = worklist(practice, user=user, mine=True, now=now).items
    unassigned = worklist(practice, unassigned=True, now=now).items
    return Digest(user, practice, mine, unassigned)


def send_digests(practice: Practice, *, now: datetime | None = None, force: bool = False) -> int:
    """Send today's digests for ``practice`` (at DIGEST_HOUR unless ``force``); how many."""
    now = now or timezone.now()
    local = now.astimezone(ZoneInfo(practice.timezone))
    if not force and local.hour != DIGEST_HOUR:
        return 0
    sent = 0
    members = Membership.objects.filter(practice=practice, role__in=EDIT_ROLES,
                                        user__is_active=True).select_related("user")  # fmt: skip
    for member in members:
        user = member.user
        digest = digest_for(user, practice, now=now)
        if digest.empty or not user.email:
            continue
        try:
            with transaction.atomic():
                count = len(digest.mine) + len(digest.unassigned)
                DigestSent.objects.create(practice=practice, user=user, day=local.date(),
                                          items=count)  # fmt: skip
        except IntegrityError:
            continue  # already sent today
        try:
            send_mail(f"[{practice.name}] Today: {len(digest.mine)} yours, "
                      f"{len(digest.unassigned)} not taken", digest.text(),
                      settings.DEFAULT_FROM_EMAIL, [user.email])  # fmt: skip
        except Exception:
            log.exception("digest to %s failed", user.email)
            continue
        sent += 1
    return sent
