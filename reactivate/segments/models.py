from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.tenancy.models import Practice


class Segment(models.Model):
    """A saved audience: a definition (segments.definitions) compiled to one SQL query."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    definition = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="segment_name_per_practice")
        ]

    def __str__(self) -> str:
        return self.name


class ScoringModel(models.Model):
    """A fitted P(reactivate) model for one practice, with how it did on held-out outcomes.

    Only an active model scores leads; a fit that does not beat the prior table on held-out
    outcomes is kept for the record but never activated.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    parameters = models.JSONField(help_text="segments.model.ExplainableModel.to_dict()")
    outcomes = models.PositiveIntegerField(help_text="Labelled leads it learned from.")
    positives = models.PositiveIntegerField()
    heldout_auc = models.FloatField(null=True)
    heldout_brier = models.FloatField(null=True)
    prior_auc = models.FloatField(null=True)
    prior_brier = models.FloatField(null=True)
    active = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    fitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(active=True),
                name="one_active_scoring_model",
            )
        ]

    def __str__(self) -> str:
        return f"Scoring model {self.pk} ({'active' if self.active else 'inactive'})"


class HealthSnapshot(models.Model):
    """The database health score on one day, so the assessment can show its trend."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    leads = models.PositiveIntegerField()
    workable = models.PositiveIntegerField()
    score = models.FloatField(help_text="Workable share of the list, 0-100.")

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "day"], name="health_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.score:.0f}"
