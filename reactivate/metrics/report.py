"""The metrics report as plain data: the dashboard, the CSV and `reactivate metrics --json`
all render this one dict."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from reactivate.campaigns.models import Campaign
from reactivate.campaigns.selectors import campaign_source
from reactivate.followups.selectors import speed_to_human
from reactivate.metrics import definitions as d
from reactivate.metrics.diagnosis import diagnose
from reactivate.metrics.facts import Facts, load_scopes, version_reach
from reactivate.segments.assessment import database_health
from reactivate.tenancy.models import Practice


def share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def money(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def metrics(practice: Practice, campaign: Campaign | None = None, *, now: datetime | None = None,
            breakdowns: bool = False) -> dict:  # fmt: skip
    """The program's figures for the practice, or for one of its campaigns."""
    now = now or timezone.now()
    scopes = {"report": [campaign] if campaign else None}
    launched = []
    if breakdowns:
        launched = list(Campaign.objects.filter(practice=practice, launched_at__isnull=False)
                        .select_related("segment").order_by("-launched_at"))  # fmt: skip
        scopes |= {("campaign", c.pk): [c] for c in launched}
        for c in launched:
            scopes.setdefault(("segment", c.segment.name), []).append(c)
    loaded = load_scopes(practice, scopes)
    facts = loaded["report"]
    report = funnel(facts)
    quality, health = database_health(practice, now)
    sources = [campaign_source(campaign.pk)] if campaign else None
    speed = speed_to_human(practice, sources=sources)
    lifts = d.lifts(facts)
    report.update(
        practice=practice.slug,
        campaign=campaign.name if campaign else None,
        generated_at=now.isoformat(timespec="seconds"),
        new_lead_time_to_conversion_days=d.new_lead_time_to_conversion(facts),
        health_score=health["score"],
        health_trend=health["trend"],
        speed_to_human_minutes=speed.median,
        replies_waiting=speed.waiting,
        lift=lifts.reactivation.as_dict() | {"in_words": lifts.reactivation.in_words()},
        booking_lift=lifts.booking.as_dict() | {"in_words": lifts.booking.in_words("bookings")},
        incremental_bookings=lifts.incremental_bookings,
        incremental_revenue=money(lifts.incremental_revenue),
    )
    report["diagnosis"] = diagnose(practice, report, quality, [campaign] if campaign else None)
    if breakdowns:
        report["breakdowns"] = breakdown_all(facts, launched, loaded)
    return report


def funnel(facts: Facts) -> dict:
    """Contacted → responded → reactivated → pipeline, and what it cost."""
    touched = d.contacted(facts)
    answered = d.responded(facts)
    back = d.reactivated(facts)
    cost = d.program_cost(facts, d.costs_of(facts.practice))
    per_back = d.cost_per_reactivated_lead(cost, back)
    per_new = d.cost_per_new_lead(facts.practice)
    return {
        "contacted": len(touched),
        "responded": len(answered),
        "response_rate": share(len(answered), len(touched)),
        "reactivated": len(back),
        "reactivation_rate": share(len(back), len(touched)),
        "reactivation_of_responses": share(len(back), len(answered)),
        "pipeline_value": money(d.pipeline_value(facts, back)),
        "sent": facts.sent,
        "cost": {
            "messages": money(cost.messages),
            "staff": money(cost.staff),
            "fixed": money(cost.fixed),
            "total": money(cost.total),
            "replies_handled": cost.replies_handled,
            # messages costed at the provider's reported price rather than the practice's
            "priced_by_provider": sum(n for n, _ in facts.reported.values()),
        },
        "cost_per_reactivated_lead": money(per_back),
        "cost_per_new_lead": money(per_new),
        "cost_multiple": round(float(per_new / per_back), 1) if per_back and per_new else None,
        "time_to_conversion_days": d.time_to_conversion(facts, back),
    }


def rows(facts: Facts, key) -> list[dict]:
    """Contacted, responded and reactivated leads grouped by key(lead, touch)."""
    answered, back = d.responded(facts), d.reactivated(facts)
    groups: dict = {}
    for lead, touch in facts.touched.items():
        for value in key(lead, touch):
            n = groups.setdefault(value, [0, 0, 0])
            n[0] += 1
            n[1] += lead in answered
            n[2] += lead in back
    return [
        {"group": value, "contacted": c, "responded": r, "response_rate": share(r, c),
         "reactivated": b, "reactivation_rate": share(b, c)}
        for value, (c, r, b) in sorted(groups.items(), key=lambda kv: (-kv[1][0], str(kv[0])))
    ]  # fmt: skip


def credited(facts: Facts, lead: int, replied: datetime) -> tuple[int, int | None] | None:
    """(step, template version) of the message that was the last to go before the lead's
    first reply."""
    before = [(at, step, version) for at, step, version in facts.steps.get(lead, ())
              if at and at <= replied]  # fmt: skip
    return max(before, key=lambda m: m[0])[1:] if before else None


def by_version(facts: Facts, answered: dict[int, datetime]) -> list[dict]:
    """Leads each wording went to, and the responses it was the last message before."""
    responses: dict[int, int] = {}
    for lead, replied in answered.items():
        found = credited(facts, lead, replied)
        if found and found[1] is not None:
            responses[found[1]] = responses.get(found[1], 0) + 1
    reach = version_reach(facts.practice, facts.campaigns or None)
    return [
        {"group": f"{name} v{number}", "leads": leads, "responses": responses.get(pk, 0),
         "response_rate": share(responses.get(pk, 0), leads)}
        for pk, name, number, leads in sorted(reach, key=lambda r: (r[1], r[2]))
    ]  # fmt: skip


def breakdown_all(facts: Facts, launched: list[Campaign], loaded: dict) -> dict:
    answered = d.responded(facts)
    steps: dict[int, int] = {}
    for lead, replied in answered.items():
        found = credited(facts, lead, replied)
        if found and found[0]:
            steps[found[0]] = steps.get(found[0], 0) + 1
    segments = [key[1] for key in loaded if isinstance(key, tuple) and key[0] == "segment"]
    return {
        "channel": rows(facts, lambda lead, t: sorted(t.channels)),
        "first_channel": rows(facts, lambda lead, t: [t.channel]),
        "dormancy_reason": rows(facts, lambda lead, t: [t.dormancy]),
        "cycle": rows(facts, lambda lead, t: [t.cycle]),
        "step": [
            {"group": step, "responses": n, "share": share(n, len(answered))}
            for step, n in sorted(steps.items())
        ],
        "template_version": by_version(facts, answered),
        "campaign": [{"group": c.name, **_compact(loaded[("campaign", c.pk)])} for c in launched],
        "segment": [{"group": name, **_compact(loaded[("segment", name)])} for name in segments],
    }


def _compact(facts: Facts) -> dict:
    figures = funnel(facts)
    lifts = d.lifts(facts)
    keep = ("contacted", "responded", "response_rate", "reactivated", "reactivation_rate",
            "pipeline_value", "cost_per_reactivated_lead")  # fmt: skip
    return {key: figures[key] for key in keep} | {
        "lift": lifts.reactivation.difference and round(lifts.reactivation.difference, 4),
        "lift_significant": lifts.reactivation.significant,
    }
