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
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from reactivate.campaigns.models import Enrollment, EnrollmentStatus, Step, WaitUnit
from reactivate.channels.base import DeliveryError
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.sandbox import adapter_for
from reactivate.core.env import envint
from reactivate.leads.choices import Channel, InteractionKind, LeadStatus
from reactivate.leads.consent import Decision, can_contact, usable_points
from reactivate.leads.models import Interaction, Lead
from reactivate.messaging.fields import lead_context
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.render import render
from reactivate.messaging.services import pick_template
from reactivate.messaging.unsubscribe import unsubscribe_url
from reactivate.segments.cadence import return_to_pool

log = logging.getLogger(__name__)
# How long a worker's claim on a batch lasts; a dead worker's batch comes back after it.
LEASE = timedelta(seconds=envint("ENGINE_LEASE_SECONDS", 300))
BATCH = 200
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
    return [StepSpec(s.channel, s.min_value, s.closing, tuple(s.stages or ())) for s in steps]


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


def _replied_since(lead: Lead, since: datetime) -> bool:
    return Interaction.objects.filter(
        lead=lead, kind=InteractionKind.MESSAGE_IN, occurred_at__gte=since
    ).exists()


def process(enrollment: Enrollment, now: datetime, steps: list[Step]) -> Action:
    """Decide and act for one claimed enrolment; returns what was decided."""
    lead = Lead.objects.select_related("practice").get(pk=enrollment.lead_id)
    campaign = enrollment.campaign
    step = steps[enrollment.position] if enrollment.position < len(steps) else None
    gate = None
    if step is not None:
        gate = can_contact(lead, step.channel, now, campaign_active=campaign.active)
    reachable = (
        gate is None
        or gate.code != "no_contact_point"
        or any(usable_points(lead, channel) for channel in Channel)
    )
    action = decide_next(
        position=enrollment.position,
        steps=specs(steps),
        lead_status=lead.status,
        lead_value=lead.estimated_value,
        replied=_replied_since(lead, enrollment.enrolled_at),
        gate=gate,
        reachable=reachable,
        lead_stage=lead.stage,
    )
    if action.kind == "send" and step is not None:
        action = _within_budget(campaign, step.channel, now) or action
    if action.kind == "send" and enrollment.position == 0:
        action = _paced(lead.practice, now) or action
    if action.kind == "send" and step is not None:
        outcome = _send(enrollment, lead, step, gate, now)
        if outcome is None:
            _advance(enrollment, steps, now, "sent")
            return action
        action = outcome
        if action.kind == "wait" and enrollment.status == EnrollmentStatus.WAITING:
            return action  # _send parked it for a person
    if action.kind == "skip":
        _advance(enrollment, steps, now, action.reason)
    elif action.kind == "wait":
        enrollment.next_action_at = action.at
        enrollment.last_decision = action.reason[:300]
        if action.at is None:
            enrollment.status = EnrollmentStatus.WAITING
        enrollment.save(update_fields=["next_action_at", "last_decision", "status", "updated_at"])
    elif action.kind == "stop":
        _end(enrollment, EnrollmentStatus.STOPPED, action.reason)
    elif action.kind == "finish":
        _end(enrollment, EnrollmentStatus.FINISHED, action.reason)
        closed = any(s.closing for s in steps)
        if closed and lead.status in (LeadStatus.IN_SEQUENCE, LeadStatus.STALLED):
            # Seed: non-responders go back to the pool, eligible again months later.
            return_to_pool(lead, finished_at=now)
    return action


def _within_budget(campaign, channel: str, now: datetime) -> Action | None:
    """None when today's budget for the channel has room, else wait for tomorrow."""
    budget = (campaign.daily_budget or {}).get(channel)
    if budget is None:
        return None
    zone = ZoneInfo(campaign.practice.timezone)
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    used = OutboundMessage.objects.filter(
        source=f"campaign-{campaign.pk}", channel=channel, sending_at__gte=midnight
    ).count()
    if used < int(budget):
        return None
    tomorrow = (midnight + timedelta(days=1, hours=1)).replace(hour=0)
    return Action("wait", f"today's {channel} budget of {budget} is spent", tomorrow)


# The seed's middle case: about 15% of contacted leads reply.
EXPECTED_REPLY_RATE = 0.15


def _paced(practice, now: datetime) -> Action | None:
    """Start new leads only as fast as the team can answer the replies they bring.

    Replies waiting for a person (leads marked responded) use up the day's capacity; what is
    left, divided by the expected reply rate, is how many leads may get their first message
    today. None when this one may start.
    """
    waiting = Lead.objects.filter(practice=practice, status=LeadStatus.RESPONDED).count()
    room = practice.replies_per_day - waiting
    zone = ZoneInfo(practice.timezone)
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = (midnight + timedelta(days=1, hours=1)).replace(hour=0)
    if room > 0:
        started_today = (
            Enrollment.objects.filter(
                practice=practice, position__gte=1, enrolled_at__lte=now, updated_at__gte=midnight
            )
            .filter(lead__outbound__sending_at__gte=midnight)
            .distinct()
            .count()
        )
        if started_today < room / EXPECTED_REPLY_RATE:
            return None
    return Action(
        "wait",
        f"pacing: {waiting} replies are waiting for the team (it answers "
        f"{practice.replies_per_day} a day); new leads start tomorrow",
        tomorrow,
    )


def _advance(enrollment: Enrollment, steps: list[Step], now: datetime, why: str) -> None:
    enrollment.position += 1
    following = steps[enrollment.position] if enrollment.position < len(steps) else None
    enrollment.next_action_at = (
        after_wait(now, following, enrollment.campaign.practice) if following else now
    )
    enrollment.last_decision = why[:300]
    enrollment.save(update_fields=["position", "next_action_at", "last_decision", "updated_at"])


