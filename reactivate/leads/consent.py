"""Which consent each channel needs, and the one pre-send gate, ``can_contact``.

Reactivation messages for elective treatments are marketing (STANDARDS.md): texts need prior
express written consent on record; email (CAN-SPAM), letters and calls placed by a person are
opt-out channels, usable until the lead revokes them. The product never autodials, which is
what would bring calls under the express-consent rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from reactivate.core.phones import state_for_number
from reactivate.leads.choices import (
    Channel,
    ConsentStatus,
    ContactKind,
    InteractionKind,
    LeadStatus,
    LineType,
    Validity,
)
from reactivate.leads.models import Consent, ContactPoint, Interaction, Suppression

EXPRESS_CONSENT_CHANNELS = frozenset({Channel.SMS})

# Validity values that may still be tried; invalid, bounced and disconnected may not.
USABLE_VALIDITY = (Validity.VALID, Validity.UNKNOWN)


def channel_permitted(channel: Channel | str, consent: ConsentStatus | str | None) -> bool:
    """Whether a contact point whose consent for ``channel`` is ``consent`` may be used."""
    status = ConsentStatus(consent or ConsentStatus.UNKNOWN)
    if status == ConsentStatus.REVOKED:
        return False
    return status == ConsentStatus.GRANTED or Channel(channel) not in EXPRESS_CONSENT_CHANNELS


# The kind of contact point each channel travels on.
KIND_FOR_CHANNEL = {
    Channel.EMAIL: ContactKind.EMAIL,
    Channel.SMS: ContactKind.PHONE,
    Channel.CALL: ContactKind.PHONE,
    Channel.LETTER: ContactKind.ADDRESS,
}


# The one pre-send gate (DESIGN rule 1).


# Federal (47 CFR 64.1200(c)(1)): no solicitation calls or texts before 08:00 or after 21:00
# at the recipient's location. Stricter states (STANDARDS.md, verify with counsel): (from,
# until, at most this many touches in 24 hours, or None).
FEDERAL_HOURS = (8, 21)
STATE_RULES = {"FL": (8, 20, 3), "OK": (8, 20, 3), "MD": (8, 20, None)}
STRICTEST = (8, 20, 3)
# Quiet hours bind calls and texts; the practice's own window binds every automated channel
# but letters, which a mail house posts.
QUIET_HOUR_CHANNELS = frozenset({Channel.SMS, Channel.CALL})
WINDOWED_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS, Channel.CALL})
CLOSED_STATUSES = frozenset(
    {LeadStatus.DO_NOT_CONTACT, LeadStatus.CONVERTED, LeadStatus.CLOSED, LeadStatus.UNREACHABLE}
)
SEARCH_DAYS = 21


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str  # "ok", or why not: lead_status, no_contact_point, campaign_state, hours, cap
    reason: str  # in words, for the lead page
    retry_at: datetime | None = None  # the next allowed moment, when waiting will help
    contact_point: object | None = None
    zone: str = ""


def _window(practice, state: str | None, channel: str, zone_known: bool):
    """(days allowed, from hour, until hour, touches per 24 h cap) for this recipient.

    Where the recipient's location is unknown, the strictest state rule applies.
    """
    low, high = 0, 24
    cap = None
    if channel in QUIET_HOUR_CHANNELS:
        low, high = FEDERAL_HOURS
        rule = STATE_RULES.get(state or "") if zone_known and state else None
        if not zone_known or not state:
            rule = STRICTEST
        if rule:
            low, high, cap = max(low, rule[0]), min(high, rule[1]), rule[2]
    days = set(range(7))
    if channel in WINDOWED_CHANNELS:
        low, high = max(low, practice.send_from_hour), min(high, practice.send_until_hour)
        days = {int(d) for d in practice.send_days.split(",") if d != ""}
    return days, low, high, cap


def _next_open(
    local: datetime, days: set[int], low: int, high: int, closed: frozenset = frozenset()
) -> datetime | None:
    """``local`` if it lies in the window, else the window's next opening."""
    if low >= high or not days:
        return None
    for offset in range(SEARCH_DAYS):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() not in days or day in closed:
            continue
        opens = datetime.combine(day, time(low), tzinfo=local.tzinfo)
        closes = datetime.combine(day, time(0), tzinfo=local.tzinfo) + timedelta(hours=high)
        start = max(opens, local) if offset == 0 else opens
        if start < closes:
            return start
    return None


def recent_touches(lead, at: datetime) -> list[datetime]:
    """When messages went to this lead in the week before ``at`` (all campaigns, channels)."""

    return list(
        Interaction.objects.filter(
            lead=lead,
            kind=InteractionKind.MESSAGE_OUT,
            occurred_at__gt=at - timedelta(days=7),
            occurred_at__lte=at,
        ).values_list("occurred_at", flat=True)
    )


@dataclass(frozen=True)
class Known:
    """What the gate needs about many leads, read in a few queries (the engine's batches)."""

    points: dict  # lead id -> its contact points
    consents: dict  # (contact point id, channel) -> consent status
    suppressed: set  # (practice id, kind, value) on the do-not-contact list


@dataclass(frozen=True, slots=True)
class PointView:
    """A contact point's columns that the gate reads, without a model instance's weight."""

    pk: int
    practice_id: int
    lead_id: int
    kind: str
    value: str
    validity: str
    line_type: str
    timezone: str
    is_primary: bool


