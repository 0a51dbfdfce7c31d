"""A hand-built practice whose program figures are worked out by hand in test_figures.py.

One launched campaign of ten leads, eight treated (L1-L8) and two held out (H1, H2), its
touches starting at T0 (twenty days ago):

  L1  email (wording A) sent, delivered; says yes a day later; books $4,000, won on day 12
  L2  email (B) bounced (paid for, not a touch); text on day 2; "no thanks" on day 3
  L3  email (B) sent; an out-of-office answers it
  L4  text sent; "we moved" on day 1; re-qualified (status reactivated); books $3,000
  L5  text sent; "we moved" on day 1; not re-qualified (still responded)
  L6  a letter mailed on day 4; said yes on day 3, before it arrived; a hand answer to it
  L7  a call not answered on day 0, a voicemail left on day 2; "wrong number" back
  L8  its email failed at the provider: never contacted
  H1  held out; walked in on day 3 and booked $5,000, lost
  H2  held out; nothing
  N1  never in the program: inquired 40 days before T0, won 10 days before T0
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from reactivate.campaigns.models import Campaign, Enrollment, Sequence
from reactivate.campaigns.selectors import campaign_source
from reactivate.channels.models import (
    InboundMessage,
    Letter,
    OutboundMessage,
    PrintBatch,
)  # fmt: skip
from reactivate.followups.models import CallTask, FollowUp
from reactivate.leads.choices import LeadStatus, OpportunityStage
from reactivate.leads.models import Lead, Opportunity
from reactivate.messaging.models import MessageTemplate, TemplateVersion
from reactivate.metrics.models import CostEntry, ProgramCosts
from reactivate.replies.models import Reply
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice

DAY = timedelta(days=1)
_ids = itertools.count(1)


def t0() -> datetime:
    return timezone.now().replace(microsecond=0) - 20 * DAY


def program(practice: Practice, start: datetime) -> dict:
    """Build the program above at ``practice``; the leads and the campaign by name."""
    segment = Segment.objects.create(practice=practice, name="Stalled plans", definition={})
    sequence = Sequence.objects.create(practice=practice, name="Check-in")
    campaign = Campaign.objects.create(
        practice=practice, name="Autumn", segment=segment, sequence=sequence,
        status="running", launched_at=start - DAY,
    )  # fmt: skip
    other = Campaign.objects.create(
        practice=practice, name="Never launched", segment=segment, sequence=sequence
    )
    names = ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "H1", "H2", "N1"]
    leads = {n: Lead.objects.create(practice=practice, first_name=n, last_name="Hand",
                                    status=LeadStatus.RESPONDED) for n in names}  # fmt: skip
    Lead.objects.filter(pk__in=[leads[n].pk for n in ("L3", "L6", "L7", "L8", "H2")]).update(
        status=LeadStatus.IN_SEQUENCE
    )
    Lead.objects.filter(pk=leads["L4"].pk).update(status=LeadStatus.REACTIVATED)
    Lead.objects.filter(pk=leads["L1"].pk).update(status=LeadStatus.CONVERTED)
    for n in names[:10]:
        Enrollment.objects.create(
            practice=practice, campaign=campaign, lead=leads[n], enrolled_at=start - DAY / 24,
            status="holdout" if n.startswith("H") else "active",
        )  # fmt: skip
    # Treated enrolments in every state an engine leaves them: all count as treated.
    for names, status in ((("L1", "L2", "L4", "L5"), "stopped"), (("L3",), "finished"),
                          (("L7",), "waiting")):  # fmt: skip
        Enrollment.objects.filter(campaign=campaign, lead__first_name__in=names).update(
            status=status
        )
    source = campaign_source(campaign.pk)
    send = _sender(practice, source)
    email_a, email_b, text = _versions(practice)
    send(leads["L1"], "email", start, delivery="delivered", version=email_a)
    send(leads["L2"], "email", start, delivery="bounced", version=email_b)
    send(leads["L2"], "sms", start + 2 * DAY, version=text)
    send(leads["L3"], "email", start, version=email_b)
    send(leads["L4"], "sms", start, version=text)
    send(leads["L5"], "sms", start, version=text)
    send(leads["L8"], "email", start, status="failed")
    send(leads["L6"], "sms", start + 5 * DAY, source="answer")  # a hand answer: not the program
    _letter(practice, leads["L6"], source, start + 4 * DAY)
    _call(practice, leads["L7"], source, "no_answer", start)
    _call(practice, leads["L7"], source, "voicemail", start + 2 * DAY)
    reply = _replier(practice)
    reply(leads["L1"], "positive", start + DAY)
    reply(leads["L2"], "negative", start + 3 * DAY)
    reply(leads["L3"], "auto_reply", start + DAY / 10)
    reply(leads["L4"], "changed", start + DAY)
    reply(leads["L5"], "changed", start + DAY)
    reply(leads["L6"], "positive", start + 3 * DAY)
    reply(leads["L7"], "wrong_contact", start + 3 * DAY)
    _opportunity(leads["L1"], 4000, OpportunityStage.WON, start + 2 * DAY, start + 12 * DAY)
    _opportunity(leads["L4"], 3000, OpportunityStage.BOOKED, start + 5 * DAY)
    _opportunity(leads["H1"], 5000, OpportunityStage.LOST, start + 3 * DAY, start + 9 * DAY)
    Lead.objects.filter(pk=leads["N1"].pk).update(inquired_at=start - 40 * DAY)
    _opportunity(leads["N1"], 2500, OpportunityStage.WON, start - 39 * DAY, start - 10 * DAY)
    ProgramCosts.objects.create(
        practice=practice, email_price=Decimal("0.01"), sms_price=Decimal("0.05"),
        letter_price=Decimal("1.00"), staff_hourly_rate=Decimal("30"), minutes_per_call=5,
        minutes_per_reply=4,
    )  # fmt: skip
    today = start.date()
    CostEntry.objects.create(practice=practice, campaign=campaign, description="List cleaning",
                             amount=Decimal("50.00"), incurred_on=today)  # fmt: skip
    CostEntry.objects.create(practice=practice, description="Agency retainer share",
                             amount=Decimal("10.00"), incurred_on=today)  # fmt: skip
    for lead, minutes in ((leads["L1"], 12), (leads["L4"], 30)):
        FollowUp.objects.create(
            practice=practice, lead=lead, kind="reply", reason="a reply", source=source,
            due_at=start + DAY, received_at=start + DAY, status="done",
            first_action_at=start + DAY + timedelta(minutes=minutes),
        )  # fmt: skip
    return {"campaign": campaign, "other": other, **leads}


def _versions(practice: Practice) -> tuple:
    """Two wordings of the first email (A/B) and one text."""
    made = []
    for name, channel in (("Check-in A", "email"), ("Check-in B", "email"), ("Nudge", "sms")):
        template = MessageTemplate.objects.create(practice=practice, name=name, channel=channel)
        made.append(TemplateVersion.objects.create(template=template, number=1, body="Hi",
                                                   lint_verdict="pass"))  # fmt: skip
    return made


def _sender(practice: Practice, source: str):
    def send(lead, channel, at, *, delivery="", status="sent", source=source, version=None):
        return OutboundMessage.objects.create(
            practice=practice, lead=lead, channel=channel, source=source, body="Hello",
            idempotency_key=f"enrollment-{lead.pk}-step-{next(_ids)}", to_value="x",
            status=status, delivery=delivery, sent_at=at if status == "sent" else None,
            template_version=version,
        )  # fmt: skip

    return send


def _letter(practice, lead, source, mailed_at) -> None:
    batch = PrintBatch.objects.create(practice=practice, status="mailed", mailed_at=mailed_at)
    Letter.objects.create(
        practice=practice, lead=lead, batch=batch, key=f"letter-{lead.pk}", source=source,
        name="L6", address="1 Main St", body="Dear L6",
    )  # fmt: skip


def _call(practice, lead, source, outcome, done_at) -> None:
    CallTask.objects.create(
        practice=practice, lead=lead, key=f"call-{next(_ids)}", source=source, phone="+1312",
        script="Hi", status="done", outcome=outcome, due_at=done_at, done_at=done_at,
    )  # fmt: skip


def _replier(practice):
    def reply(lead, label, at):
        message = InboundMessage.objects.create(
            practice=practice, lead=lead, channel="sms", provider="sandbox",
            provider_id=f"in-{next(_ids)}", from_value="x", body=label, received_at=at,
        )  # fmt: skip
        return Reply.objects.create(practice=practice, lead=lead, inbound=message, text=label,
                                    label=label, confidence=0.9, layer="rule")  # fmt: skip

    return reply


def _opportunity(lead, value, stage, created, closed=None) -> None:
    opportunity = Opportunity.objects.create(
        practice_id=lead.practice_id, lead=lead, value=Decimal(value), stage=stage,
        closed_at=closed,
    )  # fmt: skip
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=created)
