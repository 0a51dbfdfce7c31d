"""The program's figures, one function each, as docs/metrics.md defines them.

Each takes the Facts read once (facts.py) so every page, export and command agrees. A moment
counts only from the lead's first touch on: a reply or a booking before the program wrote
to someone is not the program's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from statistics import median

from django.db.models import Avg, Exists, OuterRef, Sum

from reactivate.campaigns.models import Enrollment
from reactivate.leads.choices import LeadStatus, OpportunityStage
from reactivate.leads.models import Lead, Opportunity
from reactivate.metrics.facts import Facts
from reactivate.metrics.models import CostEntry, ProgramCosts
from reactivate.metrics.stats import Lift, Share, lift
from reactivate.tenancy.models import Practice

# Statuses a coordinator moves a lead to once it is back in a real conversation.
REQUALIFIED = (LeadStatus.REACTIVATED, LeadStatus.SCHEDULED, LeadStatus.CONVERTED)
DAY = 86400


def contacted(facts: Facts) -> set[int]:
    """Leads with at least one program touch that went out: an email or text sent and not
    bounced, a letter in a batch marked mailed, a call that reached them or their voicemail."""
    return set(facts.touched)


def responded(facts: Facts) -> dict[int, datetime]:
    """Contacted leads who wrote back (any reply but an auto-reply or a wrong contact), with
    the moment of their first reply after the first touch."""

    def compute():
        found = {}
        for lead, replies in facts.replies.items():
            touch = facts.touched.get(lead)
            times = [at for at, _, _ in replies if touch and at >= touch.first_touch]
            if times:
                found[lead] = min(times)
        return found

    return facts.once("responded", compute)


def reactivated(facts: Facts) -> dict[int, datetime]:
    """Contacted leads back in an active conversation, with when they came back: a yes
    (a positive reply), a booking (an opportunity opened), or a changed situation that a
    coordinator re-qualified (they wrote that things changed, or picked up the phone, and the
    lead now stands reactivated, scheduled or converted)."""

    def compute():
        # Only a lead who wrote, booked or picked up can have come back.
        hopeful = facts.replies.keys() | facts.opportunities.keys() | facts.picked_up.keys()
        found = {}
        for lead in hopeful & facts.touched.keys():
            touch = facts.touched[lead]
            moment = came_back(facts, lead, touch.first_touch, touch.status)
            if moment is not None:
                found[lead] = moment
        return found

    return facts.once("reactivated", compute)


def came_back(facts: Facts, lead: int, since: datetime, status: str) -> datetime | None:
    """When the lead re-entered the conversation after ``since``, or None. The same test
    serves treated and held-out leads, so the lift compares like with like."""
    moments = [at for at, label, _ in facts.replies.get(lead, ()) if at >= since and
               label == "positive"]  # fmt: skip
    moments += [created for created, *_ in facts.opportunities.get(lead, ()) if created >= since]
    if status in REQUALIFIED:
        moments += [at for at, label, _ in facts.replies.get(lead, ()) if at >= since and
                    label == "changed"]  # fmt: skip
        picked = facts.picked_up.get(lead)
        moments += [picked] if picked is not None and picked >= since else []
    return min(moments) if moments else None


def pipeline_value(facts: Facts, back: dict[int, datetime]) -> Decimal:
    """The value of the opportunities reactivated leads opened after their first touch and
    have not lost."""
    total = Decimal(0)
    for lead in back:
        since = facts.touched[lead].first_touch
        total += sum(
            (value for created, value, stage, _ in facts.opportunities.get(lead, ())
             if created >= since and stage != OpportunityStage.LOST), Decimal(0),
        )  # fmt: skip
    return total


@dataclass(frozen=True)
class Cost:
    # emails, texts and letters: the provider's reported price, else the practice's price
    messages: Decimal
    staff: Decimal  # call attempts and replies answered, at the hourly rate
    fixed: Decimal  # CostEntry rows
    replies_handled: int

    @property
    def total(self) -> Decimal:
        return self.messages + self.staff + self.fixed


def costs_of(practice: Practice) -> ProgramCosts:
    """The practice's prices, or the defaults until someone sets them."""
    return ProgramCosts.objects.filter(practice=practice).first() or ProgramCosts(practice=practice)


