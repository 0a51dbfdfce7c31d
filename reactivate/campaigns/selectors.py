"""Reads for campaign pages and the `campaign report` command."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from reactivate.campaigns.models import Campaign, Enrollment
from reactivate.channels.models import OutboundMessage, OutboundStatus


def campaign_source(campaign_id: int) -> str:
    """What the engine writes in OutboundMessage.source for this campaign's sends."""
    return f"campaign-{campaign_id}"


def campaign_reports(campaigns: list[Campaign]) -> dict[int, dict]:
    """Each campaign's enrolments by status and its own sends by channel, in two queries
    whatever the number of campaigns. Sends are counted from the campaign's own outbox rows:
    a lead in two campaigns counts its messages once, in the campaign that sent them."""
    ids = [c.pk for c in campaigns]
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    for campaign_id, status, n in (
        Enrollment.objects.filter(campaign_id__in=ids)
        .values_list("campaign_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_status[campaign_id][status] = n
    sent: dict[int, dict[str, int]] = defaultdict(dict)
    uncertain: dict[int, int] = defaultdict(int)
    owner = {campaign_source(pk): pk for pk in ids}
    for source, channel, status, n in (
        OutboundMessage.objects.filter(source__in=list(owner))
        .values_list("source", "channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if status == OutboundStatus.SENT:
            sent[owner[source]][channel] = n
        elif status == OutboundStatus.UNCERTAIN:
            uncertain[owner[source]] += n
    return {
        c.pk: {
            "campaign": c.name,
            "status": c.status,
            "enrolled": sum(by_status[c.pk].values()),
            "by_status": by_status[c.pk],
            "sent_by_channel": sent[c.pk],
            "uncertain": uncertain[c.pk],
        }
        for c in campaigns
    }


def campaign_report(campaign: Campaign) -> dict:
    return campaign_reports([campaign])[campaign.pk]
