"""What happens next for one enrolment: a pure decision, and when a step falls due.

``decide_next`` is pure: given an enrolment's position, the sequence's steps, what is known of
the lead and the send-time gate's answer, it returns send, wait, skip, stop or finish. The
engine (engine.py, batch.py) carries the decision out; the forecast (simulate.py) walks the
same rules on paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from reactivate.campaigns.models import Step, WaitUnit
from reactivate.leads.choices import LeadStatus
from reactivate.leads.consent import Decision

# A reply, a booking or any of these ends every automated step (DESIGN rule 3).
STOP_STATUSES = {
    LeadStatus.RESPONDED: "the lead replied",
    LeadStatus.REACTIVATED: "the lead is back in conversation",
    LeadStatus.SCHEDULED: "the lead booked",
    LeadStatus.CONVERTED: "the lead converted",
    LeadStatus.CLOSED: "the lead's file is closed",
    LeadStatus.DO_NOT_CONTACT: "the lead asked not to be contacted",
    LeadStatus.UNREACHABLE: "the lead cannot be reached",
}


@dataclass(frozen=True)
class StepSpec:
    channel: str
    min_value: Decimal | None
    closing: bool
    stages: tuple[str, ...] = ()
    needs_phone: bool = False


@dataclass(frozen=True)
class Action:
    kind: str  # send, wait, skip, stop, finish
    reason: str
    at: datetime | None = None


def decide_next(
    *,
    position: int,
    steps: list[StepSpec],
    lead_status: str,
    lead_value: Decimal | None,
    replied: bool,
    lead_stage: str = "",
    gate: Decision | None,
    reachable: bool = True,
    has_phone: bool = True,
) -> Action:
    """What to do for an enrolment now. ``gate`` is can_contact for the step's channel;
    ``reachable`` says whether any channel at all may still reach the lead."""
    if replied:
        return Action("stop", "the lead replied")
    if lead_status in STOP_STATUSES:
        return Action("stop", STOP_STATUSES[LeadStatus(lead_status)])
    if not reachable:
        return Action("stop", "no valid contact point left (opted out, bounced or invalid)")
    if position >= len(steps):
        return Action("finish", "the sequence is complete")
    step = steps[position]
    if step.min_value is not None and (lead_value or 0) < step.min_value:
        return Action("skip", f"step {position + 1} is for leads worth ${step.min_value:,.0f}+")
    if step.stages and lead_stage not in step.stages:
        return Action("skip", f"step {position + 1} is for leads at another stage")
    if step.needs_phone and not has_phone:
        return Action("skip", f"step {position + 1} is for leads with a valid phone number")
    if gate is None or gate.allowed:
        return Action("send", "allowed")
    if gate.code == "lead_status":
        return Action("stop", gate.reason)
    if gate.code == "no_contact_point":
        return Action("skip", gate.reason)
    if gate.retry_at is not None:
        return Action("wait", gate.reason, gate.retry_at)
    return Action("wait", gate.reason)


def specs(steps: list[Step]) -> list[StepSpec]:
    return [
        StepSpec(s.channel, s.min_value, s.closing, tuple(s.stages or ()), s.needs_phone)
        for s in steps
    ]


def has_valid_phone(lead, known) -> bool:
    return any(p.kind == "phone" and p.validity == "valid" for p in known.points.get(lead.pk, []))


def after_wait(moment: datetime, step: Step, practice) -> datetime:
    """When a step falls due: hours, calendar days, or business days (Monday to Friday, not
    the practice's holidays, counted in its own time zone), keeping the time of day."""
    if step.wait_unit == WaitUnit.HOURS:
        return moment + timedelta(hours=step.wait)
    if step.wait_unit == WaitUnit.DAYS:
        return moment + timedelta(days=step.wait)
    zone = ZoneInfo(practice.timezone)
    local = moment.astimezone(zone)
    holidays = practice.holiday_dates
    remaining = step.wait
    while remaining > 0:
        local = (local + timedelta(days=1)).replace(tzinfo=zone)
        if local.weekday() < 5 and local.date() not in holidays:
            remaining -= 1
    return local.astimezone(moment.tzinfo)
