"""The demo's running campaign: two weeks of a small pilot played through the real engine,
so every channel has something to show on first login.

In the sandbox nothing leaves the machine, so the provider's side is played here too, with
the same code paths a real provider's webhooks take: delivery reports (one bounce) through
channels.events, replies (a yes, a STOP, a "later", a changed situation, a stranger) through
channels.inbound, so the worklist has real work waiting. A coordinator
logs the day's calls and mails the letters, as the team would. Done once per database.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Campaign
from reactivate.campaigns.sequences import sequence_create, step_add
from reactivate.campaigns.services import campaign_create, campaign_launch
from reactivate.channels.events import Event, record_event
from reactivate.channels.inbound import Incoming, receive
from reactivate.channels.letter.services import batch_close, batch_mark_mailed
from reactivate.channels.models import BatchStatus, EventKind, OutboundMessage, PrintBatch
from reactivate.followups.models import CallTask, TaskStatus
from reactivate.followups.services import call_log_outcome
from reactivate.followups.work import followups_touch
from reactivate.leads.choices import ContactKind
from reactivate.leads.models import Consent, ContactPoint
from reactivate.messaging.models import MessageTemplate
from reactivate.replies.services import reply_take
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice

NAME = "Winter check-in"
# (channel, starter message, days after the step before)
STEPS = [("email", "email-1", 0), ("sms", "sms-1", 2), ("call", "call-1", 2),
         ("letter", "letter-1", 2), ("email", "email-2", 3)]  # fmt: skip
DAYS = 12
OUTCOMES = ["no_answer", "voicemail", "connected", "wrong_number"]


def demo_activity(practice: Practice, *, username: str) -> str:
    if Campaign.objects.filter(practice=practice, name=NAME).exists():
        return f"Running campaign '{NAME}' kept."
    coordinator = get_user_model().objects.get(username=username)
    campaign = _launch(practice, coordinator)
    zone = ZoneInfo(practice.timezone)
    today = timezone.now().astimezone(zone).date()
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue  # the team works weekdays
        moment = datetime.combine(day, time(10, 30), zone)
        run_due(moment)
        provider_reports(practice, f"campaign-{campaign.pk}", bounce=3)
        _work_the_day(practice, coordinator, back)
    _replies(practice, campaign, coordinator)
    sent = OutboundMessage.objects.filter(practice=practice, source=f"campaign-{campaign.pk}")
    return (
        f"Running campaign '{NAME}': {sent.count()} messages in the outbox, "
        f"{CallTask.objects.filter(practice=practice, status=TaskStatus.OPEN).count()} calls "
        "to make, letters under Letters, replies waiting on the Worklist."
    )


def _launch(practice: Practice, coordinator) -> Campaign:
    sequence = sequence_create(practice=practice, name=f"{NAME}: every channel", actor=None)
    for channel, step, wait in STEPS:
        template = MessageTemplate.objects.get(
            practice=practice, step=step, language="en", dormancy_reason=""
        )
        step_add(sequence=sequence, actor=None, channel=channel, template=template, wait=wait,
                 wait_unit="days")  # fmt: skip
    segment, _ = Segment.objects.get_or_create(
        practice=practice, name="Stalled treatment plans",
        defaults={"definition": {"statuses": ["stalled"], "stages": ["treatment_plan"]}},
    )  # fmt: skip
    campaign = campaign_create(
        practice=practice, name=NAME, segment=segment, sequence=sequence, actor=None,
        pilot_size=16, holdout_percent=20, sender_name=coordinator.first_name or "The team",
    )  # fmt: skip
    start = timezone.now() - timedelta(days=DAYS + 1)
    campaign_launch(campaign=campaign, actor=None, now=start)
    _addresses(practice, campaign, start)
    return campaign


def _addresses(practice: Practice, campaign: Campaign, at) -> None:
    """The synthetic leads have no postal addresses; the pilot's get one each (with the
    practice's record of permission to write), so the letter step has letters to print."""
    streets = ["Lake St", "Maple Ave", "Harbor Rd", "Oak Park Blvd", "Elm St", "Cedar Ln"]
    enrolled = campaign.enrollments.exclude(status="holdout").values_list("lead_id", flat=True)
    for index, lead_id in enumerate(enrolled):
        point = ContactPoint.objects.create(
            practice=practice, lead_id=lead_id, kind=ContactKind.ADDRESS, validity="valid",
            value=f"{120 + 7 * index} {streets[index % len(streets)]}, Austin, TX 787{index:02d}",
        )  # fmt: skip
        Consent.objects.create(practice=practice, contact_point=point, channel="letter",
                               status="granted", source="intake form", recorded_at=at)  # fmt: skip


