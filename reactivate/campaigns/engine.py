"""The sequence engine: what happens next for each enrolment, and doing it exactly once.

``decide_next`` is pure: given an enrolment's position, the sequence's steps, what we know of
the lead and the gate's answer, it returns send, wait, skip, stop or finish. ``run_due``
claims due enrolments in batches — a compare-and-swap UPDATE on SQLite (writes are
serialised), ``FOR UPDATE SKIP LOCKED`` on PostgreSQL — so any number of workers share the
work, and ``process`` carries out one decision. A message is marked *sending* and committed
before the channel is called; a worker that dies there leaves it *uncertain* for a person,
and it is never sent again (the idempotency key is unique per enrolment and step).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from reactivate.campaigns.models import Campaign, Enrollment, EnrollmentStatus, Step, WaitUnit
from reactivate.campaigns.replan import replan_windows
from reactivate.campaigns.selectors import campaign_source
from reactivate.channels.base import DeliveryError
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.registry import adapter_for
from reactivate.core.env import envint
from reactivate.leads.choices import Channel, InteractionKind, LeadStatus
from reactivate.leads.consent import Decision, can_contact, known_for, usable_points
from reactivate.leads.models import Interaction, Lead
from reactivate.messaging.fields import lead_context
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.render import fields_used, render
from reactivate.messaging.services import family_key, pick_template, template_family
from reactivate.messaging.unsubscribe import unsubscribe_url
from reactivate.segments.cadence import return_to_pool
from reactivate.tenancy.models import Practice

log = logging.getLogger(__name__)
# How long a worker's claim on a batch lasts; a dead worker's batch comes back after it.
LEASE = timedelta(seconds=envint("ENGINE_LEASE_SECONDS", 300))
BATCH = 500
# A reply, a booking or any of these ends every automated step (DESIGN rule 3).
STOP_STATUSES = {
    LeadStatus.RESPONDED: "the lead replied",
    LeadStatus.REACTIVATED: "the lead is back in conversation",
    LeadStatus.SCHEDULED: "the lead booked",
    LeadStatus.CONVERTED: "the lead converted",
    LeadStatus.CLOSED: "the lead's file is closed",
    LeadStatus.DO_NOT_CONTACT: "the lead asked not to be contacted",
    LeadStatus.UNREACHABLE: "the lead cannot be reached",
}


@dataclass(frozen=True)
class StepSpec:
    channel: str
    min_value: Decimal | None
    closing: bool
    stages: tuple[str, ...] = ()
    needs_phone: bool = False


@dataclass(frozen=True)
class Action:
    kind: str  # send, wait, skip, stop, finish
    reason: str
    at: datetime | None = None


def decide_next(
    *,
    position: int,
    steps: list[StepSpec],
    lead_status: str,
    lead_value: Decimal | None,
    replied: bool,
    lead_stage: str = "",
    gate: Decision | None,
    reachable: bool = True,
    has_phone: bool = True,
) -> Action:
    """What to do for an enrolment now. ``gate`` is can_contact for the step's channel;
    ``reachable`` says whether any channel at all may still reach the lead."""
    if replied:
        return Action("stop", "the lead replied")
    if lead_status in STOP_STATUSES:
        return Action("stop", STOP_STATUSES[LeadStatus(lead_status)])
    if not reachable:
        return Action("stop", "no valid contact point left (opted out, bounced or invalid)")
    if position >= len(steps):
        return Action("finish", "the sequence is complete")
    step = steps[position]
    if step.min_value is not None and (lead_value or 0) < step.min_value:
        return Action("skip", f"step {position + 1} is for leads worth ${step.min_value:,.0f}+")
    if step.stages and lead_stage not in step.stages:
        return Action("skip", f"step {position + 1} is for leads at another stage")
    if step.needs_phone and not has_phone:
        return Action("skip", f"step {position + 1} is for leads with a valid phone number")
    if gate is None or gate.allowed:
        return Action("send", "allowed")
    if gate.code == "lead_status":
        return Action("stop", gate.reason)
    if gate.code == "no_contact_point":
        return Action("skip", gate.reason)
    if gate.retry_at is not None:
        return Action("wait", gate.reason, gate.retry_at)
    return Action("wait", gate.reason)


def specs(steps: list[Step]) -> list[StepSpec]:
    return [
        StepSpec(s.channel, s.min_value, s.closing, tuple(s.stages or ()), s.needs_phone)
        for s in steps
    ]


def has_valid_phone(lead, known) -> bool:
    return any(p.kind == "phone" and p.validity == "valid" for p in known.points.get(lead.pk, []))


def after_wait(moment: datetime, step: Step, practice) -> datetime:
    """When a step falls due: hours, calendar days, or business days (Monday to Friday, not
    the practice's holidays, counted in its own time zone), keeping the time of day."""
    if step.wait_unit == WaitUnit.HOURS:
        return moment + timedelta(hours=step.wait)
    if step.wait_unit == WaitUnit.DAYS:
        return moment + timedelta(days=step.wait)
    zone = ZoneInfo(practice.timezone)
    local = moment.astimezone(zone)
    holidays = practice.holiday_dates
    remaining = step.wait
    while remaining > 0:
        local = (local + timedelta(days=1)).replace(tzinfo=zone)
        if local.weekday() < 5 and local.date() not in holidays:
            remaining -= 1
    return local.astimezone(moment.tzinfo)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    """A batch of enrolments one worker holds until its lease ends, tagged so that the batch
    can be read back by its tag (a join, not a list of ids in every query)."""

    tag: str
    ids: list[int]


def claim_due(now: datetime, *, limit: int = BATCH, worker: str | None = None) -> Claim:
    """Claim up to ``limit`` due enrolments for this worker."""
    tag = f"{(worker or worker_name())[:44]}/{secrets.token_hex(6)}"
    until = now + LEASE
    params = [tag, _db(until), EnrollmentStatus.ACTIVE.value, _db(now), _db(now), limit]
    # Only enrolments of running campaigns (pilot or running) are due: pausing a campaign
    # stops its sends without touching its enrolments.
    select = (
        "SELECT id FROM campaigns_enrollment WHERE status = %s AND next_action_at <= %s "
        "AND (claimed_until IS NULL OR claimed_until < %s) AND campaign_id IN "
        "(SELECT id FROM campaigns_campaign WHERE status IN ('pilot', 'running')) "
        "ORDER BY next_action_at LIMIT %s"
    )
    if connection.vendor == "postgresql":
        select += " FOR UPDATE SKIP LOCKED"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_enrollment SET claimed_by = %s, claimed_until = %s "
            f"WHERE id IN ({select}) RETURNING id",
            params,
        )
        return Claim(tag, [row[0] for row in cursor.fetchall()])


