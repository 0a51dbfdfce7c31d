"""Acting on a reply, the seed's table, in one transaction with its timeline entry.

Any human reply stops every automated step for the lead (DESIGN rule 3). Then by what it
said: positive → a follow-up due within the SLA, assigned; timing → a follow-up on the date
given and the lead out of the pool until then; changed → a re-qualify task; negative → the
record closed; unsubscribe → the one opt-out service; auto-reply → no stop, the next step
waits for the return date; wrong contact → that address or number invalid, the sequence
goes on with the others; unclear → a person reads it.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from mailparser_reply import EmailReplyParser

from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.campaigns.selectors import campaign_source
from reactivate.campaigns.stops import stop_for_lead
from reactivate.channels.inbound import attach, find_lead
from reactivate.channels.models import InboundMessage
from reactivate.followups.assign import assignee_for, due_within_sla
from reactivate.followups.models import FollowUpKind
from reactivate.followups.services import followup_open
from reactivate.leads.choices import Channel, ContactKind, InteractionKind, LeadStatus, Validity
from reactivate.leads.models import ContactPoint, Interaction, Lead
from reactivate.leads.optout import opt_in, opt_out
from reactivate.leads.reachability import point_set_validity
from reactivate.leads.services import lead_set_status
from reactivate.replies.answers import help_text, service_text, stop_text
from reactivate.replies.models import Reply
from reactivate.replies.understand import Reading, read_reply
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.replies")
OPEN = (LeadStatus.STALLED, LeadStatus.IN_SEQUENCE, LeadStatus.ACTIVE)
TASKS = {
    "positive": (FollowUpKind.REPLY, "said yes: answer now"),
    "changed": (FollowUpKind.REQUALIFY, "their situation changed: re-qualify"),
    "unclear": (FollowUpKind.TRIAGE, "a reply to read"),
}


def new_text(message: InboundMessage) -> str:
    """An email without its quoted history and signature (mail-parser-reply); a text as is."""
    if message.channel != Channel.EMAIL:
        return message.body.strip()
    parsed = EmailReplyParser(languages=["en", "es"]).parse_reply(text=message.body or "")
    return (parsed or message.body or "").strip()


def reply_take(message: InboundMessage) -> Reply | None:
    """Match (channels), read and act on one stored inbound message; None when that failed
    (the message stays stored, with its error, and is tried again).

    Matching and reading only read, so they run first; the writes then go in one short
    transaction, which on SQLite is the time another reply waits for this one."""
    if message.processed_at is not None:  # read before (a retry, a second poll)
        existing = Reply.objects.filter(inbound=message).first()
        if existing is not None:
            return existing
    try:
        lead = find_lead(message)
        practice = (
            lead.practice if lead else Practice.objects.filter(pk=message.practice_id).first()
        )
        text, reading = read_message(message, practice)
        # Chosen before the transaction too: two replies at the same instant may go to the
        # same person, which is cheaper than making every writer wait for the count.
        assignee = assignee_for(practice) if _needs_person(lead, practice, reading) else None
        with transaction.atomic():
            attach(message, lead)
            # Reply.inbound is unique: of two workers reading one message, one commits.
            reply = reply_record_reading(message, lead, practice, text, reading, assignee)
    except IntegrityError:  # another worker read it at the same moment: theirs stands
        return Reply.objects.filter(inbound=message).first()
    except Exception as exc:
        log.exception("reply %s could not be acted on", message.pk)
        InboundMessage.objects.filter(pk=message.pk).update(error=repr(exc)[:2000])
        return None
    _answer(message, reply, reading)
    return reply


def read_message(message: InboundMessage, practice: Practice | None) -> tuple[str, Reading]:
    """The new text of the message and what it says, on the practice's calendar."""
    zone = ZoneInfo(practice.timezone) if practice else timezone.get_current_timezone()
    received = message.received_at.astimezone(zone).date()
    text = new_text(message)
    headers = {k: v for k, v in (message.raw.get("headers") or [])} if message.raw else {}
    reading = read_reply(text, received=received, channel=message.channel, headers=headers)
    return text, _carrier_said(message, reading)


