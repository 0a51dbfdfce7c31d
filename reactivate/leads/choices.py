"""Closed vocabularies for leads. Stored values are stable; labels are what people read."""

from django.db import models


class Stage(models.TextChoices):
    """How far the lead got before stalling, in order: later stages are warmer."""

    FORM = "form", "Form filled"
    INFO_REQUEST = "info_request", "Info requested"
    CONSULTATION = "consultation", "Consultation attended"
    TREATMENT_PLAN = "treatment_plan", "Treatment plan received"


STAGE_ORDER = {stage: rank for rank, stage in enumerate(Stage)}


class LeadStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    STALLED = "stalled", "Stalled"
    IN_SEQUENCE = "in_sequence", "In sequence"
    RESPONDED = "responded", "Responded"
    REACTIVATED = "reactivated", "Reactivated"
    SCHEDULED = "scheduled", "Scheduled"
    CONVERTED = "converted", "Converted"
    CLOSED = "closed", "Closed"
    DO_NOT_CONTACT = "do_not_contact", "Do not contact"
    UNREACHABLE = "unreachable", "Unreachable"


class DormancyReason(models.TextChoices):
    """Why the lead went quiet (seed: timing, paralysis, competitor, circumstances, process)."""

    TIMING = "timing", "Timing"
    PRICE = "price", "Price"
    COMPETITOR = "competitor", "Competitor"
    PARALYSIS = "paralysis", "Decision paralysis"
    CIRCUMSTANCES = "circumstances", "Changed circumstances"
    PROCESS_FAILURE = "process_failure", "Our process failed"
    UNKNOWN = "unknown", "Unknown"


class ContactKind(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    ADDRESS = "address", "Postal address"


class Validity(models.TextChoices):
    VALID = "valid", "Valid"
    INVALID = "invalid", "Invalid"
    BOUNCED = "bounced", "Bounced"
    DISCONNECTED = "disconnected", "Disconnected"
    UNKNOWN = "unknown", "Unknown"


class LineType(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    LANDLINE = "landline", "Landline"
    VOIP = "voip", "VoIP"
    UNKNOWN = "unknown", "Unknown"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    CALL = "call", "Phone call"
    LETTER = "letter", "Letter"


# Which channels each kind of contact point can carry.
CHANNELS_FOR_KIND = {
    ContactKind.EMAIL: (Channel.EMAIL,),
    ContactKind.PHONE: (Channel.SMS, Channel.CALL),
    ContactKind.ADDRESS: (Channel.LETTER,),
}


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", "Granted"
    REVOKED = "revoked", "Revoked"
    UNKNOWN = "unknown", "Unknown"


class InteractionKind(models.TextChoices):
    MESSAGE_OUT = "message_out", "Message sent"
    MESSAGE_IN = "message_in", "Reply received"
    CALL = "call", "Call"
    NOTE = "note", "Note"
    STATUS_CHANGE = "status_change", "Status changed"
    CONSENT_CHANGE = "consent_change", "Consent changed"
    CONTACT_CHANGE = "contact_change", "Contact point changed"
    IMPORT = "import", "Imported"
    MERGE = "merge", "Merged"
    BOOKING = "booking", "Booking"


class OpportunityStage(models.TextChoices):
    BOOKED = "booked", "Consultation booked"
    ATTENDED = "attended", "Attended"
    PLAN_ACCEPTED = "plan_accepted", "Plan accepted"
    WON = "won", "Won (treatment started)"
    LOST = "lost", "Lost"


class SuppressionReason(models.TextChoices):
    OPT_OUT = "opt_out", "Opted out"
    COMPLAINT = "complaint", "Spam complaint"
    BOUNCE = "bounce", "Hard bounce"
    ANGRY = "angry", "Asked not to be contacted"
    LEGAL = "legal", "Legal request"
    MANUAL = "manual", "Added by staff"
