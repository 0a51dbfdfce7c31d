"""Reads for campaign pages and the `campaign report` command."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from reactivate.campaigns.audience import audience_split
from reactivate.campaigns.models import Campaign, Enrollment, Step
from reactivate.campaigns.sequences import step_problems
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.leads.models import Lead


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


@dataclass
class LaunchPreview:
    """What launching a draft would do, for the confirmation a person reads before it."""

    contacted: int
    held: int
    value: Decimal
    steps: list[tuple[Step, list[str], list[str]]]  # step, failures, warnings
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def audience(self) -> int:
        return self.contacted + self.held


def launch_preview(campaign: Campaign, now: datetime) -> LaunchPreview:
    contacted, held = audience_split(campaign, limit=campaign.pilot_size, now=now)
    value = Lead.objects.filter(pk__in=contacted).aggregate(v=Sum("estimated_value"))["v"]
    steps = []
    for step in campaign.sequence.steps.select_related("template", "variant").order_by("position"):
        failures, warnings = step_problems(step)
        steps.append((step, failures, warnings))
    return LaunchPreview(
        contacted=len(contacted),
        held=len(held),
        value=value or Decimal(0),
        steps=steps,
        failures=[f for _, fs, _ in steps for f in fs],
        warnings=[w for _, _, ws in steps for w in ws],
    )
