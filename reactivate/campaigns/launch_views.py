"""Launching knowingly: what will go out, to how many people, from when, then a confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from reactivate.campaigns.models import Campaign, CampaignStatus
from reactivate.campaigns.selectors import launch_preview
from reactivate.campaigns.services import CampaignError, campaign_launch
from reactivate.campaigns.simulate import simulate
from reactivate.channels.email.deliverability import segment_deliverability
from reactivate.channels.models import ChannelConfig
from reactivate.tenancy.access import practice_view


@practice_view(edit=True)
def campaign_review(request, campaign_id: int):
    campaign = get_object_or_404(
        Campaign.objects.select_related("segment", "sequence"),
        practice=request.practice,
        pk=campaign_id,
    )
    if campaign.status != CampaignStatus.DRAFT:
        return redirect("campaign_forecast", slug=request.practice.slug, campaign_id=campaign.pk)
    now = timezone.now()
    preview = launch_preview(campaign, now)
    error = ""
    if request.method == "POST":
        if preview.failures:
            error = "Fix the messages that fail the linter first."
        elif request.POST.get("confirm") != "yes":
            error = "Tick the confirmation to launch."
        elif preview.warnings and request.POST.get("warnings") != "accepted":
            error = "Read the lint warnings and accept them to launch."
        else:
            try:
                enrolled, held = campaign_launch(campaign=campaign, actor=request.user, now=now)
            except CampaignError as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    f"{campaign.name} launched: {enrolled} leads enrolled, {held} held out. "
                    "The first messages are in the outbox as they go.",
                )
                return redirect("campaign_index", slug=request.practice.slug)
    forecast = simulate(campaign, now)
    context = {
        "campaign": campaign,
        "preview": preview,
        "forecast": forecast,
        "error": error,
        "deliverability": _deliverability(campaign, now),
    }
    return render(request, "campaigns/review.html", context)


def _deliverability(campaign: Campaign, now):
    """The seed's "verify email deliverability", once email really goes out: the sandbox
    reaches nobody, so there is nothing to verify (and no DNS to ask)."""
    real = ChannelConfig.objects.filter(practice=campaign.practice, channel="email").exclude(
        provider="sandbox"
    )
    return segment_deliverability(campaign.segment, now) if real.exists() else None