def _needs_person(lead: Lead | None, practice: Practice | None, reading: Reading) -> bool:
    if practice is None or reading.keyword in ("help", "start"):
        return False
    return lead is None or reading.label in TASKS


def reply_record_reading(
    message: InboundMessage, lead: Lead | None, practice: Practice | None, text: str,
    reading: Reading, assignee=None,
) -> Reply:  # fmt: skip
    """Store the reading and carry out what it says (inside reply_take's transaction)."""
    reply = Reply.objects.create(
        practice=practice, lead=lead, inbound=message, text=text,
        label=reading.label, confidence=reading.confidence, layer=reading.layer,
        follow_up_on=reading.follow_up.on if reading.follow_up else None,
        granularity=reading.follow_up.granularity if reading.follow_up else "",
    )  # fmt: skip
    if lead is not None:
        act(reply, lead, message, reading, assignee)
    elif practice is not None and reading.keyword not in ("help", "start"):
        followup_open(practice=practice, lead=None, kind=FollowUpKind.TRIAGE,
                      reason=f"a message from {message.from_value} matched no lead",
                      due_at=due_within_sla(practice, message.received_at),
                      inbound_id=message.pk, assignee=assignee,
                      received_at=message.received_at)  # fmt: skip
    return reply


def _answer(message: InboundMessage, reply: Reply, reading: Reading) -> None:
    """The carrier-required answers by text, after the commit: the opt-out stands even if the
    text cannot be sent. With Advanced Opt-Out, Twilio has already answered."""
    if message.channel != Channel.SMS or reply.practice is None:
        return
    if (message.raw or {}).get("OptOutType"):
        return
    if reading.keyword == "help":
        service_text(message, help_text(reply.practice), "help-answer")
    elif reading.label == "unsubscribe":
        service_text(message, stop_text(reply.practice), "optout-confirmation")


def _carrier_said(message: InboundMessage, reading: Reading) -> Reading:
    """Twilio's Advanced Opt-Out names the keyword it matched (``OptOutType``): its word wins."""
    said = str((message.raw or {}).get("OptOutType", "")).upper()
    if said == "STOP":
        return Reading("unsubscribe", 1.0, "keyword", "stop")
    if said == "START" and reading.keyword == "yes":
        return reading  # Twilio re-subscribed them; the yes still needs a person
    if said in ("START", "HELP"):
        return Reading("unclear", 1.0, "keyword", said.lower())
    return reading


def act(reply: Reply, lead: Lead, message: InboundMessage, reading: Reading, assignee=None) -> None:
    """The seed's table for one reply. ``assignee``: who gets the task, chosen beforehand by
    reply_take (outside the write transaction); None chooses now."""
    human = reading.label not in ("auto_reply", "wrong_contact")
    Interaction.objects.create(
        practice_id=lead.practice_id, lead=lead,
        kind=InteractionKind.MESSAGE_IN if human else InteractionKind.NOTE,
        channel=message.channel, actor_label=f"{message.provider} reply"[:100],
        summary=(f"{reading.label.replace('_', ' ')}: " + (reply.text or "(empty)"))[:300],
        body=reply.text, occurred_at=message.received_at,
        data={"inbound": message.pk, "reply": reply.pk, "label": reading.label,
              "confidence": reading.confidence},
    )  # fmt: skip
    if human:
        stop_for_lead(lead, "the lead replied")
        Lead.objects.filter(pk=lead.pk, status__in=OPEN).update(
            status=LeadStatus.RESPONDED, updated_at=timezone.now()
        )
    handler = ACTIONS.get(reading.label)
    if handler is not None:
        handler(reply, lead, message, reading, assignee)


def _task(reply, lead, message, reading, assignee=None) -> None:
    kind, why = TASKS[reading.label]
    followup_open(practice=lead.practice, lead=lead, kind=kind, reason=why,
                  due_at=due_within_sla(lead.practice, message.received_at),
                  inbound_id=message.pk, assignee=assignee, received_at=message.received_at,
                  source=_campaign_of(lead))  # fmt: skip


