"""What a reply said, as read: one per inbound message (channels.InboundMessage)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.channels.models import InboundMessage
from reactivate.leads.models import Lead
from reactivate.tenancy.models import Practice


class Reply(models.Model):
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    inbound = models.OneToOneField(InboundMessage, on_delete=models.CASCADE, related_name="reply")
    text = models.TextField(help_text="What the person wrote, quoted history and signature off.")
    label = models.CharField(max_length=14)
    confidence = models.FloatField()
    layer = models.CharField(max_length=12, help_text="keyword, auto_reply, rule or model")
    follow_up_on = models.DateField(null=True, blank=True)
    granularity = models.CharField(max_length=8, blank=True)
    corrected_from = models.CharField(max_length=14, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "label", "created_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.confidence:.2f})"
