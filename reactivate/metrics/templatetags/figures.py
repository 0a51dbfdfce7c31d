"""How the dashboard writes a figure: a share as a percentage, money in dollars, and a dash
where there is nothing to measure yet (rather than a misleading 0)."""

from __future__ import annotations

from django import template

from reactivate.metrics.text import days, dollars, percent

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    return percent(value)


@register.filter
def usd(value: float | None) -> str:
    return dollars(value)


@register.filter
def usd0(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


@register.filter
def in_days(value: float | None) -> str:
    return days(value)


@register.filter
def points(value: float | None) -> str:
    """A difference between two shares, in percentage points."""
    return "-" if value is None else f"{100 * value:+.1f} pts"
