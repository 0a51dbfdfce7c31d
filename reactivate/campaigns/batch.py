"""One claimed batch of enrolments, decided and carried out together (engine.run_due)."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from reactivate.campaigns.decide import Action, after_wait, decide_next, has_valid_phone, specs
from reactivate.campaigns.delivery import Delivering
from reactivate.campaigns.handoffs import HANDED_OFF, Handoffs
from reactivate.campaigns.models import Campaign, Enrollment, EnrollmentStatus, Step
from reactivate.campaigns.selectors import campaign_source
from reactivate.campaigns.store import LEASE, Claim, db_moment, outbox_ids
from reactivate.channels.models import OutboundMessage
from reactivate.channels.registry import adapter_for
from reactivate.leads.choices import Channel, InteractionKind, LeadStatus
from reactivate.leads.consent import Decision, can_contact, known_for, usable_points
from reactivate.leads.models import Interaction, Lead
from reactivate.messaging.models import MessageTemplate
from reactivate.segments.cadence import return_to_pool
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.campaigns.engine")


@dataclass
class RunReport:
    claimed: int = 0
    sent: int = 0
    waiting: int = 0
    skipped: int = 0
    stopped: int = 0
    finished: int = 0


# The seed's middle case: about 15% of contacted leads reply.
EXPECTED_REPLY_RATE = 0.15
COUNTERS = {
    "send": "sent",
    "wait": "waiting",
    "park": "waiting",
    "skip": "skipped",
    "stop": "stopped",
    "finish": "finished",
}
FAILED_MESSAGE = "enrollment %s failed; it stays claimed until the lease ends"


@dataclass(slots=True)
class Due:
    """A claimed enrolment: the columns the engine reads and writes, without a model
    instance's weight (building 500 of them costs more than the query)."""

    pk: int
    lead_id: int
    campaign_id: int
    status: str
    position: int
    enrolled_at: datetime
    started_at: datetime | None
    stop_reason: str
    next_action_at: datetime | None
    variants: dict
    last_decision: str = ""


DUE_FIELDS = (
    "id", "lead_id", "campaign_id", "status", "position", "enrolled_at", "started_at",
    "stop_reason", "next_action_at", "variants",
)  # fmt: skip


@dataclass(slots=True)
class LeadView:
    """What the gate, the template choice and the merge fields read of a lead; a lead that
    goes back to the pool is loaded in full for that."""

    pk: int
    practice_id: int
    status: str
    stage: str
    estimated_value: Decimal | None
    first_name: str
    treatment: str
    preferred_language: str
    dormancy_reason: str
    last_contact_at: datetime | None
    inquired_at: datetime | None
    practice: object = None


LEAD_FIELDS = (
    "id", "practice_id", "status", "stage", "estimated_value", "first_name", "treatment",
    "preferred_language", "dormancy_reason", "last_contact_at", "inquired_at",
)  # fmt: skip


@dataclass
class Plan:
    lead: LeadView
    campaign: Campaign
    steps: list[Step]
    step: Step | None
    gate: Decision | None


