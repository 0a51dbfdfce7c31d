"""Permission to say no: the seed's "explicitly give permission to say no"."""

from __future__ import annotations

from reactivate.messaging.lint.base import Finding, Text
from reactivate.messaging.lint.phrases import PERMISSION

RULES = ("no-permission",)
PRESSING = {"pressure", "discount", "promise", "regret", "blame", "many-questions"}


def check(t: Text, earlier: list[Finding]) -> list[Finding]:
    if t.has(PERMISSION, t.spoken):
        return []
    return [
        Finding(
            "no-permission",
            "permission",
            "warn" if _gentle(t, earlier) else "fail",
            "Nothing tells them it's fine to say no.",
            "Add “Either way, just let me know” or “If the timing isn't right, that's okay.”",
        )
    ]


def _gentle(t: Text, earlier: list[Finding]) -> bool:
    """A call, or a text that already asks one low-pressure yes/no question, only warns:
    a short text has little room, and such a question is itself easy to decline."""
    if t.m.channel == "call":
        return True
    if t.m.channel != "sms" or len(t.questions) != 1:
        return False
    return not any(f.rule in PRESSING or f.rule == "open-question" for f in earlier)