def known_for(lead_ids, *, practices: list[int]) -> Known:
    """The contact points, consents and suppressions of some leads of ``practices``, in three
    queries; ``lead_ids`` is a list or a subquery of lead ids."""

    points: dict[int, list] = defaultdict(list)
    mine = ContactPoint.objects.filter(lead_id__in=lead_ids).order_by()
    for row in mine.values_list(
        "id", "practice_id", "lead_id", "kind", "value", "validity", "line_type", "timezone",
        "is_primary",
    ):  # fmt: skip
        point = PointView(*row)
        points[point.lead_id].append(point)
    consents = {
        (point_id, channel): status
        for point_id, channel, status in Consent.objects.filter(
            contact_point__lead_id__in=lead_ids
        ).values_list("contact_point_id", "channel", "status")
    }
    suppressed = set(
        Suppression.objects.filter(
            practice_id__in=practices, value__in=mine.values("value")
        ).values_list("practice_id", "kind", "value")
    )
    return Known(points, consents, suppressed)


def usable_points(lead, channel: str, *, known: Known | None = None) -> list:
    """The lead's contact points a message on ``channel`` may use, primary first.

    ``known``, when given, holds the lead's points, consents and suppressions already read.
    """

    kind = KIND_FOR_CHANNEL[Channel(channel)]
    candidates = known.points.get(lead.pk, []) if known else lead.contact_points.all()
    points = [
        p
        for p in candidates
        if p.kind == kind
        and p.validity in USABLE_VALIDITY
        and not (channel == Channel.SMS and p.line_type == LineType.LANDLINE)
    ]
    if not points:
        return []
    if known:
        suppressed = known.suppressed
    else:
        suppressed = set(
            Suppression.objects.filter(
                practice_id=lead.practice_id, kind=kind, value__in=[p.value for p in points]
            ).values_list("practice_id", "kind", "value")
        )
    usable = []
    for point in points:
        if known:
            consent = known.consents.get((point.pk, channel))
        else:
            consent = next((c.status for c in point.consents.all() if c.channel == channel), None)
        blocked = (lead.practice_id, kind, point.value) in suppressed
        if not blocked and channel_permitted(channel, consent):
            usable.append(point)
    return sorted(usable, key=lambda p: (not p.is_primary, p.pk))


def can_contact(
    lead,
    channel: str,
    at: datetime,
    *,
    campaign_active: bool = True,
    touches: list[datetime] | None = None,
    known: Known | None = None,
) -> Decision:
    """May a message go to ``lead`` on ``channel`` at ``at``? If not now, when?

    Checked before every send, automated or manual: the lead's status, a contact point that
    is valid, not suppressed and consented for the channel, the campaign's state, quiet
    hours and the practice's window in the recipient's local time, and the frequency caps.
    A send that may not go now gets ``retry_at``, the next moment it may.
    """

    channel = Channel(channel)
    practice = lead.practice
    if lead.status in CLOSED_STATUSES:
        label = LeadStatus(lead.status).label.lower()
        return Decision(False, "lead_status", f"The lead is {label}.")
    points = usable_points(lead, channel, known=known)
    if not points:
        return Decision(
            False,
            "no_contact_point",
            f"No {KIND_FOR_CHANNEL[channel].label.lower()} that is valid, not on the "
            f"do-not-contact list and has consent for {channel.label.lower()}.",
        )
    point = points[0]
    if not campaign_active:
        return Decision(False, "campaign_state", "The campaign is paused or finished.", None, point)
    zone_known = bool(point.timezone)
    zone = point.timezone or practice.timezone
    state = state_for_number(point.value) if point.kind == "phone" else None
    if state is None and practice.state:
        state = practice.state.upper()
    if not zone_known:
        state = None  # unknown location: the strictest window that could apply
    days, low, high, state_cap = _window(practice, state, channel, zone_known)
    # The practice's holidays close its own window (not the mail house's).
    closed = practice.holiday_dates if channel in WINDOWED_CHANNELS else frozenset()
    history = sorted(recent_touches(lead, at) if touches is None else touches)
    caps = [(timedelta(days=1), practice.max_touches_per_day)]
    caps.append((timedelta(days=7), practice.max_touches_per_week))
    if state_cap is not None:
        caps.append((timedelta(days=1), state_cap))
    moment = at
    for _ in range(SEARCH_DAYS * 4):
        # The earliest moment the caps allow, then the window's next opening from there.
        for span, limit in caps:
            inside = [t for t in history if moment - span < t <= moment]
            if limit is not None and len(inside) >= limit:
                moment = max(moment, inside[-limit] + span + timedelta(seconds=1))
        local = moment.astimezone(ZoneInfo(zone))
        opening = _next_open(local, days, low, high, closed)
        if opening is None:
            return Decision(False, "hours", "The sending window is empty.", None, point, zone)
        opening = opening.astimezone(at.tzinfo or ZoneInfo("UTC"))
        if opening == moment:
            break
        moment = opening
    if moment == at:
        return Decision(True, "ok", "Allowed.", None, point, zone)
    code = "cap" if _capped(history, at, caps) else "hours"
    local = moment.astimezone(ZoneInfo(zone))
    why = (
        "Outside the allowed hours in the recipient's time"
        if code == "hours"
        else "The lead has had as many messages as the caps allow"
    )
    return Decision(
        False, code, f"{why} ({zone}); next allowed {local:%a %-d %b %H:%M}.", moment, point, zone
    )


def _capped(history: list[datetime], at: datetime, caps) -> bool:
    return any(
        limit is not None and len([t for t in history if at - span < t <= at]) >= limit
        for span, limit in caps
    )