class Batch(Delivering, Handoffs):
    """One claimed batch of enrolments, decided and carried out together.

    What the decisions need (leads, contact points, consents, suppressions, recent touches,
    replies, earlier outbox rows, templates) is read in a handful of queries, and the
    enrolments' new state is written in one transaction at the end. Sends go in groups of the
    channel adapter's ``sends_per_commit``: the group's outbox rows are committed as *sending*
    before the channel is called, and marked *sent* with their timeline entries in one
    transaction after. A worker that dies in between leaves that group *uncertain* for a
    person, never re-sent; a channel whose calls are slow and costly to doubt (a provider
    over the network) sends one message per commit. A worker that dies elsewhere loses only
    its undecided work: its claims run out and another worker finds each message's state in
    the outbox.
    """

    def __init__(self, claim: Claim, now: datetime) -> None:
        self.now, self.tag = now, claim.tag
        self.senders = None  # the threads of a concurrent channel's calls (delivery.py)
        self.renewed = time.monotonic()
        # The batch as a subquery: lists of 500 ids cost the ORM more than the queries do.
        claimed = Enrollment.objects.filter(claimed_by=claim.tag, claimed_until__isnull=False)
        lead_ids = claimed.values("lead_id")
        self.enrollments = [
            Due(*row) for row in claimed.order_by("next_action_at", "pk").values_list(*DUE_FIELDS)
        ]
        self.campaigns = {
            c.pk: c
            for c in Campaign.objects.filter(pk__in=claimed.values("campaign_id")).select_related(
                "practice"
            )
        }
        practices = {c.practice_id: c.practice for c in self.campaigns.values()}
        self.steps: dict[int, list[Step]] = defaultdict(list)
        sequences = {c.sequence_id for c in self.campaigns.values()}
        for step in (
            Step.objects.filter(sequence_id__in=sequences)
            .select_related("template", "variant")
            .order_by("sequence_id", "position")
        ):
            self.steps[step.sequence_id].append(step)
        self.leads: dict[int, LeadView] = {}
        for row in Lead.objects.filter(pk__in=lead_ids).values_list(*LEAD_FIELDS):
            lead = LeadView(*row)
            lead.practice = practices.get(lead.practice_id) or Practice.objects.get(
                pk=lead.practice_id
            )
            self.leads[lead.pk] = lead
        self.known = known_for(lead_ids, practices=list(practices))
        self.touches: dict[int, list[datetime]] = defaultdict(list)
        self.replies: dict[int, list[datetime]] = defaultdict(list)
        week_ago = now - timedelta(days=7)
        if self.enrollments:
            since = min([week_ago] + [e.enrolled_at for e in self.enrollments])
            for lead_id, kind, at in (
                Interaction.objects.filter(
                    lead_id__in=lead_ids,
                    kind__in=[InteractionKind.MESSAGE_OUT, InteractionKind.MESSAGE_IN],
                    occurred_at__gte=since,
                    occurred_at__lte=now,
                )
                .order_by()
                .values_list("lead_id", "kind", "occurred_at")
            ):
                if kind == InteractionKind.MESSAGE_IN:
                    self.replies[lead_id].append(at)
                elif at > week_ago:
                    self.touches[lead_id].append(at)
        # Rows an earlier attempt wrote: rare, so looked for by key and only then loaded.
        earlier = outbox_ids([self.key(e) for e in self.enrollments])
        self.outbox = (
            {m.idempotency_key: m for m in OutboundMessage.objects.filter(pk__in=earlier.values())}
            if earlier
            else {}
        )
        self.specs = {sequence: specs(steps) for sequence, steps in self.steps.items()}
        self.plans: dict[int, Plan] = {}
        self.days: dict[int, tuple[datetime, datetime]] = {}
        self.budget_used: dict[tuple[int, str], int] = {}
        self.pacing: dict[int, list[int]] = {}
        self.templates: dict[tuple[int, str], list[MessageTemplate]] = {}
        self.versions: dict[tuple, tuple] = {}
        self.changed: list[Due] = []
        self.contacted: list[int] = []
        self.pool: list[int] = []

    @staticmethod
    def key(enrollment: Due) -> str:
        return f"enrollment-{enrollment.pk}-step-{enrollment.position}"

    def run(self, report: RunReport) -> None:
        sends: dict[tuple[int, str], list[Due]] = defaultdict(list)
        for enrollment in self.enrollments:
            try:
                action = self.decide(enrollment)
            except Exception:
                log.exception(FAILED_MESSAGE, enrollment.pk)
                continue
            if action.kind == "send":
                plan = self.plans[enrollment.pk]
                sends[plan.lead.practice_id, plan.step.channel].append(enrollment)
            else:
                self.apply(enrollment, action, report)
        for (_, channel), group in sends.items():
            if channel in HANDED_OFF:  # a call or a letter: work for a person, not a send
                self.hand_off(channel, group, report)
                continue
            practice = self.plans[group[0].pk].lead.practice
            try:
                adapter = adapter_for(practice, channel)
            except Exception:
                # A practice whose provider cannot be set up (say, its secrets key changed):
                # its sends wait in their enrolments, and the log says why.
                log.exception(FAILED_MESSAGE, [e.pk for e in group])
                continue
            self.open_pool(adapter)
            try:
                self.deliver_group(group, adapter, report)
            finally:
                self.close_pool()
                if hasattr(adapter, "close"):
                    adapter.close()
        self.write()

    def deliver_group(self, group: list[Due], adapter, report: RunReport) -> None:
        size = max(1, getattr(adapter, "sends_per_commit", 1))
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            self.renew()
            try:
                outcomes = self.deliver(chunk, adapter)
            except Exception:
                log.exception(FAILED_MESSAGE, [e.pk for e in chunk])
                continue
            for enrollment, action in outcomes:
                self.apply(enrollment, action, report)

    def renew(self) -> None:
        """Hold the claim while sends take their time (a slow provider, a sender's rate):
        past a third of the lease, the batch's claims are extended by a lease."""
        if time.monotonic() - self.renewed < LEASE.total_seconds() / 3:
            return
        Enrollment.objects.filter(claimed_by=self.tag, claimed_until__isnull=False).update(
            claimed_until=timezone.now() + LEASE
        )
        self.renewed = time.monotonic()

    # Deciding.

    def decide(self, enrollment: Due) -> Action:
        lead = self.leads[enrollment.lead_id]
        campaign = self.campaigns[enrollment.campaign_id]
        steps = self.steps[campaign.sequence_id]
        step = steps[enrollment.position] if enrollment.position < len(steps) else None
        gate = None
        if step is not None:
            gate = can_contact(
                lead,
                step.channel,
                self.now,
                campaign_active=campaign.active,
                touches=self.touches[lead.pk],
                known=self.known,
            )
        reachable = (
            gate is None
            or gate.code != "no_contact_point"
            or any(usable_points(lead, c, known=self.known) for c in Channel)
        )
        self.plans[enrollment.pk] = Plan(lead, campaign, steps, step, gate)
        action = decide_next(
            position=enrollment.position,
            steps=self.specs[campaign.sequence_id],
            lead_status=lead.status,
            lead_value=lead.estimated_value,
            replied=any(at >= enrollment.enrolled_at for at in self.replies[lead.pk]),
            gate=gate,
            reachable=reachable,
            lead_stage=lead.stage,
            has_phone=has_valid_phone(lead, self.known),
        )
        if action.kind != "send" or step is None:
            return action
        held = self.over_budget(campaign, step.channel)
        if held is None and enrollment.started_at is None:
            held = self.paced(lead.practice)
        if held is not None:
            return held
        # Count this send now, so that the rest of the batch sees it: the budget, the
        # pacing of new leads and the lead's own caps.
        if (campaign.pk, step.channel) in self.budget_used:
            self.budget_used[campaign.pk, step.channel] += 1
        if enrollment.started_at is None:
            self.pacing[lead.practice_id][1] += 1
        self.touches[lead.pk].append(self.now)
        return action

    def day(self, practice) -> tuple[datetime, datetime]:
        """The practice's midnight today and tomorrow (an hour past, then back: DST-safe)."""
        if practice.pk not in self.days:
            zone = ZoneInfo(practice.timezone)
            midnight = self.now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
            self.days[practice.pk] = (
                midnight,
                (midnight + timedelta(days=1, hours=1)).replace(hour=0),
            )
        return self.days[practice.pk]

    def over_budget(self, campaign: Campaign, channel: str) -> Action | None:
        """None when today's budget for the channel has room, else wait for tomorrow."""
        budget = (campaign.daily_budget or {}).get(channel)
        if budget is None:
            return None
        midnight, tomorrow = self.day(campaign.practice)
        if (campaign.pk, channel) not in self.budget_used:
            self.budget_used[campaign.pk, channel] = OutboundMessage.objects.filter(
                source=campaign_source(campaign.pk), channel=channel, sending_at__gte=midnight
            ).count()
        if self.budget_used[campaign.pk, channel] < int(budget):
            return None
        return Action("wait", f"today's {channel} budget of {budget} is spent", tomorrow)

    def paced(self, practice) -> Action | None:
        """Start new leads only as fast as the team can answer the replies they bring.

        Replies waiting for a person (leads marked responded) use up the day's capacity; what
        is left, divided by the expected reply rate, is how many leads may get their first
        message today. None when this one may start.
        """
        midnight, tomorrow = self.day(practice)
        if practice.pk not in self.pacing:
            waiting = Lead.objects.filter(practice=practice, status=LeadStatus.RESPONDED).count()
            started = Enrollment.objects.filter(practice=practice, started_at__gte=midnight).count()
            self.pacing[practice.pk] = [waiting, started]
        waiting, started = self.pacing[practice.pk]
        room = practice.replies_per_day - waiting
        if room > 0 and started < room / EXPECTED_REPLY_RATE:
            return None
        return Action(
            "wait",
            f"pacing: {waiting} replies are waiting for the team (it answers "
            f"{practice.replies_per_day} a day); new leads start tomorrow",
            tomorrow,
        )

    def apply(self, enrollment: Due, action: Action, report: RunReport) -> None:
        kind = action.kind
        field = COUNTERS[kind]
        setattr(report, field, getattr(report, field) + 1)
        plan = self.plans[enrollment.pk]
        if kind in ("send", "skip"):
            if kind == "send" and enrollment.started_at is None:
                enrollment.started_at = self.now
            enrollment.position += 1
            steps = plan.steps
            following = steps[enrollment.position] if enrollment.position < len(steps) else None
            enrollment.next_action_at = (
                after_wait(self.now, following, plan.lead.practice) if following else self.now
            )
            enrollment.last_decision = action.reason
        elif kind == "wait":
            enrollment.next_action_at = action.at
            enrollment.last_decision = action.reason
            if action.at is None:
                enrollment.status = EnrollmentStatus.WAITING
        elif kind == "park":
            enrollment.status = EnrollmentStatus.WAITING
            enrollment.next_action_at = None
            enrollment.last_decision = action.reason
        else:  # stop, finish
            enrollment.status = (
                EnrollmentStatus.STOPPED if kind == "stop" else EnrollmentStatus.FINISHED
            )
            enrollment.stop_reason = action.reason
            enrollment.next_action_at = None
            closed = any(s.closing for s in plan.steps)
            lead = plan.lead
            if (
                kind == "finish"
                and closed
                and lead.status in (LeadStatus.IN_SEQUENCE, LeadStatus.STALLED)
            ):
                # Seed: non-responders go back to the pool, eligible again months later.
                self.pool.append(lead.pk)
        self.changed.append(enrollment)

    def write(self) -> None:
        """Every decided enrolment's new state, and its claim released, in one transaction.

        Rows another worker has claimed since (our lease ran out) are left to that worker.
        """
        now = db_moment(self.now)
        rows = [
            (
                e.status,
                e.position,
                db_moment(e.next_action_at),
                e.last_decision[:300],
                e.stop_reason[:200],
                db_moment(e.started_at),
                now,
                e.pk,
                self.tag,
            )
            for e in self.changed
        ]
        with transaction.atomic():
            if rows:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "UPDATE campaigns_enrollment SET status = %s, position = %s, "
                        "next_action_at = %s, last_decision = %s, stop_reason = %s, "
                        "started_at = %s, claimed_until = NULL, updated_at = %s "
                        "WHERE id = %s AND claimed_by = %s",
                        rows,
                    )
            if self.contacted:
                # The lead's record follows what happened: in a sequence, contacted just now.
                Lead.objects.filter(pk__in=self.contacted, status=LeadStatus.STALLED).update(
                    status=LeadStatus.IN_SEQUENCE
                )
                Lead.objects.filter(pk__in=self.contacted).update(
                    last_contact_at=self.now, updated_at=self.now
                )
            for lead in Lead.objects.filter(pk__in=self.pool).select_related("practice"):
                return_to_pool(lead, finished_at=self.now)
