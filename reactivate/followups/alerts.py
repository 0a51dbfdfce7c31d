"""Telling the assignee at once: in the app (the menu's count), by email, and by text when
they gave a mobile number for it (Settings → Team)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from reactivate.channels.service import can_text, send_service_text
from reactivate.followups.models import FollowUp, Notification
from reactivate.tenancy.models import Membership

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
    link = settings.SITE_URL + reverse("worklist", args=[followup.practice.slug])
    # After the commit: the task stands whether or not the mail server or Twilio answers.
    transaction.on_commit(lambda: _send(note, followup, link))
    return note


def alert_escalation(followup: FollowUp, manager) -> Notification:
    """A manager told that an answer is late: in the app and by email."""
    lead = followup.lead
    who = f"{lead.first_name} {lead.last_name}".strip() if lead else "an unmatched message"
    owner = followup.assignee.get_username() if followup.assignee else "nobody"
    text = (f"Late: {who} ({followup.reason}) was due {followup.due_at:%H:%M}, "
            f"with {owner}")[:300]  # fmt: skip
    note = Notification.objects.create(practice=followup.practice, user=manager,
                                       followup=followup, text=text)  # fmt: skip
    link = settings.SITE_URL + reverse("worklist", args=[followup.practice.slug])
    transaction.on_commit(lambda: _send(note, followup, link, text_too=False))
    return note


def _send(note: Notification, followup: FollowUp, link: str, text_too: bool = True) -> None:
    user, practice = note.user, followup.practice
    if user.email:
        try:
            send_mail(f"[{practice.name}] {note.text}", f"{note.text}\n\n{link}\n",
                      settings.DEFAULT_FROM_EMAIL, [user.email])  # fmt: skip
        except Exception:
            log.exception("follow-up alert email to %s failed", user.email)
    if not text_too:
        return
    phone = (
        Membership.objects.filter(user=user, practice=practice)
        .values_list("alert_phone", flat=True)
        .first()
    )
    if phone and can_text(practice):
        try:
            # It names the lead but not what they wrote: a text is no place for health details.
            send_service_text(practice=practice, to=phone, key=f"alert-{note.pk}",
                              body=f"{practice.name}: {note.text} {link}",
                              source="staff-alert")  # fmt: skip
        except Exception:
            log.exception("follow-up alert text to %s failed", phone)