def _campaign_of(lead: Lead) -> str:
    """The campaign the lead was in when they wrote (the worklist filters by it)."""
    latest = (
        Enrollment.objects.filter(lead=lead).exclude(status=EnrollmentStatus.HOLDOUT)
        .order_by("-enrolled_at").values_list("campaign_id", flat=True).first()
    )  # fmt: skip
    return campaign_source(latest) if latest else ""


def _timing(reply, lead, message, reading, assignee=None) -> None:
    zone = ZoneInfo(lead.practice.timezone)
    when = datetime.combine(reading.follow_up.on, time(9, 30), zone)
    followup_open(practice=lead.practice, lead=lead, kind=FollowUpKind.TIMING,
                  reason=f"asked to be contacted later ({reading.follow_up.said or 'no date'})",
                  due_at=when, inbound_id=message.pk)  # fmt: skip
    Lead.objects.filter(pk=lead.pk).update(next_eligible_at=when)


def _negative(reply, lead, message, reading, assignee=None) -> None:
    lead.refresh_from_db()
    lead_set_status(lead=lead, actor=None, status=LeadStatus.CLOSED,
                    reason=f"said no: {reply.text[:150]}")  # fmt: skip


def _unsubscribe(reply, lead, message, reading, assignee=None) -> None:
    opt_out(lead=lead, channel=message.channel, source=f"reply ({reading.layer})",
            evidence=reply.text or message.body, at=message.received_at)  # fmt: skip


def _auto_reply(reply, lead, message, reading, assignee=None) -> None:
    if reading.follow_up is None:
        return
    back = datetime.combine(reading.follow_up.on, time(9, 30), ZoneInfo(lead.practice.timezone))
    for enrollment in Enrollment.objects.filter(
        lead=lead, status=EnrollmentStatus.ACTIVE, next_action_at__lt=back
    ):
        enrollment.next_action_at = back
        enrollment.last_decision = f"the lead is away until {reading.follow_up.on:%d %b}"
        enrollment.save(update_fields=["next_action_at", "last_decision", "updated_at"])


def _wrong_contact(reply, lead, message, reading, assignee=None) -> None:
    kind = ContactKind.PHONE if message.channel == Channel.SMS else ContactKind.EMAIL
    point = ContactPoint.objects.filter(
        practice_id=lead.practice_id, lead=lead, kind=kind, value=message.from_value.lower()
        if kind == ContactKind.EMAIL else message.from_value,
    ).select_related("lead__practice").first()  # fmt: skip
    if point is not None:
        point_set_validity(point=point, validity=Validity.INVALID, source="reply: wrong person",
                           evidence=reply.text)  # fmt: skip


def _keyword_start(reply, lead, message, reading, assignee=None) -> None:
    if reading.keyword == "help":
        return  # answered with the help text; nothing for a person to do
    if reading.keyword == "start" and message.channel == Channel.SMS:
        with contextlib.suppress(ValueError):  # not one of the lead's numbers for texts
            opt_in(lead=lead, channel=Channel.SMS, value=message.from_value, source="START text",
                   evidence=message.body, at=message.received_at)  # fmt: skip
        return
    _task(reply, lead, message, reading, assignee)


def _positive(reply, lead, message, reading, assignee=None) -> None:
    if reading.keyword == "yes" and message.channel == Channel.SMS:
        with contextlib.suppress(ValueError):  # YES is an opt-in keyword too (CTIA)
            opt_in(lead=lead, channel=Channel.SMS, value=message.from_value, source="YES text",
                   evidence=message.body, at=message.received_at)  # fmt: skip
    _task(reply, lead, message, reading, assignee)


ACTIONS = {
    "positive": _positive, "changed": _task, "unclear": _keyword_start, "timing": _timing,
    "negative": _negative, "unsubscribe": _unsubscribe, "auto_reply": _auto_reply,
    "wrong_contact": _wrong_contact,
}  # fmt: skip


def process_pending(*, older_than: timedelta = timedelta(minutes=1), limit: int = 500) -> int:
    """Messages stored but not yet acted on (a crash, an error): taken again."""
    cutoff = timezone.now() - older_than
    pending = InboundMessage.objects.filter(reply__isnull=True, received_at__lt=cutoff)
    return sum(reply_take(m) is not None for m in pending.order_by("received_at")[:limit])
