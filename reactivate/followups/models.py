"""Work for a person: to begin with, the calls a sequence's call steps ask for."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.leads.models import Lead
from reactivate.tenancy.models import Practice


class CallOutcome(models.TextChoices):
    CONNECTED = "connected", "Connected"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    DISCONNECTED = "disconnected", "Disconnected"


class TaskStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class CallTask(models.Model):
    """A call a person makes, never "sent" by the engine: the outcome they log moves the
    sequence on (campaigns picks up ``done`` tasks it has not ``resumed`` yet)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="call_tasks")
    # The step it stands for (enrollment-<id>-step-<position>): one task per step, ever.
    key = models.CharField(max_length=100, unique=True)
    source = models.CharField(max_length=40, blank=True, help_text="campaign-12")
    phone = models.CharField(max_length=32)
    script = models.TextField()
    voicemail = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.CharField(max_length=14, choices=CallOutcome.choices, blank=True)
    note = models.TextField(blank=True)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True, help_text="The sequence moved on.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="call_tasks",
    )  # fmt: skip

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["practice", "status", "due_at"]),
            models.Index(
                fields=["done_at"],
                condition=models.Q(status="done", resumed_at__isnull=True),
                name="call_task_to_resume",
            ),
        ]

    def __str__(self) -> str:
        return f"call {self.phone} ({self.status})"


class FollowUpKind(models.TextChoices):
    REPLY = "reply", "Answer a reply"
    TIMING = "timing", "Check back"
    REQUALIFY = "requalify", "Re-qualify"
    TRIAGE = "triage", "Read and sort"
    SNOOZE = "snooze", "Snoozed lead due"


# Kinds answering something a person wrote: the SLA, escalation and speed to human apply.
ANSWER_KINDS = (FollowUpKind.REPLY, FollowUpKind.REQUALIFY, FollowUpKind.TRIAGE)


class FollowUp(models.Model):
    """A person's next move on a lead, made by what the lead said: answer a yes within the
    SLA, check back on the date they gave, re-qualify a changed situation, or read a reply
    the product could not. An unmatched message's triage has no lead yet."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    kind = models.CharField(max_length=10, choices=FollowUpKind.choices)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="followups",
    )  # fmt: skip
    reason = models.CharField(max_length=300)
    # The inbound message it answers (channels.InboundMessage), by id: one task per message.
    inbound_id = models.BigIntegerField(null=True, blank=True)
    # When the person wrote: the start of the clock for speed to human.
    received_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True, help_text="campaign-12")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # The first thing a person did about it (took it, answered, called, booked, closed).
    first_action_at = models.DateTimeField(null=True, blank=True)
    first_action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="SLA missed: told.")

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["practice", "status", "due_at"]),
            # Each person's open load, counted for every new task (followups.assign).
            models.Index(fields=["assignee", "status", "practice"], name="followup_load"),
            models.Index(fields=["practice", "first_action_at"], name="followup_speed"),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["inbound_id", "kind"], condition=models.Q(inbound_id__isnull=False),
                name="one_followup_per_message",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.kind} follow-up ({self.status})"


class Notification(models.Model):
    """Something a person should see now: a follow-up given to them. Shown in the menu
    until they open their follow-ups; sent by email as well."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "practice", "read_at"])]

    def __str__(self) -> str:
        return self.text


class DigestSent(models.Model):
    """A morning digest went to this person for this practice on this day: sent once."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user", "day"], name="digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"digest {self.day}"
