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
from reactivate.channels.models import InboundMessage
from reactivate.followups.models import FollowUp, FollowUpKind, TaskStatus
from reactivate.followups.work import followups_touch
from reactivate.leads.models import Lead
from reactivate.replies.models import Reply
from reactivate.replies.services import ACTIONS, act, reply_take
from reactivate.replies.understand import LABELS, Reading
from reactivate.replies.understand.dates import FollowUp as FollowUpDate
from reactivate.replies.understand.dates import follow_up_date

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
        if reply.lead is not None:
            followups_touch(lead=reply.lead, actor=actor)
        audit_record(practice=reply.inbound.practice or reply.lead.practice, actor=actor,
                     action=AuditAction.REPLY_CORRECTED, obj=reply,
                     detail={"from": reply.corrected_from, "to": label})  # fmt: skip
    return reply


def reply_attach(*, reply: Reply, lead: Lead, actor: AbstractBaseUser) -> Reply:
    """An unmatched message, said by a person to be this lead's: attached, then acted on as
    it was read (a yes gets its task, a STOP opts the lead out), and its triage task done."""
    if reply.lead_id is not None:
        raise ReplyError("That message is already on a lead's record.")
    if reply.practice_id is not None and reply.practice_id != lead.practice_id:
        raise ReplyError("That message came to another practice.")
    message = reply.inbound
    with transaction.atomic():
        InboundMessage.objects.filter(pk=message.pk).update(lead=lead, practice=lead.practice)
        message.lead, message.practice_id = lead, lead.practice_id
        reply.lead, reply.practice_id = lead, lead.practice_id
        reply.save(update_fields=["lead", "practice"])
        follow = _follow(reply, reply.follow_up_on) if reply.label == "timing" else None
        triage = FollowUp.objects.filter(inbound_id=message.pk, kind=FollowUpKind.TRIAGE)
        # An unclear message keeps its task to read, now on the lead; any other reading
        # makes its own task (or none), and the triage is done.
        if reply.label == "unclear":
            triage.filter(lead__isnull=True).update(lead=lead)
        lead = Lead.objects.select_related("practice").get(pk=lead.pk)
        act(reply, lead, message, Reading(reply.label, reply.confidence, reply.layer,
                                          follow_up=follow))  # fmt: skip
        if reply.label != "unclear":
            triage.filter(status=TaskStatus.OPEN).update(status=TaskStatus.DONE,
                                                         done_at=timezone.now())  # fmt: skip
        followups_touch(lead=lead, actor=actor)
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.REPLY_ATTACHED,
                     obj=reply, detail={"lead": lead.pk, "label": reply.label})  # fmt: skip
    return reply


def _follow(reply: Reply, on):
    if on is not None:
        return FollowUpDate(on, reply.granularity or "day", "corrected")
    return follow_up_date(reply.text, reply.inbound.received_at.date())


def training_examples() -> tuple[tuple[str, str], ...]:
    """Every reply a person corrected, as (text, label)."""
    rows = Reply.objects.exclude(corrected_from="").values_list("text", "label")
    return tuple((text, label) for text, label in rows if text)