def recover_uncertain(now: datetime) -> int:
    """Sends left in *sending* past the lease belong to a worker that died: uncertain."""
    return OutboundMessage.objects.filter(
        status=OutboundStatus.SENDING, sending_at__lt=now - LEASE
    ).update(status=OutboundStatus.UNCERTAIN)


@dataclass
class RunReport:
    claimed: int = 0
    sent: int = 0
    waiting: int = 0
    skipped: int = 0
    stopped: int = 0
    finished: int = 0


def run_due(
    now: datetime | None = None, *, limit: int = BATCH, worker: str | None = None
) -> RunReport:
    """One pass: claim a batch of due enrolments and act on each."""
    now = now or timezone.now()
    worker = worker or worker_name()
    replan_windows(now)
    recover_uncertain(now)
    report = RunReport()
    claim = claim_due(now, limit=limit, worker=worker)
    report.claimed = len(claim.ids)
    if claim.ids:
        Batch(claim, now).run(report)
    return report


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
PARKED = "a send may or may not have gone out: a person decides"
BUSY = "another worker is sending it"
FAILED_MESSAGE = "enrollment %s failed; it stays claimed until the lease ends"


@lru_cache(maxsize=256)
def _db(moment: datetime | None):
    """A datetime as the ORM would store it: raw statements skip the ORM's conversion. A
    batch writes the same few moments (its clock, the next step's time) many times over."""
    return connection.ops.adapt_datetimefield_value(moment)


