"""Answering a lead from the thread: the suggestion for what they last said, and the answer
sent through the gate, counted as the first human action on their reply."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.channels.direct import send_to_lead
from reactivate.channels.models import OutboundMessage
from reactivate.followups.models import FollowUp, TaskStatus
from reactivate.followups.work import followup_finish, followups_touch
from reactivate.leads.models import Lead
from reactivate.messaging.answers import Suggestion, suggested_answer
from reactivate.messaging.unsubscribe import unsubscribe_url
from reactivate.replies.models import Reply


def latest_reply(lead: Lead) -> Reply | None:
    return (
        Reply.objects.filter(lead=lead).exclude(label__in=("auto_reply", "wrong_contact"))
        .select_related("inbound").order_by("-inbound__received_at", "-id").first()
    )  # fmt: skip


def suggestion_for(lead: Lead, channel: str, user: AbstractBaseUser) -> Suggestion:
    """What to say to the lead's latest reply, signed by the person answering."""
    reply = latest_reply(lead)
    return suggested_answer(
        lead, reply.label if reply else "unclear", channel,
        coordinator=user.get_full_name() or user.get_username(),
        follow_up_on=reply.follow_up_on if reply else None,
        unsubscribe_link=unsubscribe_url(lead) if channel == "email" else "",
    )  # fmt: skip


def answer_send(
    *, lead: Lead, channel: str, body: str, actor: AbstractBaseUser, subject: str = "",
    finish: bool = True,
) -> OutboundMessage:  # fmt: skip
    """Send the answer (channels.direct refuses what the gate holds), then mark the reply
    answered: its follow-ups stamped with this first action, and done when ``finish``."""
    outbound = send_to_lead(lead=lead, channel=channel, body=body, subject=subject,
                            actor=actor, source="answer")  # fmt: skip
    with transaction.atomic():
        followups_touch(lead=lead, actor=actor, at=outbound.sent_at)
        if finish:
            for followup in FollowUp.objects.filter(
                practice_id=lead.practice_id, lead=lead, status=TaskStatus.OPEN,
                kind__in=("reply", "triage"),
            ):  # fmt: skip
                followup_finish(followup=followup, actor=actor)
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.MESSAGE_ANSWERED,
                     obj=lead, detail={"channel": channel, "outbound": outbound.pk})  # fmt: skip
    return outbound
