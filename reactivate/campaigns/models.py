from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.leads.choices import Channel
from reactivate.leads.models import Lead
from reactivate.messaging.models import MessageTemplate
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice


class Sequence(models.Model):
    """The touches of a reactivation programme, in order.

    The practice edits its sequences; a campaign runs a frozen copy taken at launch (a
    *version*, with ``parent`` set), so a sequence in use is never changed under it.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="sequences")
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveSmallIntegerField(default=0, help_text="1, 2… for frozen copies.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"],
                condition=models.Q(parent__isnull=True),
                name="sequence_name_per_practice",
            ),
            models.UniqueConstraint(
                fields=["parent", "version"],
                condition=models.Q(parent__isnull=False),
                name="sequence_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})" if self.parent_id else self.name

    @property
    def frozen(self) -> bool:
        return self.parent_id is not None


class WaitUnit(models.TextChoices):
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"
    BUSINESS_DAYS = "business_days", "Business days"


class Step(models.Model):
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A second wording: each lead gets one of the two at random (A/B).",
    )
    wait = models.PositiveSmallIntegerField(
        default=0, help_text="How long after the previous step (the first: after enrolment)."
    )
    wait_unit = models.CharField(max_length=14, choices=WaitUnit.choices, default=WaitUnit.DAYS)
    stages = models.JSONField(
        default=list, blank=True, help_text="Only leads at these stages get this step (blank: all)."
    )
    min_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Only leads worth at least this much get this step (letters, for example).",
    )
    needs_phone = models.BooleanField(
        default=False, help_text="Only leads with a valid phone number get this step."
    )
    closing = models.BooleanField(default=False, help_text="The 'closing your file' message.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="step_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.get_channel_display()}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PILOT = "pilot", "Pilot"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"


class Campaign(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=120)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns")
    sequence = models.ForeignKey(Sequence, on_delete=models.PROTECT, related_name="campaigns")
    pilot_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Enrol only this many first (seed, Phase 4)."
    )
    holdout_percent = models.PositiveSmallIntegerField(
        default=10, help_text="Share of the audience never contacted, to measure the lift."
    )
    seed = models.PositiveIntegerField(default=0, help_text="Makes the holdout draw repeatable.")
    daily_budget = models.JSONField(
        default=dict,
        blank=True,
        help_text='Most messages a day per channel, e.g. {"sms": 200, "letter": 20}.',
    )
    sender_name = models.CharField(
        max_length=100, blank=True, help_text="Who the messages are from ({{ coordinator_name }})."
    )
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    launched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="campaign_name_per_practice")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.status in (CampaignStatus.PILOT, CampaignStatus.RUNNING)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "In sequence"
    HOLDOUT = "holdout", "Holdout (never contacted)"
    STOPPED = "stopped", "Stopped"
    FINISHED = "finished", "Finished"
    WAITING = "waiting", "Waiting for a person"


class Enrollment(models.Model):
    """One lead in one campaign; the engine's whole state is here (DESIGN: our own tables)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="enrollments")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(
        max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="The next step to take.")
    next_action_at = models.DateTimeField(null=True, blank=True)
    last_decision = models.CharField(max_length=300, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    claimed_by = models.CharField(max_length=60, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField()
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the lead's first message of this campaign went."
    )
    variants = models.JSONField(
        default=dict, blank=True, help_text='The wording drawn per step with two: {"2": "b"}.'
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "lead"], name="enrolled_once")]
        indexes = [
            models.Index(fields=["status", "next_action_at"]),
            # Pacing counts the leads a practice started today, once per batch.
            models.Index(fields=["practice", "started_at"]),
            # A worker reads its claimed batch back by the claim's tag; only claims are here.
            models.Index(
                fields=["claimed_by"],
                condition=models.Q(claimed_until__isnull=False),
                name="enrollment_claims",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} in {self.campaign}"