def program_cost(facts: Facts, prices: ProgramCosts) -> Cost:
    """What the program spent: each touch at its price, staff minutes for each call attempt
    and each reply answered, and the fixed costs entered for it."""
    sent = facts.sent
    messages = sum(
        (message_cost(sent.get(channel, 0), facts.reported.get(channel), price)
         for channel, price in (("email", prices.email_price), ("sms", prices.sms_price),
                                ("letter", prices.letter_price))),
        Decimal(0),
    )  # fmt: skip
    replies = sum(
        1 for lead, rows in facts.replies.items() if lead in facts.touched
        for at, _, _ in rows if at >= facts.touched[lead].first_touch
    )  # fmt: skip
    minutes = sent.get("call", 0) * prices.minutes_per_call + replies * prices.minutes_per_reply
    staff = Decimal(minutes) * prices.staff_hourly_rate / 60
    entries = CostEntry.objects.filter(practice=facts.practice)
    if facts.campaigns:
        entries = entries.filter(campaign__in=facts.campaigns)
    fixed = entries.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return Cost(messages.quantize(Decimal("0.01")), staff.quantize(Decimal("0.01")), fixed,
                replies)  # fmt: skip


def message_cost(sent: int, reported: tuple[int, Decimal] | None, price: Decimal) -> Decimal:
    """One channel's messages: what the provider billed for those it priced, the practice's
    own price for the rest."""
    priced, billed = reported or (0, Decimal(0))
    return billed + max(sent - priced, 0) * price


def cost_per_reactivated_lead(cost: Cost, back: dict[int, datetime]) -> Decimal | None:
    return (cost.total / len(back)).quantize(Decimal("0.01")) if back else None


def cost_per_new_lead(practice: Practice) -> Decimal | None:
    """What a new lead costs the practice: its own setting, else the average acquisition
    cost its CRM export carried, else unknown."""
    if practice.cost_per_new_lead:
        return practice.cost_per_new_lead
    average = Lead.objects.filter(practice=practice, acquisition_cost__gt=0).aggregate(
        a=Avg("acquisition_cost")
    )["a"]
    return Decimal(average).quantize(Decimal("0.01")) if average else None


def time_to_conversion(facts: Facts, back: dict[int, datetime]) -> float | None:
    """Median days from coming back to a won opportunity, over reactivated leads who won."""
    days = []
    for lead, moment in back.items():
        won = [
            closed
            for _, _, stage, closed in facts.opportunities.get(lead, ())
            if stage == OpportunityStage.WON and closed is not None and closed >= moment
        ]
        if won:
            days.append((min(won) - moment).total_seconds() / DAY)
    return round(median(days), 1) if days else None


def new_lead_time_to_conversion(facts: Facts) -> float | None:
    """The same for new leads: median days from inquiry to a won opportunity, over leads
    never enrolled in a campaign (a held-out lead that comes back on its own is an old lead
    too, and its years on the list would swamp the figure)."""
    days = [
        (closed - inquired).total_seconds() / DAY
        for lead, inquired, closed in Opportunity.objects.filter(
            ~Exists(Enrollment.objects.filter(lead_id=OuterRef("lead_id"))),
            practice=facts.practice, stage=OpportunityStage.WON, closed_at__isnull=False,
            lead__inquired_at__isnull=False,
        ).values_list("lead_id", "lead__inquired_at", "closed_at")
        if lead not in facts.touched and closed >= inquired
    ]  # fmt: skip
    return round(median(days), 1) if days else None


@dataclass(frozen=True)
class Lifts:
    reactivation: Lift
    booking: Lift
    incremental_bookings: float | None
    incremental_revenue: Decimal | None


def lifts(facts: Facts) -> Lifts:
    """Treated against held out, by intention to treat: every enrolment of a launched
    campaign counts in its arm from the day it was enrolled, reached or not."""
    arms = {treated: [n, 0, 0, Decimal(0)] for treated, n in facts.arms.items()}
    for lead, held, enrolled, lead_status in facts.candidates:  # n, back, booked, value
        arm = arms[not held]
        arm[1] += came_back(facts, lead, enrolled, lead_status) is not None
        opened = [(v, stage) for c, v, stage, _ in facts.opportunities.get(lead, ())
                  if c >= enrolled]  # fmt: skip
        arm[2] += bool(opened)
        arm[3] += sum((v for v, stage in opened if stage != OpportunityStage.LOST), Decimal(0))
    treated, held = arms[True], arms[False]
    back = lift(Share(treated[1], treated[0]), Share(held[1], held[0]))
    booked = lift(Share(treated[2], treated[0]), Share(held[2], held[0]))
    extra = revenue = None
    if booked.difference is not None:
        extra = round(booked.difference * treated[0], 1)
        per_lead = treated[3] / treated[0] - held[3] / held[0]
        revenue = (per_lead * treated[0]).quantize(Decimal("0.01"))
    return Lifts(back, booked, extra, revenue)
