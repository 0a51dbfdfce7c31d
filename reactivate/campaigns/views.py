from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reactivate.campaigns.models import Campaign, Enrollment, Sequence
from reactivate.campaigns.selectors import campaign_reports
from reactivate.campaigns.services import (
    CampaignError,
    campaign_create,
    campaign_pause,
    campaign_resume,
    campaign_scale,
    resolve_uncertain,
    starter_sequence,
    stop_enrollment,
)
from reactivate.campaigns.simulate import simulate
from reactivate.channels.models import InboundMessage, OutboundMessage, OutboundStatus
from reactivate.segments.models import Segment
from reactivate.tenancy.access import practice_view

OUTBOX_ROWS = 100


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=120)
    segment = forms.ModelChoiceField(queryset=Segment.objects.none(), label="Audience (segment)")
    sequence = forms.ModelChoiceField(
        queryset=Sequence.objects.none(),
        required=False,
        empty_label="The starter playbook",
        help_text="Build your own under Sequences; the campaign keeps the version it launches.",
    )
    pilot_size = forms.IntegerField(
        min_value=1,
        required=False,
        label="Pilot size",
        help_text="Contact only this many of the best leads first. Blank: the whole segment.",
    )
    holdout_percent = forms.IntegerField(
        min_value=0,
        max_value=50,
        initial=10,
        label="Holdout (%)",
        help_text="Leads never contacted, to measure the lift. With a pilot they come in "
        "addition to it: a pilot of 100 and 10% holds out 11 more, equally good leads.",
    )
    sender_name = forms.CharField(
        max_length=100,
        required=False,
        help_text="Who the messages are from, e.g. “Dana at North Dental”.",
    )
    email_per_day = forms.IntegerField(min_value=0, required=False, label="Emails a day (at most)")
    sms_per_day = forms.IntegerField(min_value=0, required=False, label="Texts a day (at most)")
    call_per_day = forms.IntegerField(min_value=0, required=False, label="Calls a day (at most)")
    letter_per_day = forms.IntegerField(
        min_value=0, required=False, label="Letters a day (at most)"
    )

    def budget(self) -> dict:
        return {
            channel: self.cleaned_data[f"{channel}_per_day"]
            for channel in ("email", "sms", "call", "letter")
            if self.cleaned_data.get(f"{channel}_per_day") is not None
        }

    def __init__(self, *args, practice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.filter(practice=practice)
        self.fields["sequence"].queryset = Sequence.objects.filter(
            practice=practice, parent__isnull=True
        )


@practice_view(edit=True)
def campaign_index(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = CampaignForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                practice=practice,
                name=data["name"],
                segment=data["segment"],
                sequence=data["sequence"] or starter_sequence(practice, request.user),
                pilot_size=data["pilot_size"],
                holdout_percent=data["holdout_percent"],
                sender_name=data["sender_name"],
                daily_budget=form.budget(),
                actor=request.user,
            )
        except IntegrityError:
            form.add_error("name", "There is already a campaign with this name.")
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("campaign_review", slug=practice.slug, campaign_id=campaign.pk)
    listed = list(
        Campaign.objects.filter(practice=practice).select_related("segment").order_by("-created_at")
    )
    reports = campaign_reports(listed)
    campaigns = [(c, reports[c.pk]) for c in listed]
    return render(request, "campaigns/index.html", {"form": form, "campaigns": campaigns})


# Launching goes through the confirmation page (launch_views.campaign_review).
ACTIONS = {
    "pause": campaign_pause,
    "resume": campaign_resume,
    "scale": campaign_scale,
}


@require_POST
@practice_view(edit=True)
def campaign_action(request: HttpRequest, campaign_id: int, verb: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, practice=request.practice, pk=campaign_id)
    if verb not in ACTIONS:
        return HttpResponse("Unknown action.", status=404)
    try:
        ACTIONS[verb](campaign=campaign, actor=request.user)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        campaign.refresh_from_db(fields=["status"])
        messages.success(request, f"{campaign.name}: {campaign.get_status_display().lower()}.")
    return redirect("campaign_index", slug=request.practice.slug)


@practice_view()
def campaign_forecast(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, practice=request.practice, pk=campaign_id)
    return render(
        request, "campaigns/forecast.html", {"campaign": campaign, "forecast": simulate(campaign)}
    )


@practice_view(edit=True)
def outbox(request: HttpRequest) -> HttpResponse:
    """The sandbox channel's outbox: what went out, and a way to answer as the lead."""
    rows = list(
        OutboundMessage.objects.filter(practice=request.practice)
        .select_related("lead")
        .order_by("-created_at", "-id")[:OUTBOX_ROWS]
    )
    # A row is answered when its lead wrote back after it went out.
    latest = dict(
        InboundMessage.objects.filter(practice=request.practice,
                                      lead_id__in={m.lead_id for m in rows})
        .values("lead_id").annotate(at=Max("received_at")).values_list("lead_id", "at")
    )  # fmt: skip
    for message in rows:
        at = latest.get(message.lead_id)
        message.answered = bool(at and at >= (message.sent_at or message.created_at))
    return render(request, "campaigns/outbox.html", {"rows": rows})


@require_POST
@practice_view(edit=True)
def outbox_resolve(request: HttpRequest, message_id: int) -> HttpResponse:
    """A person says whether a send left in doubt by a dead worker reached the lead."""
    message = get_object_or_404(
        OutboundMessage, practice=request.practice, pk=message_id, status=OutboundStatus.UNCERTAIN
    )
    went_out = request.POST.get("went_out") == "yes"
    try:
        resolve_uncertain(message=message, went_out=went_out, actor=request.user)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Marked as sent; {message.lead}'s sequence moves on."
            if went_out
            else f"Queued again; it goes to {message.lead} at the next allowed moment.",
        )
    return redirect("outbox", slug=request.practice.slug)


@require_POST
@practice_view(edit=True)
def enrollment_stop(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment, practice=request.practice, pk=enrollment_id)
    try:
        stop_enrollment(enrollment=enrollment, actor=request.user)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Sequence stopped; no more automated messages in it.")
    return redirect("lead_detail", slug=request.practice.slug, lead_id=enrollment.lead_id)