def _insert_rows(model, objects: list) -> None:
    """INSERT new model instances with one executemany, skipping the ORM's per-field work
    (most of the cost of a bulk_create this size); every field must already be set."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = []
    for f in fields:
        if f.get_internal_type() == "DateTimeField":
            adapters.append(_db)
        elif f.get_internal_type() == "JSONField":
            adapters.append(lambda value, f=f: connection.ops.adapt_json_value(value, f.encoder))
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    rows = [
        [
            adapt(getattr(obj, name)) if adapt else getattr(obj, name)
            for name, adapt in zip(names, adapters, strict=True)
        ]
        for obj in objects
    ]
    _insert_values(model, names, rows)


def _insert_values(model, names: list[str], rows: list) -> None:
    """INSERT rows already in the database's form (see _db) into ``model``'s table."""
    if not rows:
        return
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})", rows)


@lru_cache(maxsize=8)
def _layout(model) -> tuple[dict[str, int], tuple, tuple]:
    fields = model._meta.concrete_fields
    index = {f.attname: i for i, f in enumerate(fields)}
    # A callable default (dict, list, now) is called for every instance, never shared.
    fresh = tuple(i for i, f in enumerate(fields) if f.has_default() and callable(f.default))
    return index, tuple(f.get_default() for f in fields), fresh


def _new(model, **values):
    """A new model instance built through Model.__init__'s positional path, which is several
    times quicker than keywords; fields not given take their defaults."""
    index, defaults, fresh = _layout(model)
    args = list(defaults)
    fields = model._meta.concrete_fields
    for i in fresh:
        args[i] = fields[i].get_default()
    for name, value in values.items():
        args[index[name]] = value
    return model(*args)


def _outbox_ids(keys: list[str]) -> dict[str, int]:
    """The outbox rows with these idempotency keys, as key → id. Plain SQL: the ORM spends
    longer preparing 500 parameters than the database spends on the lookup."""
    if not keys:
        return {}
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT idempotency_key, id FROM channels_outboundmessage "
            f"WHERE idempotency_key IN ({marks})",
            keys,
        )
        return dict(cursor.fetchall())


# The columns of a timeline entry the engine writes for each message it sends.
TIMELINE = [
    "practice_id", "lead_id", "kind", "channel", "actor_id", "actor_label", "summary", "body",
    "data", "occurred_at", "created_at",
]  # fmt: skip


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


class Batch:
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
        earlier = _outbox_ids([self.key(e) for e in self.enrollments])
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
            practice = self.plans[group[0].pk].lead.practice
            try:
                adapter = adapter_for(practice, channel)
            except Exception:
                # A practice whose provider cannot be set up (say, its secrets key changed):
                # its sends wait in their enrolments, and the log says why.
                log.exception(FAILED_MESSAGE, [e.pk for e in group])
                continue
            try:
                self.deliver_group(group, adapter, report)
            finally:
                if hasattr(adapter, "close"):
                    adapter.close()
        self.write()

    def deliver_group(self, group: list[Due], adapter, report: RunReport) -> None:
        size = max(1, getattr(adapter, "sends_per_commit", 1))
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            try:
                outcomes = self.deliver(chunk, adapter)
            except Exception:
                log.exception(FAILED_MESSAGE, [e.pk for e in chunk])
                continue
            for enrollment, action in outcomes:
                self.apply(enrollment, action, report)

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

    # Sending.

    def compose(self, enrollment: Due) -> OutboundMessage:
        """The step's message for this lead, ready to go (already marked sending)."""
        plan = self.plans[enrollment.pk]
        variant = enrollment.variants.get(str(plan.step.position), "a")
        version, with_link = self.version_for(plan.step, plan.lead, variant)
        link = unsubscribe_url(plan.lead) if with_link else ""
        context = lead_context(
            plan.lead, coordinator=plan.campaign.sender_name, unsubscribe_link=link, now=self.now
        )
        point = plan.gate.contact_point if plan.gate else None
        return _new(
            OutboundMessage,
            idempotency_key=self.key(enrollment),
            practice_id=plan.lead.practice_id,
            lead_id=plan.lead.pk,
            channel=plan.step.channel,
            source=campaign_source(plan.campaign.pk),
            to_value=point.value if point else "",
            subject=render(version.subject, context).text,
            body=render(version.body, context).text,
            status=OutboundStatus.SENDING,
            sending_at=self.now,
            created_at=self.now,
        )

    def version_for(self, step: Step, lead: LeadView, variant: str = "a") -> tuple:
        """The step's message (the wording drawn for the lead where the step has two) in the
        lead's language and for its reason, where one exists, and whether it carries the
        unsubscribe link; the same for every lead alike."""
        key = (step.pk, variant, lead.preferred_language, lead.dormancy_reason)
        if key in self.versions:
            return self.versions[key]
        template = step.variant if variant == "b" and step.variant_id else step.template
        family = family_key(template)
        if family not in self.templates:
            self.templates[family] = template_family(template)
        template = pick_template(self.templates[family], lead) or template
        version = template.current
        with_link = "unsubscribe_link" in fields_used(version.subject + version.body)
        self.versions[key] = (version, with_link)
        return self.versions[key]

    def deliver(self, chunk: list[Due], adapter) -> list[tuple[Due, Action]]:
        """Send each enrolment's message at most once; "send" when it went out (now or before)."""
        outcomes: list[tuple[Due, Action]] = []
        fresh, queued = [], []
        for enrollment in chunk:
            message = self.outbox.get(self.key(enrollment))
            if message is None:
                fresh.append(self.compose(enrollment))
            elif message.status == OutboundStatus.QUEUED:
                queued.append(message)  # a retry after a passing failure
            else:
                outcomes.append((enrollment, self.earlier(enrollment, message)))
        # Claim the sends: new rows go in as sending and queued ones move to sending only if
        # still queued, committed before the channel is called.
        with transaction.atomic():
            taken = self.insert(fresh)
            if queued:
                # Compare-and-swap in one statement: a row another worker moved first is not
                # returned, and is not sent from here.
                marks = ", ".join(["%s"] * len(queued))
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE channels_outboundmessage SET status = %s, sending_at = %s "
                        f"WHERE status = %s AND id IN ({marks}) RETURNING id",
                        [OutboundStatus.SENDING, _db(self.now), OutboundStatus.QUEUED]
                        + [m.pk for m in queued],
                    )
                    claimed = {row[0] for row in cursor.fetchall()}
                for message in queued:
                    if message.pk in claimed:
                        message.status, message.sending_at = OutboundStatus.SENDING, self.now
                        taken.append(message)
        by_key = {self.key(e): e for e in chunk}
        done = {m.idempotency_key for m in taken} | {self.key(e) for e, _ in outcomes}
        for key in by_key.keys() - done:
            outcomes.append((by_key[key], Action("wait", BUSY, self.now + LEASE)))
        sent, failed = [], []
        for message in taken:
            try:
                result = adapter.send(message)
            except DeliveryError as exc:
                failed.append((message, exc))
                permanent = exc.permanent
                why = f"not delivered: {exc}" if permanent else f"the channel will retry: {exc}"
                at = None if permanent else self.now + timedelta(minutes=15)
                kind = "skip" if permanent else "wait"
                outcomes.append((by_key[message.idempotency_key], Action(kind, why, at)))
                continue
            sent.append((message, result))
            outcomes.append((by_key[message.idempotency_key], Action("send", "sent")))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE channels_outboundmessage SET status = %s, provider = %s, "
                "provider_id = %s, sent_at = %s WHERE id = %s",
                [
                    (OutboundStatus.SENT, r.provider, r.provider_id, _db(self.now), m.pk)
                    for m, r in sent
                ],
            )
            cursor.executemany(
                "UPDATE channels_outboundmessage SET status = %s, error = %s WHERE id = %s",
                [
                    (
                        OutboundStatus.FAILED if exc.permanent else OutboundStatus.QUEUED,
                        str(exc)[:1000],
                        m.pk,
                    )
                    for m, exc in failed
                ],
            )
            _insert_values(
                Interaction,
                TIMELINE,
                [self.timeline(m, by_key[m.idempotency_key]) for m, _ in sent],
            )
        return outcomes

    def insert(self, fresh: list[OutboundMessage]) -> list[OutboundMessage]:
        """Write new outbox rows; a row another worker wrote first (it took over an
        enrolment whose lease ran out) is left to that worker."""
        if not fresh:
            return []
        keys = [m.idempotency_key for m in fresh]
        try:
            with transaction.atomic():
                _insert_rows(OutboundMessage, fresh)
        except IntegrityError:
            there = _outbox_ids(keys)
            fresh = [m for m in fresh if m.idempotency_key not in there]
            _insert_rows(OutboundMessage, fresh)
        ids = _outbox_ids(keys)
        for message in fresh:
            message.pk = ids[message.idempotency_key]
            message._state.adding = False
        return fresh

    def earlier(self, enrollment: Due, message: OutboundMessage) -> Action:
        """What to do about a message an earlier attempt already wrote."""
        if message.status == OutboundStatus.SENT:
            # Sent by an attempt that died before moving the enrolment on.
            logged = Interaction.objects.filter(
                lead_id=message.lead_id, kind=InteractionKind.MESSAGE_OUT, data__outbound=message.pk
            ).exists()
            if not logged:
                _insert_values(Interaction, TIMELINE, [self.timeline(message, enrollment)])
            return Action("send", "sent")
        if message.status == OutboundStatus.FAILED:
            return Action("skip", message.error or "the channel refused it")
        # Sending or uncertain: it may or may not have gone out.
        OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.UNCERTAIN
        )
        return Action("park", PARKED)

    def timeline(self, message: OutboundMessage, enrollment: Due) -> tuple:
        """The message on the lead's timeline (written with its *sent* mark): a TIMELINE row."""
        plan = self.plans[enrollment.pk]
        self.contacted.append(plan.lead.pk)
        data = {"outbound": message.pk, "step": enrollment.position + 1}
        return (
            plan.lead.practice_id,
            plan.lead.pk,
            InteractionKind.MESSAGE_OUT.value,
            message.channel,
            None,
            f"campaign: {plan.campaign.name}"[:100],
            (message.subject or message.body)[:300],
            message.body,
            connection.ops.adapt_json_value(data, None),
            _db(self.now),
            _db(self.now),
        )

    # The enrolments' new state.

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
        now = _db(self.now)
        rows = [
            (
                e.status,
                e.position,
                _db(e.next_action_at),
                e.last_decision[:300],
                e.stop_reason[:200],
                _db(e.started_at),
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
