"""What the program costs a practice: prices per touch, staff time, and fixed costs.

Cost per reactivated lead (docs/metrics.md) is these over the reactivated leads. Prices are
the practice's own settings because most providers do not report a price on the send.
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
