"""The lead's page, the whole story: what they are worth and why, how to reach them, where
their campaign stands and why the next step waits, every message, reply, call and note;
and the quick actions (log a call, book, snooze, close, do not contact, what was learned)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.followups.models import CallOutcome, FollowUp, FollowUpKind, TaskStatus
from reactivate.followups.services import CallError, call_log_adhoc
from reactivate.followups.work import WorkError, followups_close_for, lead_snooze
from reactivate.leads.choices import ContactKind, LeadStatus, OpportunityStage
from reactivate.leads.forms import LanguageForm, NoteForm, StatusForm
from reactivate.leads.models import Interaction, Opportunity
from reactivate.leads.selectors import lead_get, lead_suppressed_values
from reactivate.leads.services import lead_mark_do_not_contact, lead_set_status
from reactivate.tenancy.access import practice_view
from reactivate.workspace.answering import latest_reply
from reactivate.workspace.booking import BookingError, consultation_book, invite, opportunity_move
from reactivate.workspace.notes import TIMELINES, Notes, lead_notes_save, lead_requalify


@practice_view()
def lead_page(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    audit_record(practice=request.practice, actor=request.user, action=AuditAction.LEAD_VIEWED,
                 obj=lead)  # fmt: skip
    return render(request, "workspace/lead.html", _context(request, lead))


def _context(request: HttpRequest, lead) -> dict:
    points = list(lead.contact_points.prefetch_related("consents"))
    suppressed = lead_suppressed_values(practice=request.practice, lead=lead)
    for point in points:
        point.suppressed = (point.kind, point.value) in suppressed
    return {
        "lead": lead, "now": timezone.now(), "points": points,
        "phones": [p for p in points if p.kind == ContactKind.PHONE],
        "enrollments": lead.enrollments.select_related("campaign").order_by("-enrolled_at")[:10],
        "timeline": Interaction.objects.filter(lead=lead).select_related("actor")[:200],
        "followups": FollowUp.objects.filter(lead=lead, status=TaskStatus.OPEN)
        .select_related("assignee").order_by("due_at"),
        "requalify": FollowUp.objects.filter(lead=lead, status=TaskStatus.OPEN,
                                             kind=FollowUpKind.REQUALIFY).exists(),
        "opportunities": Opportunity.objects.filter(lead=lead),
        "reply": latest_reply(lead), "outcomes": CallOutcome.choices,
        "stages": OpportunityStage.choices, "timelines": TIMELINES,
        "note_form": NoteForm(), "status_form": StatusForm(initial={"status": lead.status}),
        "language_form": LanguageForm(initial={"preferred_language": lead.preferred_language}),
    }  # fmt: skip


def _done(request: HttpRequest, lead, text: str, error: bool = False) -> HttpResponse:
    (messages.error if error else messages.success)(request, text)
    return redirect("lead_detail", slug=request.practice.slug, lead_id=lead.pk)


@require_POST
@practice_view(edit=True)
def lead_call(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    phone = request.POST.get("phone", "")
    if not lead.contact_points.filter(kind=ContactKind.PHONE, value=phone).exists():
        return _done(request, lead, "Pick one of the lead's numbers.", error=True)
    try:
        call_log_adhoc(lead=lead, phone=phone, outcome=request.POST.get("outcome", ""),
                       actor=request.user, note=request.POST.get("note", ""))  # fmt: skip
    except CallError as exc:
        return _done(request, lead, str(exc), error=True)
    label = CallOutcome(request.POST["outcome"]).label.lower()
    return _done(request, lead, f"Call logged: {label}.")


@require_POST
@practice_view(edit=True)
def lead_book(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    when = _moment(request, request.POST.get("date", ""), request.POST.get("time", "") or "09:00")
    if when is None:
        return _done(request, lead, "Give the consultation's date and time.", error=True)
    try:
        _, confirmation = consultation_book(
            lead=lead, actor=request.user, when=when, value=request.POST.get("value"),
            treatment=request.POST.get("treatment", ""), confirm_by=request.POST.get("confirm", ""),
        )  # fmt: skip
    except BookingError as exc:
        return _done(request, lead, str(exc), error=True)
    return _done(request, lead, f"Consultation booked for {when:%a %-d %b %H:%M}. {confirmation}")


@require_POST
@practice_view(edit=True)
def opportunity_stage(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(Opportunity, pk=pk, practice=request.practice)
    lead = lead_get(practice=request.practice, lead_id=opportunity.lead_id)
    try:
        opportunity_move(opportunity=opportunity, stage=request.POST.get("stage", ""),
                         actor=request.user)  # fmt: skip
    except BookingError as exc:
        return _done(request, lead, str(exc), error=True)
    return _done(request, lead, f"Opportunity: {opportunity.get_stage_display().lower()}.")


@practice_view()
def opportunity_ics(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(Opportunity, pk=pk, practice=request.practice,
                                    consultation_at__isnull=False)  # fmt: skip
    lead = lead_get(practice=request.practice, lead_id=opportunity.lead_id)
    response = HttpResponse(invite(opportunity, lead), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="consultation-{pk}.ics"'
    return response


@require_POST
@practice_view(edit=True)
def lead_snooze_view(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    until = _moment(request, request.POST.get("until", ""), "09:30")
    if until is None:
        return _done(request, lead, "Pick the date to come back to this lead.", error=True)
    try:
        lead_snooze(lead=lead, until=until, actor=request.user, note=request.POST.get("note", ""))
    except WorkError as exc:
        return _done(request, lead, str(exc), error=True)
    return _done(
        request, lead, f"Snoozed until {until:%-d %b %Y}; it comes back on the worklist then."
    )


@require_POST
@practice_view(edit=True)
def lead_close(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return _done(request, lead, "Say why the record is closed.", error=True)
    if request.POST.get("dnc"):
        lead_mark_do_not_contact(lead=lead, actor=request.user, source=reason)
    else:
        lead_set_status(lead=lead, actor=request.user, status=LeadStatus.CLOSED, reason=reason)
    followups_close_for(lead=lead, actor=request.user, why="closed")
    return _done(request, lead, "Do not contact: every channel stopped." if request.POST.get("dnc")
                 else "Record closed.")  # fmt: skip


@require_POST
@practice_view(edit=True)
def lead_requalify_view(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    try:
        lead_requalify(lead=lead, actor=request.user, note=request.POST.get("note", ""))
    except ValueError as exc:
        return _done(request, lead, str(exc), error=True)
    return _done(request, lead, "Re-qualified: back in conversation, its sequence stopped. "
                 "Book the consultation when they are ready.")  # fmt: skip


@require_POST
@practice_view(edit=True)
def lead_notes(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    budget = None
    if request.POST.get("budget", "").strip():
        try:
            budget = Decimal(request.POST["budget"].replace(",", "").replace("$", "").strip())
        except InvalidOperation:
            return _done(request, lead, "The budget should be an amount.", error=True)
    notes = Notes(timeline=request.POST.get("timeline", ""), budget=budget,
                  decision_maker=request.POST.get("decision_maker", ""),
                  circumstances=request.POST.get("circumstances", ""))  # fmt: skip
    try:
        lead_notes_save(lead=lead, actor=request.user, notes=notes)
    except ValueError as exc:
        return _done(request, lead, str(exc), error=True)
    return _done(request, lead, "Saved; the lead's priority is worked out again.")


def _moment(request: HttpRequest, day: str, at: str) -> datetime | None:
    try:
        parsed_day = datetime.strptime(day, "%Y-%m-%d").date()
        parsed_time = time.fromisoformat(at)
    except ValueError:
        return None
    return datetime.combine(parsed_day, parsed_time, ZoneInfo(request.practice.timezone))
