"""Lift statistics: did the program cause the bookings, measured against the holdout.

Each share gets Wilson's score interval; the difference between treated and holdout gets
Newcombe's hybrid score interval (method 10 of Newcombe 1998, "Interval estimation for the
difference between independent proportions", Statistics in Medicine 17:873-890), which
keeps its coverage near 95% for the small counts and zero cells a pilot produces, where
the textbook Wald interval does not. Pure functions of counts: the dashboard, `reactivate
metrics` and `reactivate lift` all call these.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)  # 1.959964…
POWER = 0.8


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None


def parse_share(text: str) -> Share:
    """'12/340' → Share(12, 340), with the error a person can act on."""
    count, slash, total = text.partition("/")
    if not slash:
        raise ValueError(f"{text!r}: write it as COUNT/TOTAL, for example 12/340")
    try:
        share = Share(int(count), int(total))
    except ValueError:
        raise ValueError(f"{text!r}: both sides of the / must be whole numbers") from None
    if share.total <= 0 or not 0 <= share.count <= share.total:
        raise ValueError(f"{text!r}: the count must be between 0 and a total above 0")
    return share


def wilson(count: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for count/total (no continuity correction)."""
    if total <= 0:
        return (0.0, 1.0)
    p = count / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    scale = 1 + z * z / total
    low, high = (centre - spread) / scale, (centre + spread) / scale
    # The formula gives 0 and 1 exactly at the edges, up to rounding.
    return (0.0 if count == 0 else low, 1.0 if count == total else high)


def newcombe(a: Share, b: Share, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval for rate(a) - rate(b)."""
    p1, p2 = a.count / a.total, b.count / b.total
    l1, u1 = wilson(a.count, a.total, z)
    l2, u2 = wilson(b.count, b.total, z)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (low, high)


def leads_needed(
    treated: Share, holdout: Share, power: float = POWER, z: float = Z95
) -> int | None:
    """How many leads in all (both arms, in today's proportion) a two-sided test at 5% needs
    to detect the difference seen so far with the given power; None when there is no
    difference to detect yet."""
    p1, p2 = treated.rate, holdout.rate
    if p1 is None or p2 is None or p1 == p2:
        return None
    ratio = treated.total / holdout.total  # treated leads per holdout lead
    pooled = (ratio * p1 + p2) / (1 + ratio)
    beta = NormalDist().inv_cdf(power)
    root = z * math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio)) + beta * math.sqrt(
        p1 * (1 - p1) / ratio + p2 * (1 - p2)
    )
    per_holdout = math.ceil(root**2 / (p1 - p2) ** 2)
    return math.ceil(per_holdout * (1 + ratio))


@dataclass(frozen=True)
class Lift:
    treated: float | None
    holdout: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    treated_ci: tuple[float, float] | None
    holdout_ci: tuple[float, float] | None
    significant: bool
    more_leads_needed: int | None
    treated_counts: tuple[int, int]
    holdout_counts: tuple[int, int]

    def as_dict(self, digits: int = 4) -> dict:
        def rounded(value):
            if isinstance(value, float):
                return round(value, digits)
            if isinstance(value, tuple):
                return [rounded(v) for v in value]
            return value

        return {key: rounded(value) for key, value in asdict(self).items()}

    def in_words(self, what: str = "reactivation") -> str:
        if self.difference is None:
            return f"No {what} lift yet: both the treated group and the holdout need leads."
        low, high = 100 * self.ci_low, 100 * self.ci_high
        points = f"{100 * self.difference:+.1f} points ({low:+.1f} to {high:+.1f})"
        if self.significant:
            return f"Lift in {what}: {points}, significant at 95%."
        more = (
            f"about {self.more_leads_needed:,} more leads needed"
            if self.more_leads_needed is not None
            else "no difference between the groups yet"
        )
        return f"Lift in {what}: {points}; not significant yet — {more}."


def lift(treated: Share, holdout: Share) -> Lift:
    """Treated against holdout, with its intervals and what it would take to be sure."""
    if not treated.total or not holdout.total:
        return Lift(treated.rate, holdout.rate, None, None, None, None, None, False, None,
                    (treated.count, treated.total), (holdout.count, holdout.total))  # fmt: skip
    low, high = newcombe(treated, holdout)
    significant = low > 0 or high < 0
    needed = None
    if not significant:
        total = leads_needed(treated, holdout)
        needed = None if total is None else max(0, total - treated.total - holdout.total)
    return Lift(
        treated.rate, holdout.rate, treated.rate - holdout.rate, low, high,
        wilson(treated.count, treated.total), wilson(holdout.count, holdout.total),
        significant, needed, (treated.count, treated.total), (holdout.count, holdout.total),
    )  # fmt: skip