def _end(enrollment: Enrollment, status: str, why: str) -> None:
    enrollment.status = status
    enrollment.stop_reason = why[:200]
    enrollment.next_action_at = None
    enrollment.save(update_fields=["status", "stop_reason", "next_action_at", "updated_at"])


def _send(enrollment, lead, step, gate, now) -> Action | None:
    """Send the step's message at most once. Returns an Action when it did not go out."""
    key = f"enrollment-{enrollment.pk}-step-{enrollment.position}"
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is None:
        template = _template_for(step, lead)
        version = template.current
        context = lead_context(
            lead,
            coordinator=enrollment.campaign.sender_name,
            unsubscribe_link=unsubscribe_url(lead),
        )
        existing, _ = OutboundMessage.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "practice_id": lead.practice_id,
                "lead": lead,
                "channel": step.channel,
                "source": f"campaign-{enrollment.campaign_id}",
                "to_value": gate.contact_point.value if gate and gate.contact_point else "",
                "subject": render(version.subject, context).text,
                "body": render(version.body, context).text,
            },
        )
    if existing.status == OutboundStatus.SENT:
        return None  # sent by an earlier attempt that died before advancing
    if existing.status in (OutboundStatus.SENDING, OutboundStatus.UNCERTAIN):
        _mark_uncertain(existing)
        enrollment.status = EnrollmentStatus.WAITING
        enrollment.last_decision = "a send may or may not have gone out: a person decides"
        enrollment.next_action_at = None
        enrollment.save(update_fields=["status", "last_decision", "next_action_at", "updated_at"])
        return Action("wait", enrollment.last_decision)
    if existing.status == OutboundStatus.FAILED:
        return Action("skip", existing.error or "the channel refused it")
    # Claim the send itself: only one worker moves it from queued to sending, and that is
    # committed before the provider is called.
    with transaction.atomic():
        claimed = OutboundMessage.objects.filter(
            pk=existing.pk, status=OutboundStatus.QUEUED
        ).update(status=OutboundStatus.SENDING, sending_at=now)
    if not claimed:
        return Action("wait", "another worker is sending it")
    try:
        result = adapter_for(step.channel).send(existing)
    except DeliveryError as exc:
        OutboundMessage.objects.filter(pk=existing.pk).update(
            status=OutboundStatus.FAILED if exc.permanent else OutboundStatus.QUEUED,
            error=str(exc)[:1000],
        )
        if exc.permanent:
            return Action("skip", f"not delivered: {exc}")
        return Action("wait", f"the channel will be retried: {exc}", now + timedelta(minutes=15))
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=existing.pk).update(
            status=OutboundStatus.SENT,
            provider=result.provider,
            provider_id=result.provider_id,
            sent_at=now,
        )
        Interaction.objects.create(
            practice_id=lead.practice_id,
            lead=lead,
            kind=InteractionKind.MESSAGE_OUT,
            channel=step.channel,
            actor_label=f"campaign: {enrollment.campaign.name}"[:100],
            summary=(existing.subject or existing.body)[:300],
            body=existing.body,
            data={"outbound": existing.pk, "step": enrollment.position + 1},
            occurred_at=now,
        )
        if lead.status == LeadStatus.STALLED:
            Lead.objects.filter(pk=lead.pk, status=LeadStatus.STALLED).update(
                status=LeadStatus.IN_SEQUENCE
            )
    return None


def _template_for(step: Step, lead: Lead) -> MessageTemplate:
    """The step's message in the lead's language and for its reason, where one exists."""
    base = step.template
    if not base.step:
        return base
    candidates = list(MessageTemplate.objects.filter(practice_id=base.practice_id, step=base.step))
    return pick_template(candidates, lead) or base


def _mark_uncertain(message: OutboundMessage) -> None:
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.UNCERTAIN
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_due(now: datetime, *, limit: int = BATCH, worker: str | None = None) -> list[int]:
    """Claim up to ``limit`` due enrolments for this worker; returns their ids."""
    worker = worker or worker_name()
    until = now + LEASE
    params = [worker, until, EnrollmentStatus.ACTIVE.value, now, now, limit]
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
        return [row[0] for row in cursor.fetchall()]


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
    recover_uncertain(now)
    report = RunReport()
    ids = claim_due(now, limit=limit, worker=worker)
    report.claimed = len(ids)
    steps_by_sequence: dict[int, list[Step]] = {}
    for enrollment in Enrollment.objects.filter(pk__in=ids).select_related("campaign"):
        sequence_id = enrollment.campaign.sequence_id
        if sequence_id not in steps_by_sequence:
            steps_by_sequence[sequence_id] = list(
                Step.objects.filter(sequence_id=sequence_id).select_related("template")
            )
        try:
            action = process(enrollment, now, steps_by_sequence[sequence_id])
        except Exception:
            log.exception(
                "enrollment %s failed; it stays claimed until the lease ends", enrollment.pk
            )
            continue
        counter = {
            "send": "sent",
            "wait": "waiting",
            "skip": "skipped",
            "stop": "stopped",
            "finish": "finished",
        }
        setattr(report, counter[action.kind], getattr(report, counter[action.kind]) + 1)
        Enrollment.objects.filter(pk=enrollment.pk, claimed_by=enrollment.claimed_by).update(
            claimed_until=None
        )
    return report


def stop_for_lead(lead: Lead, reason: str) -> int:
    """A reply, an opt-out or a booking: every automated step for this lead stops now."""
    return Enrollment.objects.filter(
        lead=lead, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING]
    ).update(status=EnrollmentStatus.STOPPED, stop_reason=reason[:200], next_action_at=None)