def provider_reports(practice: Practice, source: str, bounce: int | None = None) -> None:
    """Delivery reports for what the campaign sent so far, as the provider's webhook would
    send them; the ``bounce``-th message among them bounces, when it is an email."""
    fresh = OutboundMessage.objects.filter(practice=practice, delivery="", status="sent",
                                           source=source)  # fmt: skip
    for index, message in enumerate(fresh.order_by("id")):
        bounced = message.channel == "email" and index == bounce
        record_event(Event(
            provider="sandbox", channel=message.channel,
            kind=EventKind.BOUNCED if bounced else EventKind.DELIVERED,
            message_id=message.provider_id, event_id=f"demo-{message.pk}",
            code="5.1.1" if bounced else "", practice_id=practice.pk,
            description="550 5.1.1 mailbox unavailable (demo)" if bounced else "",
            raw={"demo": True, "message": message.pk},
        ))  # fmt: skip


def _work_the_day(practice: Practice, coordinator, back: int) -> None:
    if back == 0:
        return  # today's work is left for whoever opens the demo
    # The team works its calls, keeping a few for the person who opens the demo.
    open_calls = list(CallTask.objects.filter(practice=practice, status="open").order_by("id"))
    for index, task in enumerate(open_calls[:-4]):
        call_log_outcome(task=task, outcome=OUTCOMES[index % len(OUTCOMES)], actor=coordinator)
    batch = PrintBatch.objects.filter(practice=practice, status=BatchStatus.OPEN).first()
    if batch is not None and batch.letters.exists():
        batch_close(batch=batch, actor=coordinator)
        batch_mark_mailed(batch=batch, actor=coordinator)


# (what the lead texted back, minutes ago): a yes waiting now, a STOP, a "later", a changed
# situation a coordinator picked up nine minutes after it came (so speed to human has a figure).
REPLIES = [
    ("Yes! Is Thursday afternoon free?", 6),
    ("STOP", 140),
    ("maybe after the holidays", 95),
    ("We moved to Dallas, not sure I still need it", 60),
]
STRANGER = ("+17375550142", "Hi, is this the dentist? My wife got your text about her crowns", 20)


def _replies(practice: Practice, campaign: Campaign, coordinator) -> None:
    texted = list(
        OutboundMessage.objects.filter(
            practice=practice, channel="sms", status="sent", source=f"campaign-{campaign.pk}"
        )
        .order_by("id")
        .values_list("to_value", "pk")[: len(REPLIES)]
    )
    now = timezone.now()
    for (number, pk), (body, ago) in zip(texted, REPLIES, strict=False):
        reply = _text_in(practice, f"demo-reply-{pk}", number, body, now - timedelta(minutes=ago))
        if reply is not None and reply.label == "changed" and reply.lead is not None:
            followups_touch(lead=reply.lead, actor=coordinator,
                            at=now - timedelta(minutes=ago - 9))  # fmt: skip
    number, body, ago = STRANGER  # a number no lead has: it waits in the triage list
    _text_in(practice, "demo-reply-stranger", number, body, now - timedelta(minutes=ago))


def _text_in(practice: Practice, sid: str, number: str, body: str, at):
    stored, _ = receive(Incoming(
        channel="sms", provider="sandbox", provider_id=sid, from_value=number, body=body,
        practice_id=practice.pk, received_at=at, raw={"demo": True, "Body": body, "From": number},
    ))  # fmt: skip
    return reply_take(stored)
