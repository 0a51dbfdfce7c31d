from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reactivate.core.text import last_word_key, search_key
from reactivate.leads.choices import (
    Channel,
    ConsentStatus,
    ContactKind,
    DormancyReason,
    InteractionKind,
    LeadStatus,
    LineType,
    OpportunityStage,
    Stage,
    SuppressionReason,
    Validity,
)
from reactivate.tenancy.models import Practice


class Lead(models.Model):
    """A person who showed interest in a treatment; the unit everything else hangs off."""

    # No index of its own: every composite index below starts with practice.
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="leads", db_index=False
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    # core.text.search_key of each name, kept by save() and by the import's writer: what the
    # front desk's search runs on, through the indexes below.
    first_key = models.CharField(max_length=100, blank=True, default="", editable=False)
    last_key = models.CharField(max_length=100, blank=True, default="", editable=False)
    # The last word of a last name of several ("ruiz" of "Núñez-Ruiz"), else blank.
    last_word_key = models.CharField(max_length=100, blank=True, default="", editable=False)
    treatment = models.CharField(
        max_length=100, blank=True, help_text="Treatment of interest, as the practice names it."
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.FORM)
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.STALLED)
    estimated_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=100, blank=True)
    acquisition_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What this lead cost; the practice's cost per new lead applies when blank.",
    )
    dormancy_reason = models.CharField(
        max_length=20, choices=DormancyReason.choices, default=DormancyReason.UNKNOWN
    )
    dormancy_note = models.TextField(blank=True, help_text="The lost reason as the CRM had it.")
    preferred_language = models.CharField(max_length=8, default="en")
    inquired_at = models.DateTimeField(null=True, blank=True, help_text="When the lead came in.")
    last_contact_at = models.DateTimeField(null=True, blank=True)
    next_eligible_at = models.DateTimeField(null=True, blank=True)
    cycle_count = models.PositiveSmallIntegerField(default=0)
    external_id = models.CharField(max_length=100, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text="The import that brought this lead in.",
    )
    # Hash of the values the last import brought: an unchanged row need not be re-read.
    import_fingerprint = models.BigIntegerField(null=True, blank=True, editable=False)
    # Written by segments.scoring after imports and outcomes; NULL until the first pass.
    reach = models.IntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Bit set of usable channels and data quality (segments.reach).",
    )
    p_reactivate = models.FloatField(
        null=True, blank=True, editable=False, help_text="Chance this lead reactivates."
    )
    priority = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="Expected value of working this lead: chance x value.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "external_id"],
                condition=~Q(external_id=""),
                name="lead_external_id_unique_per_practice",
            ),
        ]
        indexes = [
            # Covers the assessment's count of leads by status and reach without the table.
            models.Index(fields=["practice", "status", "reach"], name="lead_practice_status_reach"),
            models.Index(fields=["practice", "last_contact_at"]),
            # A name search is a prefix of either key: a range on SQLite, LIKE 'x%' through
            # the pattern operator class on PostgreSQL (whatever the database's collation).
            models.Index(fields=["practice", "first_key"], name="lead_first_key",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["practice", "last_key"], name="lead_last_key",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["practice", "last_word_key"], name="lead_last_word_key",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.full_name or f"Lead #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.first_key, self.last_key = search_key(self.first_name), search_key(self.last_name)
        self.last_word_key = last_word_key(self.last_name)
        fields = kwargs.get("update_fields")
        if fields is not None and {"first_name", "last_name"} & set(fields):
            kwargs["update_fields"] = {*fields, "first_key", "last_key", "last_word_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class ContactPoint(models.Model):
    """One way to reach a lead: an email address, a phone number or a postal address."""

    # Both covered by the composite indexes below; fewer indexes make big imports faster.
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="contact_points", db_index=False
    )
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(
        max_length=320, help_text="Normalised: lower-case email, E.164 phone, one-line address."
    )
    raw_value = models.CharField(max_length=500, blank=True, help_text="As it was imported.")
    label = models.CharField(max_length=40, blank=True, help_text="home, work, mobile…")
    extension = models.CharField(max_length=20, blank=True)
    validity = models.CharField(max_length=20, choices=Validity.choices, default=Validity.UNKNOWN)
    line_type = models.CharField(max_length=10, choices=LineType.choices, default=LineType.UNKNOWN)
    timezone = models.CharField(max_length=64, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead", "kind", "value"], name="contact_point_once"),
        ]
        indexes = [models.Index(fields=["practice", "kind", "value"])]
        ordering = ["kind", "-is_primary", "id"]

    def __str__(self) -> str:
        return self.value


class Consent(models.Model):
    """The current permission to use one channel on one contact point, and where it came from."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.UNKNOWN
    )
    source = models.CharField(max_length=200, blank=True, help_text="web form, signed intake…")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact_point", "channel"], name="consent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class Interaction(models.Model):
    """The lead's append-only timeline: nothing the practice learns is lost."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=20, choices=InteractionKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=100, blank=True, help_text="Who acted when no user did: import, system…"
    )
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["lead", "-occurred_at"])]
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return self.summary

    def save(self, *args, **kwargs) -> None:
        # A guard, not logic: history that can be rewritten is not history.
        if self.pk is not None:
            raise ValueError("Interactions are append-only; add a new one instead.")
        super().save(*args, **kwargs)


class Suppression(models.Model):
    """Practice-wide do-not-contact for an address or number, checked at every send."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="suppressions")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(max_length=320, help_text="Normalised like ContactPoint.value.")
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    source = models.CharField(max_length=200, blank=True, help_text="The words or event behind it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "value"], name="suppression_once"),
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.get_reason_display()})"


class Opportunity(models.Model):
    """What a reactivated lead may be worth: a consultation booked, then attended, a plan
    accepted, won or lost. Pipeline value and time to conversion are read from these."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="opportunities")
    treatment = models.CharField(max_length=100, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stage = models.CharField(
        max_length=14, choices=OpportunityStage.choices, default=OpportunityStage.BOOKED
    )
    consultation_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Won or lost.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "stage", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ({self.value})"


class RescoreMark(models.Model):
    """Leads whose reach, eligibility or priority may have changed.

    Scoring lives in segments, a floor above leads: leads and the import only leave this
    mark, in the same transaction as the change, and segments' task picks it up.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead_ids = models.JSONField(null=True, blank=True, help_text="None: the whole practice.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"rescore {self.lead_ids or 'all'}"
