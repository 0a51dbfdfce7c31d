"""Campaigns: built from a sequence and a segment, piloted, scaled, paused, reported."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.audience import audience_split
from reactivate.campaigns.models import (
    Campaign,
    CampaignStatus,
    Enrollment,
    EnrollmentStatus,
    Sequence,
    Step,
)
from reactivate.campaigns.sequences import sequence_freeze, step_problems
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Lead
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.playbooks import STEPS
from reactivate.messaging.services import install_starter_playbooks
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice

# Letters cost money to print and post: the starter sequence sends them above this value.
HIGH_VALUE = Decimal("5000")


class CampaignError(Exception):
    pass


def starter_sequence(practice: Practice, actor: AbstractBaseUser | None = None) -> Sequence:
    """The starter playbook as a sequence (installing its messages if they are missing)."""
    install_starter_playbooks(practice=practice, actor=actor)
    sequence, created = Sequence.objects.get_or_create(
        practice=practice, name="Starter playbook", parent__isnull=True
    )
    if created:
        previous = 0
        for position, step in enumerate(STEPS):
            template = MessageTemplate.objects.get(
                practice=practice, step=step.key, language="en", dormancy_reason=""
            )
            Step.objects.create(
                sequence=sequence,
                position=position,
                channel=step.channel,
                template=template,
                wait=step.day - previous,
                min_value=HIGH_VALUE if step.high_value_only else None,
                closing=step.key == "email-final",
            )
            previous = step.day
    return sequence


def campaign_create(
    *,
    practice: Practice,
    name: str,
    segment: Segment,
    sequence: Sequence,
    actor: AbstractBaseUser | None,
    pilot_size: int | None = None,
    holdout_percent: int = 10,
    sender_name: str = "",
    daily_budget: dict | None = None,
) -> Campaign:
    if segment.practice_id != practice.pk or sequence.practice_id != practice.pk:
        raise CampaignError("The segment and the sequence must be this practice's own.")
    if not 0 <= holdout_percent <= 50:
        raise CampaignError("The holdout is a share between 0 and 50 percent.")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            practice=practice,
            name=name,
            segment=segment,
            sequence=sequence,
            pilot_size=pilot_size,
            holdout_percent=holdout_percent,
            sender_name=sender_name,
            daily_budget=daily_budget or {},
            seed=int.from_bytes(hashlib.sha256(name.encode()).digest()[:3], "big"),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _audit(campaign, actor, AuditAction.CAMPAIGN_CREATED, segment=segment.pk)
    return campaign


def _audit(campaign: Campaign, actor: AbstractBaseUser | None, action: AuditAction, **detail):
    audit_record(
        practice=campaign.practice,
        actor=actor,
        action=action,
        obj=campaign,
        detail={"campaign": campaign.name, "status": campaign.status, **detail},
    )


def draw_variants(seed: int, lead_id: int, positions: list[int]) -> dict[str, str]:
    """Which wording each step with two gets for this lead: an even, repeatable coin."""
    return {
        str(p): "ab"[int(hashlib.sha256(f"{seed}:{lead_id}:{p}".encode()).hexdigest(), 16) % 2]
        for p in positions
    }


def enroll(campaign: Campaign, *, limit: int | None, now: datetime) -> tuple[int, int]:
    """Enrol the audience (``audience_split``), recording each lead's holdout and wordings;
    holdout leads are never contacted. Returns (enrolled, held out)."""
    practice = campaign.practice
    contacted, holdout = audience_split(campaign, limit=limit, now=now)
    with_two = campaign.sequence.steps.filter(variant__isnull=False)
    split = list(with_two.values_list("position", flat=True))
    rows = [
        Enrollment(
            practice=practice,
            campaign=campaign,
            lead_id=lead_id,
            status=EnrollmentStatus.ACTIVE,
            next_action_at=now,
            enrolled_at=now,
            variants=draw_variants(campaign.seed, lead_id, split),
        )
        for lead_id in contacted
    ] + [
        Enrollment(
            practice=practice,
            campaign=campaign,
            lead_id=lead_id,
            status=EnrollmentStatus.HOLDOUT,
            enrolled_at=now,
            last_decision="held out to measure the lift; never contacted",
        )
        for lead_id in holdout
    ]
    Enrollment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # In a sequence now: no longer waiting for a next attempt (the holdout stays stalled).
    for start in range(0, len(contacted), 500):
        Lead.objects.filter(
            pk__in=contacted[start : start + 500], status=LeadStatus.STALLED
        ).update(status=LeadStatus.IN_SEQUENCE, next_eligible_at=None, updated_at=now)
    return len(contacted), len(holdout)


def campaign_launch(
    *, campaign: Campaign, actor: AbstractBaseUser | None, now: datetime | None = None
) -> tuple[int, int]:
    """Start the pilot (or the whole segment when there is no pilot size)."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status != CampaignStatus.DRAFT:
            status = campaign.get_status_display().lower()
            raise CampaignError(f"The campaign is {status} already.")
        steps = list(campaign.sequence.steps.select_related("template", "variant"))
        if not steps:
            raise CampaignError("The sequence has no steps yet.")
        failures = [problem for step in steps for problem in step_problems(step)[0]]
        if failures:
            raise CampaignError("Fix the messages first: " + "; ".join(failures) + ".")
        # The campaign runs a frozen version: later edits to the sequence never reach it.
        campaign.sequence = sequence_freeze(campaign.sequence)
        counts = enroll(campaign, limit=campaign.pilot_size, now=now)
        campaign.status = CampaignStatus.PILOT if campaign.pilot_size else CampaignStatus.RUNNING
        campaign.launched_at = now
        campaign.save(update_fields=["status", "launched_at", "sequence"])
        _audit(
            campaign,
            actor,
            AuditAction.CAMPAIGN_LAUNCHED,
            enrolled=counts[0],
            held=counts[1],
            sequence_version=campaign.sequence.version,
        )
    return counts


