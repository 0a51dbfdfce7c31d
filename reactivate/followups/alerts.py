"""Telling the assignee at once: in the app (the menu's count) and by email."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from reactivate.followups.models import FollowUp, Notification

log = logging.getLogger("reactivate.followups")


def alert(followup: FollowUp) -> Notification | None:
    user = followup.assignee
    if user is None:
        return None
    lead = followup.lead
    who = f"{lead.first_name} {lead.last_name}".strip() if lead else "someone"
    text = f"{who}: {followup.reason} (due {followup.due_at:%H:%M})"[:300]
    note = Notification.objects.create(practice=followup.practice, user=user,
                                       followup=followup, text=text)  # fmt: skip
    if user.email:
        link = settings.SITE_URL + reverse("followup_list", args=[followup.practice.slug])

        def send() -> None:
            try:
                send_mail(f"[{followup.practice.name}] {text}", f"{text}\n\n{link}\n",
                          settings.DEFAULT_FROM_EMAIL, [user.email])  # fmt: skip
            except Exception:
                log.exception("follow-up alert email to %s failed", user.email)

        # After the commit: the task stands whether or not the mail server answers.
        transaction.on_commit(send)
    return note
