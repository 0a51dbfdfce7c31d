"""Who a campaign reaches: its audience, the holdout drawn from it, and the wordings drawn.

Reads only: a launch (services.enroll) and its confirmation page (selectors.launch_preview)
ask the same question and must get the same answer.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

from reactivate.campaigns.models import Campaign, Enrollment, EnrollmentStatus
from reactivate.segments.cadence import eligible_q
from reactivate.segments.definitions import segment_leads


def _draw(seed: int, lead_id: int) -> str:
    return hashlib.sha256(f"{seed}:{lead_id}".encode()).hexdigest()


# Leads ranked this close together count as alike when the holdout is drawn.
STRATUM = 20


def stratified_holdout(ranked: list[int], share: float, seed: int) -> list[int]:
    """The holdout: in each run of STRATUM leads of the best-to-call order, the share of them
    (carried over so the total is exact) picked in the seed's repeatable order.

    Drawing within ranks keeps the holdout like the leads that are contacted, so that the
    difference between the two groups measures the campaign and not who was picked: a pilot
    of the best leads is compared with a holdout of equally good ones.
    """
    holdout: list[int] = []
    for start in range(0, len(ranked), STRATUM):
        stratum = ranked[start : start + STRATUM]
        due = round(share * (start + len(stratum))) - len(holdout)
        holdout += sorted(stratum, key=lambda i: _draw(seed, i))[:due]
    return holdout


def audience_split(
    campaign: Campaign, *, limit: int | None, now: datetime
) -> tuple[list[int], list[int]]:
    """Who a launch (or a scale) would contact and who it would hold out, best first.

    The segment's eligible leads not yet in this or another live campaign. The holdout is
    drawn from the same audience, stratified by rank and in a repeatable order from the
    campaign's seed. With a pilot the holdout comes *in addition to* the pilot: the pilot's
    leads are contacted, and the holdout is drawn beside them from equally good leads.
    """
    practice = campaign.practice
    taken = set(
        Enrollment.objects.filter(
            practice=practice,
            status__in=[
                EnrollmentStatus.ACTIVE,
                EnrollmentStatus.WAITING,
                EnrollmentStatus.HOLDOUT,
            ],
        ).values_list("lead_id", flat=True)
    ) | set(Enrollment.objects.filter(campaign=campaign).values_list("lead_id", flat=True))
    audience = [
        lead_id
        for lead_id in segment_leads(practice, campaign.segment.definition, now)
        .filter(eligible_q(practice, now))
        .values_list("pk", flat=True)
        if lead_id not in taken
    ]
    share = campaign.holdout_percent / 100
    if limit is not None:
        # A pilot: the best leads to call, and its holdout from among the same leads.
        audience = audience[: math.ceil(limit / (1 - share))]
    holdout = stratified_holdout(audience, share, campaign.seed)
    held = set(holdout)
    contacted = [i for i in audience if i not in held]
    if limit is not None:
        contacted = contacted[:limit]
    return contacted, holdout
