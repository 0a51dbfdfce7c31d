"""What the program costs a practice: prices per touch, staff time, and fixed costs.

Cost per reactivated lead (docs/metrics.md) is these over the reactivated leads. A message's
price is what its provider reported billing (Twilio does, some minutes after a text goes out:
channels/prices.py), else the practice's own setting here: email providers and print houses
do not report one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from reactivate.campaigns.models import Campaign
from reactivate.tenancy.models import Practice

ZERO = [MinValueValidator(Decimal("0"))]


class ProgramCosts(models.Model):
    """One practice's prices. The defaults are list prices in the US in 2026 (Twilio's
    long-code SMS segment, a transactional ESP's email, a first-class letter printed and
    posted) and a front-desk wage, so the figure means something before anyone edits it."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    email_price = models.DecimalField(
        max_digits=8, decimal_places=4, default=Decimal("0.0010"), validators=ZERO,
        help_text="Per email sent.",
    )  # fmt: skip
    sms_price = models.DecimalField(
        max_digits=8, decimal_places=4, default=Decimal("0.0083"), validators=ZERO,
        help_text="Per text sent (one segment, carrier fee included).",
    )  # fmt: skip
    letter_price = models.DecimalField(
        max_digits=8, decimal_places=4, default=Decimal("1.2000"), validators=ZERO,
        help_text="Per letter printed and posted.",
    )  # fmt: skip
    staff_hourly_rate = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("22.00"), validators=ZERO,
        help_text="What an hour of the coordinator's time costs the practice.",
    )  # fmt: skip
    minutes_per_call = models.PositiveSmallIntegerField(
        default=5, help_text="Staff minutes for one call attempt, voicemail included."
    )
    minutes_per_reply = models.PositiveSmallIntegerField(
        default=4, help_text="Staff minutes to read and answer one reply."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"costs of {self.practice}"


class CostEntry(models.Model):
    """A fixed cost of the program: the agency's fee, a list-cleaning service, a mail house."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The campaign it belongs to; empty for the program as a whole.",
    )  # fmt: skip
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=ZERO)
    incurred_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-incurred_on", "-id"]
        indexes = [models.Index(fields=["practice", "incurred_on"])]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class MetricsSnapshot(models.Model):
    """The report as last computed, so a large practice's dashboard opens at once: at a
    million leads the report takes seconds to compute and a page must not. Refreshed by the
    worker every few minutes and by anyone who asks (docs/metrics.md)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40, help_text="all, or campaign-<id>")
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the computation took.")
    report = models.JSONField()
    summary = models.JSONField(help_text="The list by status and stage, read at the same time.")
    # When a page last read it (marked at most hourly): the worker keeps a campaign's
    # snapshot current while someone is reading it, and lets the rest rest.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "scope"], name="metrics_snapshot_once")
        ]

    def __str__(self) -> str:
        return f"{self.practice} {self.scope} at {self.computed_at:%Y-%m-%d %H:%M}"


class WeeklyReportSent(models.Model):
    """The owner's weekly report for this practice and week went out: once a week."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday the report was sent on.")
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "week"], name="weekly_report_once")
        ]

    def __str__(self) -> str:
        return f"weekly report {self.week}"
