"""Replies a person records by hand (a phone call, a walk-in, a message on social media),
and a person's correction of how a reply was read. Both go through the same reading and
actions as any reply, and both are audited."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.stops import stop_for_lead
from reactivate.channels.inbound import Incoming, receive
from reactivate.leads.models import Lead
from reactivate.replies.models import Reply
from reactivate.replies.services import ACTIONS, reply_take
from reactivate.replies.understand import LABELS, Reading
from reactivate.replies.understand.dates import FollowUp, follow_up_date

# How it came → the channel it is filed under (no channel for in person or social media).
VIA = {"call": "call", "sms": "sms", "email": "email", "in_person": "", "social": ""}


class ReplyError(ValueError):
    pass


def reply_record(*, lead: Lead, text: str, via: str, actor: AbstractBaseUser) -> Reply:
    text = (text or "").strip()
    if not text:
        raise ReplyError("Write down what the person said.")
    if via not in VIA:
        raise ReplyError(f"How did it come? One of {', '.join(VIA)}.")
    stored, _ = receive(
        Incoming(
            channel=VIA[via], provider="manual", provider_id=f"manual:{uuid.uuid4().hex}",
            from_value=f"lead-{lead.pk}", body=text[:4000], practice_id=lead.practice_id,
            received_at=timezone.now(), raw={"via": via, "recorded_by": actor.get_username()},
        )
    )  # fmt: skip
    # Recorded on the lead's page: the lead is known, whatever number or address it came from.
    stored.lead, stored.practice_id = lead, lead.practice_id
    stored.save(update_fields=["lead", "practice"])
    reply = reply_take(stored)
    detail = {"via": via, "label": reply.label if reply else None}
    audit_record(practice=lead.practice, actor=actor, action=AuditAction.REPLY_RECORDED,
                 obj=lead, detail=detail)  # fmt: skip
    return reply


def reply_correct(*, reply: Reply, label: str, actor: AbstractBaseUser) -> Reply:
    """A person says what the reply meant: its actions run for that, and the pair is kept
    as a training example (``classify-replies --retrain`` folds them in)."""
    if label not in LABELS:
        raise ReplyError(f"Unknown class {label!r}.")
    if label == reply.label:
        return reply
    with transaction.atomic():
        reply.corrected_from = reply.corrected_from or reply.label
        reply.label, reply.confidence, reply.layer = label, 1.0, "person"
        reply.corrected_by = actor
        reply.save(update_fields=["corrected_from", "label", "confidence", "layer",
                                  "corrected_by"])  # fmt: skip
        if reply.lead is not None:
            follow = None
            if label == "timing":
                follow = _follow(reply, reply.follow_up_on)
            lead = Lead.objects.select_related("practice").get(pk=reply.lead_id)
            if label not in ("auto_reply", "wrong_contact"):
                stop_for_lead(lead, "the lead replied")  # a person read it as human
            handler = ACTIONS.get(label)
            if handler is not None:
                handler(reply, lead, reply.inbound, Reading(label, 1.0, "person", follow_up=follow))
        audit_record(practice=reply.inbound.practice or reply.lead.practice, actor=actor,
                     action=AuditAction.REPLY_CORRECTED, obj=reply,
                     detail={"from": reply.corrected_from, "to": label})  # fmt: skip
    return reply


def _follow(reply: Reply, on):
    if on is not None:
        return FollowUp(on, reply.granularity or "day", "corrected")
    return follow_up_date(reply.text, reply.inbound.received_at.date())


def training_examples() -> tuple[tuple[str, str], ...]:
    """Every reply a person corrected, as (text, label)."""
    rows = Reply.objects.exclude(corrected_from="").values_list("text", "label")
    return tuple((text, label) for text, label in rows if text)
