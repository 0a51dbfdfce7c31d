from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.leads.choices import Channel
from reactivate.leads.models import Lead
from reactivate.messaging.models import TemplateVersion
from reactivate.tenancy.models import Practice


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # The worker died between "sending" and the provider's answer: a person decides whether
    # it went out. Never re-sent automatically (DESIGN rule 5).
    UNCERTAIN = "uncertain", "Uncertain"


class OutboundMessage(models.Model):
    """One message to one lead, at most once: the idempotency key is unique."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    # None for a service text to someone who is not a lead: an alert to staff, the HELP
    # answer to a number that matched no lead.
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="outbound"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=100, unique=True)
    source = models.CharField(
        max_length=40, blank=True, help_text="What sent it, e.g. campaign-12."
    )
    # The wording a campaign step sent, so the metrics can compare versions and A/B variants.
    template_version = models.ForeignKey(
        TemplateVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_value = models.CharField(max_length=320)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    provider = models.CharField(max_length=30, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    # The provider's latest word on it (channels.events): delivered, bounced…, never moved
    # back by a report that arrives late.
    delivery = models.CharField(max_length=12, blank=True)
    delivery_at = models.DateTimeField(null=True, blank=True)
    # What the provider billed, when it says (Twilio prices a text some time after sending
    # it: channels/prices.py asks). The metrics use it before the practice's own price.
    price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    price_unit = models.CharField(max_length=3, blank=True)  # ISO 4217, as the provider said
    price_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "status"]),
            # A campaign's daily budget per channel is counted from here.
            models.Index(fields=["source", "channel", "sending_at"]),
            # Every engine pass looks for sends a dead worker left behind: a tiny index.
            models.Index(
                fields=["sending_at"],
                condition=models.Q(status="sending"),
                name="outbound_sending",
            ),
            # Delivery reports name the message by the provider's id.
            models.Index(fields=["provider_id"], name="outbound_provider_id"),
            # A text back is matched to the lead last texted at that number (inbound.py).
            models.Index(fields=["practice", "to_value", "sent_at"], name="outbound_to_value"),
            # The price task's work list: sent texts the provider has not priced yet.
            models.Index(
                fields=["sent_at"],
                condition=models.Q(price__isnull=True, provider="twilio", status="sent"),
                name="outbound_unpriced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to_value} ({self.status})"


class ChannelConfig(models.Model):
    """How one practice reaches people on one channel: the provider and its settings.

    ``settings`` holds what may be shown (sender, reply domain); ``secrets`` holds what may
    not (passwords, tokens), encrypted with a key outside the database (core/secrets.py).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    provider = models.CharField(max_length=30)
    settings = models.JSONField(default=dict, blank=True)
    secrets = models.TextField(blank=True, help_text="Encrypted; never shown.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "channel"], name="one_provider_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.practice} {self.channel}: {self.provider}"


class DomainCheck(models.Model):
    """What DNS said of an email domain: whether it receives mail, and when we asked."""

    domain = models.CharField(max_length=253, unique=True)
    receives_mail = models.BooleanField(null=True, help_text="Null: DNS did not answer.")
    detail = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.domain}: {self.receives_mail}"


class EventKind(models.TextChoices):
    """One vocabulary for every provider's reports, the way django-anymail normalises ESPs."""

    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    DEFERRED = "deferred", "Deferred"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Complained"
    OPENED = "opened", "Opened"
    CLICKED = "clicked", "Clicked"
    FAILED = "failed", "Failed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class ChannelEvent(models.Model):
    """One report from a provider about one message, kept as it came (``raw``).

    ``event_id`` is unique, so a report delivered twice (providers retry webhooks) is stored
    and acted on once. A report for a message this installation never sent is kept with no
    practice, for a person to look at.
    """

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    outbound = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    recipient = models.CharField(max_length=320, blank=True)
    code = models.CharField(max_length=40, blank=True, help_text="Provider error or SMTP status.")
    description = models.CharField(max_length=500, blank=True)
    permanent = models.BooleanField(default=True, help_text="A bounce: 5.x.x, not 4.x.x.")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    raw = models.JSONField(default=dict, blank=True)
    # Stored first, acted on after: a report whose processing failed keeps its error here
    # and is processed again (channels.tasks), never lost.
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "kind", "occurred_at"]),
            models.Index(
                fields=["received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="channel_event_unprocessed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.recipient}"


class SenderPace(models.Model):
    """When a sender (a phone number, a messaging service) may send its next message.

    Every worker reserves its sends here before calling the provider, so a sender's rate
    holds across workers (channels/sms/pace.py)."""

    sender = models.CharField(max_length=64, unique=True)
    next_free = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.sender} free at {self.next_free:%H:%M:%S.%f}"


class BatchStatus(models.TextChoices):
    OPEN = "open", "Collecting letters"
    CLOSED = "closed", "Ready to print"
    MAILED = "mailed", "Mailed"


class PrintBatch(models.Model):
    """Letters printed and mailed together. Closing it fixes what is printed (later letters
    start the next batch), so what is marked mailed is exactly what was printed."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    mailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"], condition=models.Q(status="open"), name="one_open_batch"
            )
        ]

    def __str__(self) -> str:
        return f"print batch {self.pk} ({self.status})"


class Letter(models.Model):
    """One letter of a sequence's letter step, in a print batch."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="letters")
    batch = models.ForeignKey(PrintBatch, on_delete=models.CASCADE, related_name="letters")
    key = models.CharField(max_length=100, unique=True, help_text="The step it stands for.")
    source = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=500, help_text="One line, as the contact point holds it.")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resumed_at = models.DateTimeField(null=True, blank=True, help_text="The sequence moved on.")

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"letter to {self.name}"


class InboundMessage(models.Model):
    """A message a person sent us (a text, an email reply), stored as it came before anything
    reads it (DESIGN rule 4). ``provider_id`` (Twilio's MessageSid, an email's Message-ID) is
    unique, so a webhook retried or a mailbox read twice stores it once. Reading it (who it
    is from, what it says) happens after, and a failure there keeps the error here."""

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    provider = models.CharField(max_length=30)
    provider_id = models.CharField(max_length=300, unique=True)
    from_value = models.CharField(max_length=320)
    to_value = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    raw = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "-received_at"]),
            models.Index(
                fields=["received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="inbound_unprocessed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} from {self.from_value}"
