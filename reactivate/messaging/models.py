from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reactivate.leads.choices import Channel, DormancyReason
from reactivate.tenancy.models import Agency, Practice


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"


class MessageTemplate(models.Model):
    """A message for one channel and language: a practice's own, or its agency's shared one.

    Its text lives in versions; the newest is the one in use, and earlier ones stay for the
    record (what did we send in March?).
    """

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="message_templates"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="message_templates"
    )
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    dormancy_reason = models.CharField(
        max_length=20,
        choices=DormancyReason.choices,
        blank=True,
        help_text="Blank: for any reason.",
    )
    step = models.CharField(max_length=20, blank=True, help_text="Starter playbook step, if any.")
    first_touch = models.BooleanField(
        default=True,
        help_text="The first message on this channel: a first text must introduce the practice "
        "and say how to opt out.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel", "name", "language"]
        constraints = [
            models.CheckConstraint(
                name="template_has_one_owner",
                condition=Q(practice__isnull=False, agency__isnull=True)
                | Q(practice__isnull=True, agency__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["practice", "name", "language"],
                condition=Q(practice__isnull=False),
                name="template_name_per_practice",
            ),
            models.UniqueConstraint(
                fields=["agency", "name", "language"],
                condition=Q(agency__isnull=False),
                name="template_name_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_language_display()})"

    @property
    def current(self) -> TemplateVersion | None:
        return self.versions.order_by("-number").first()


class TemplateVersion(models.Model):
    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    voicemail = models.TextField(blank=True, help_text="Calls: what to leave on voicemail.")
    lint_verdict = models.CharField(max_length=4)
    lint = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"
