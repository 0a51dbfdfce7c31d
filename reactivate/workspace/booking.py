"""Booking a consultation from the lead's page: an ``Opportunity`` with its value, date and
stage, the lead moved to *scheduled*, its automated steps stopped and its tasks done, and
if asked a confirmation with a calendar invite (.ics), sent through the gate.

The invite names the practice and the time, not the treatment: a calendar entry is read
on lock screens and shared calendars (the same rule as PHI-safe messages).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.stops import stop_for_lead
from reactivate.channels.direct import Attachment, Held, send_to_lead
from reactivate.followups.work import followups_close_for
from reactivate.leads.choices import InteractionKind, LeadStatus, OpportunityStage
from reactivate.leads.models import Interaction, Lead, Opportunity
from reactivate.leads.services import lead_set_status
from reactivate.messaging.fields import practice_values

CONSULTATION = timedelta(minutes=45)
CLOSED = (OpportunityStage.WON, OpportunityStage.LOST)


class BookingError(ValueError):
    pass


def consultation_book(
    *, lead: Lead, actor: AbstractBaseUser, when: datetime, value: str | Decimal | None = None,
    treatment: str = "", confirm_by: str = "",
) -> tuple[Opportunity, str]:  # fmt: skip
    """Book it; (the opportunity, what happened to the confirmation in words)."""
    if lead.status in (LeadStatus.DO_NOT_CONTACT, LeadStatus.CONVERTED):
        raise BookingError(f"The lead is {lead.get_status_display().lower()}.")
    amount = _amount(value, lead)
    with transaction.atomic():
        opportunity = Opportunity.objects.create(
            practice_id=lead.practice_id, lead=lead, value=amount, consultation_at=when,
            treatment=(treatment or lead.treatment)[:100], created_by=actor,
        )  # fmt: skip
        stop_for_lead(lead, "consultation booked")
        followups_close_for(lead=lead, actor=actor, why="booked")
        local = timezone.localtime(when, _zone(lead))
        Interaction.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=InteractionKind.BOOKING, actor=actor,
            summary=f"Consultation booked for {local:%a %d %b %Y %H:%M} (${amount:,.0f})",
            occurred_at=timezone.now(), data={"opportunity": opportunity.pk},
        )  # fmt: skip
        lead_set_status(lead=lead, actor=actor, status=LeadStatus.SCHEDULED,
                        reason="consultation booked")  # fmt: skip
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.OPPORTUNITY_OPENED,
                     obj=opportunity, detail={"lead": lead.pk, "value": str(amount)})  # fmt: skip
    return opportunity, _confirm(opportunity, lead, actor, confirm_by) if confirm_by else ""


def opportunity_move(
    *, opportunity: Opportunity, stage: str, actor: AbstractBaseUser
) -> Opportunity:
    if stage not in OpportunityStage.values:
        raise BookingError(f"Unknown stage {stage!r}.")
    if opportunity.stage in CLOSED:
        raise BookingError("That opportunity is already closed.")
    with transaction.atomic():
        before = opportunity.stage
        opportunity.stage = stage
        opportunity.closed_at = timezone.now() if stage in CLOSED else None
        opportunity.save(update_fields=["stage", "closed_at", "updated_at"])
        lead = Lead.objects.select_related("practice").get(pk=opportunity.lead_id)
        Interaction.objects.create(
            practice_id=lead.practice_id, lead=lead, kind=InteractionKind.BOOKING, actor=actor,
            summary=f"Opportunity: {OpportunityStage(stage).label.lower()}",
            occurred_at=timezone.now(), data={"opportunity": opportunity.pk, "from": before},
        )  # fmt: skip
        if stage == OpportunityStage.WON:
            lead_set_status(lead=lead, actor=actor, status=LeadStatus.CONVERTED,
                            reason="treatment started")  # fmt: skip
        audit_record(practice=lead.practice, actor=actor, action=AuditAction.OPPORTUNITY_CHANGED,
                     obj=opportunity, detail={"from": before, "to": stage})  # fmt: skip
    return opportunity


def invite(opportunity: Opportunity, lead: Lead) -> bytes:
    """The consultation as an RFC 5545 calendar invite."""
    values = practice_values(lead.practice)
    calendar = Calendar()
    calendar.add("prodid", "-//reactivate//consultation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"opportunity-{opportunity.pk}@reactivate")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", opportunity.consultation_at)
    event.add("dtend", opportunity.consultation_at + CONSULTATION)
    event.add("summary", f"Consultation at {values['practice_name']}")
    if values["practice_address"]:
        event.add("location", values["practice_address"])
    if values["practice_phone"]:
        event.add("description", f"To change the time, call {values['practice_phone']}.")
    calendar.add_component(event)
    return calendar.to_ical()


def _confirm(opportunity: Opportunity, lead: Lead, actor, channel: str) -> str:
    local = timezone.localtime(opportunity.consultation_at, _zone(lead))
    values = practice_values(lead.practice)
    when = f"{local:%A %-d %B at %-I:%M %p}"
    first = lead.first_name or "there"
    reach = values["practice_phone"] or "us"
    body = (f"Hi {first}, you're booked for a consultation at {values['practice_name']} on "
            f"{when}. To change it, reply here or call {reach}.")  # fmt: skip
    files: tuple[Attachment, ...] = ()
    subject = ""
    if channel == "email":
        subject = f"Your consultation on {local:%-d %B}"
        body += f"\n\n{values['practice_name']} · {values['practice_address']}"
        files = (Attachment("consultation.ics", invite(opportunity, lead), "text/calendar"),)
    try:
        send_to_lead(lead=Lead.objects.select_related("practice").get(pk=lead.pk),
                     channel=channel, body=body, subject=subject, actor=actor,
                     source="booking-confirmation", attachments=files)  # fmt: skip
    except Held as exc:
        return f"Confirmation not sent: {exc}"
    return f"Confirmation sent by {'email with a calendar invite' if files else 'text'}."


def _amount(value, lead: Lead) -> Decimal:
    if value in (None, ""):
        return Decimal(lead.estimated_value or 0)
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation as exc:
        raise BookingError(f"{value!r} is not an amount.") from exc
    if amount < 0:
        raise BookingError("The value cannot be negative.")
    return amount


def _zone(lead: Lead) -> ZoneInfo:
    return ZoneInfo(lead.practice.timezone)
