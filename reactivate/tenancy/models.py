from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from reactivate.tenancy.choices import Role


class Agency(models.Model):
    """An organisation that runs reactivation for one or more practices (or a practice group)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Practice(models.Model):
    """A clinic: the wall around every lead, message and report."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="practices")
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lower-case letters, digits, -")],
    )
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="America/New_York")
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166 alpha-2")
    state = models.CharField(max_length=3, blank=True, help_text="State or region code, e.g. CA")
    postal_address = models.TextField(
        blank=True, help_text="Printed in every email footer (CAN-SPAM) and on letters."
    )
    phone = models.CharField(max_length=32, blank=True)
    cost_per_new_lead = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What a new lead costs to acquire; used where a lead's own cost is unknown.",
    )
    booking_url = models.URLField(
        blank=True, help_text="Where a lead can book a visit; {{ booking_link }} in messages."
    )
    phi_safe = models.BooleanField(
        default=False,
        help_text="Keep treatment names out of texts and emails ('your consultation' instead).",
    )
    # The practice's own sending window, inside the legal quiet hours (leads/consent.py).
    send_days = models.CharField(
        max_length=20,
        default="0,1,2,3,4",
        validators=[
            RegexValidator(r"^[0-6](,[0-6])*$", "Days as 0-6 (Monday is 0), comma-separated")
        ],
        help_text="Days automated messages may go out: 0 is Monday … 6 is Sunday.",
    )
    send_from_hour = models.PositiveSmallIntegerField(
        default=9, validators=[MaxValueValidator(23)], help_text="Local hour sending starts."
    )
    send_until_hour = models.PositiveSmallIntegerField(
        default=19, validators=[MaxValueValidator(24)], help_text="Local hour sending stops."
    )
    replies_per_day = models.PositiveSmallIntegerField(
        default=20,
        help_text="Replies the team can answer in a day within its response time; campaigns "
        "start fewer new leads while more than this are waiting.",
    )
    holidays = models.TextField(
        blank=True,
        help_text="Days the practice is closed (YYYY-MM-DD, one a line): no sends, and they "
        "are not business days.",
    )
    public_holidays = models.BooleanField(
        default=True,
        help_text="Also closed on the public holidays of the practice's country and state.",
    )
    window_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the sending window changes; the engine re-plans waiting sends.",
    )
    max_touches_per_day = models.PositiveSmallIntegerField(
        default=1, help_text="Per lead, across all campaigns and channels."
    )
    max_touches_per_week = models.PositiveSmallIntegerField(
        default=3, help_text="Per lead, across all campaigns and channels."
    )
    treatment_vocabulary = models.TextField(
        blank=True,
        help_text="The practice's treatments, one a line, other names after a colon "
        "(“Dental implants: implant, all-on-4”). Blank: the starter list.",
    )
    stalled_after_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="A lead with no activity for this many days counts as stalled, whatever "
        "its CRM status says.",
    )
    # Seed: first attempt 3-6 months after a lead stalls, then at 6-12 months, then yearly.
    first_attempt_months = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Months after a lead stalls before its first reactivation attempt.",
    )
    second_attempt_months = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1)],
        help_text="Months after a lead stalls before the second attempt.",
    )
    repeat_every_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="After the second attempt, try again this often.",
    )
    max_cycles = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Lifetime cap: a lead is never put through more reactivation sequences.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def holiday_dates(self) -> frozenset:
        """The practice's own closures and, unless it opted out, its public holidays."""
        days = set()
        for token in self.holidays.replace(",", "\n").split():
            try:
                days.add(date.fromisoformat(token.strip()))
            except ValueError:
                continue  # the settings form refuses these; old data is skipped, not fatal
        if self.public_holidays:
            days |= set(public_holidays(self.country, self.state))
        return frozenset(days)


def public_holidays(country: str, state: str = "") -> dict:
    """date → name of the public holidays of a country (and its state or province, where the
    holidays package knows it) over last year, this year and the next two."""
    return _public_holidays(country, state, date.today().year)


@lru_cache(maxsize=256)
def _public_holidays(country: str, state: str, this_year: int) -> dict:
    # Computing a country's calendar takes milliseconds; the send-time gate asks per lead.
    years = range(this_year - 1, this_year + 3)
    try:
        return dict(holidays.country_holidays(country or "US", subdiv=state or None, years=years))
    except NotImplementedError:
        try:
            return dict(holidays.country_holidays(country or "US", years=years))
        except NotImplementedError:
            return {}


class Membership(models.Model):
    """A user's role on one practice, or (agency operators) on every practice of an agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # Where this person wants a text when a reply is theirs to answer (E.164; blank: none).
    alert_phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role=Role.AGENCY_OPERATOR, agency__isnull=False, practice__isnull=True)
                    | (
                        ~Q(role=Role.AGENCY_OPERATOR)
                        & Q(practice__isnull=False, agency__isnull=True)
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "practice"],
                condition=Q(practice__isnull=False),
                name="one_membership_per_practice",
            ),
            models.UniqueConstraint(
                fields=["user", "agency"],
                condition=Q(agency__isnull=False),
                name="one_membership_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.practice or self.agency}"