def campaign_scale(
    *, campaign: Campaign, actor: AbstractBaseUser | None, now: datetime | None = None
) -> tuple[int, int]:
    """From pilot to the rest of the segment, in one action."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status not in (CampaignStatus.PILOT, CampaignStatus.PAUSED):
            raise CampaignError("Only a pilot (or a paused pilot) can be scaled.")
        counts = enroll(campaign, limit=None, now=now)
        campaign.status = CampaignStatus.RUNNING
        campaign.save(update_fields=["status"])
        _audit(campaign, actor, AuditAction.CAMPAIGN_SCALED, enrolled=counts[0], held=counts[1])
    return counts


def campaign_pause(*, campaign: Campaign, actor: AbstractBaseUser | None) -> Campaign:
    with transaction.atomic():
        campaign = _locked(campaign)
        if not campaign.active:
            raise CampaignError("Only a running campaign or pilot can be paused.")
        campaign.status = CampaignStatus.PAUSED
        campaign.save(update_fields=["status"])
        _audit(campaign, actor, AuditAction.CAMPAIGN_PAUSED)
    return campaign


def campaign_resume(*, campaign: Campaign, actor: AbstractBaseUser | None) -> Campaign:
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status != CampaignStatus.PAUSED:
            raise CampaignError("Only a paused campaign can be resumed.")
        piloting = campaign.pilot_size and campaign.enrollments.count() <= campaign.pilot_size * 2
        campaign.status = CampaignStatus.PILOT if piloting else CampaignStatus.RUNNING
        campaign.save(update_fields=["status"])
        _audit(campaign, actor, AuditAction.CAMPAIGN_RESUMED)
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    """The campaign as stored now, locked for this transaction: two people pressing Launch
    at once enrol the segment once. The caller's object is brought up to date in place."""
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))
    campaign.refresh_from_db()
    return campaign


def complete_finished() -> int:
    """Running campaigns with nobody left in sequence or waiting for a person are completed.

    A finished pilot stays a pilot: scaling it up, or not, is the practice's decision.
    """
    live = Enrollment.objects.filter(
        campaign=OuterRef("pk"), status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING]
    )
    return (
        Campaign.objects.filter(status=CampaignStatus.RUNNING)
        .exclude(Exists(live))
        .update(status=CampaignStatus.COMPLETED)
    )


def resolve_uncertain(
    *,
    message: OutboundMessage,
    went_out: bool,
    actor: AbstractBaseUser | None,
    decided_by: str = "a person",
    provider_id: str = "",
    now: datetime | None = None,
) -> None:
    """A person's answer about a send that a dead worker left in doubt.

    It went out: it is marked sent, and its enrolment moves on (the engine puts the message
    on the lead's timeline when it picks the enrolment up). It did not: it is queued again and
    its enrolment resumes, so the engine sends it, through the gate, like any other step.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = OutboundMessage.objects.filter(
            pk=message.pk, status=OutboundStatus.UNCERTAIN
        ).update(
            **(
                {"status": OutboundStatus.SENT, "sent_at": message.sending_at or now}
                | ({"provider_id": provider_id} if provider_id else {})
                if went_out
                else {"status": OutboundStatus.QUEUED, "sending_at": None}
            )
        )
        if not changed:
            raise CampaignError("That message is no longer in doubt.")
        # A campaign's key names the enrolment: enrollment-<id>-step-<position>.
        match = re.fullmatch(r"enrollment-(\d+)-step-\d+", message.idempotency_key)
        enrollment_id = int(match.group(1)) if match else None
        Enrollment.objects.filter(pk=enrollment_id, status=EnrollmentStatus.WAITING).update(
            status=EnrollmentStatus.ACTIVE,
            next_action_at=now,
            claimed_until=None,
            last_decision=f"{decided_by} said it " + ("went out" if went_out else "did not go out"),
        )
        audit_record(
            practice=message.practice,
            actor=actor,
            action=AuditAction.SEND_RESOLVED,
            obj=message,
            detail={"went_out": went_out, "decided_by": decided_by},
        )


def stop_enrollment(*, enrollment: Enrollment, actor: AbstractBaseUser | None) -> None:
    """A person stops a lead's sequence in one campaign by hand."""
    if enrollment.status not in (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING):
        raise CampaignError("That sequence is not running.")
    who = getattr(actor, "username", "") or "a person"
    with transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=EnrollmentStatus.STOPPED,
            stop_reason=f"stopped by {who}"[:200],
            next_action_at=None,
        )
        live = Enrollment.objects.filter(
            lead_id=enrollment.lead_id,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING],
        )
        if not live.exists():
            Lead.objects.filter(pk=enrollment.lead_id, status=LeadStatus.IN_SEQUENCE).update(
                status=LeadStatus.STALLED
            )
        audit_record(
            practice=enrollment.practice,
            actor=actor,
            action=AuditAction.ENROLLMENT_STOPPED,
            obj=enrollment,
            detail={"campaign": enrollment.campaign_id, "lead": enrollment.lead_id},
        )
