"""Direct: say plainly why you are writing; no tricks, no shouting, no advert."""

from __future__ import annotations

import re

from reactivate.messaging.lint.base import Finding, Text
from reactivate.messaging.lint.phrases import ACRONYMS, SPAM
from reactivate.messaging.render import MERGE_FIELD

RULES = ("fake-reply", "spam-phrase", "all-caps", "exclamations", "subject-questions")


def check(t: Text) -> list[Finding]:
    found = []
    if not t.m.answer and re.match(r"^\s*(re|fwd?|fw)\s*:", t.m.subject, re.I):
        found.append(
            Finding(
                "fake-reply",
                "direct",
                "fail",
                "The subject pretends to be a reply or forward.",
                "Write an honest subject, e.g. “Checking in about {{ treatment }}”.",
            )
        )
    spam = t.has(SPAM)
    if spam:
        found.append(
            Finding(
                "spam-phrase",
                "direct",
                "fail",
                f"“{spam}” reads as marketing, and spam filters agree.",
                "Say plainly why you are writing.",
            )
        )
    found += _shouting(t.whole)
    if t.m.subject and t.m.subject.strip().endswith("?") and t.m.subject.count("?") > 1:
        found.append(
            Finding(
                "subject-questions",
                "direct",
                "warn",
                "The subject asks more than one question.",
                "One plain subject.",
            )
        )
    return found


def _shouting(whole: str) -> list[Finding]:
    found = []
    capitals = re.findall(r"\b[A-ZÁÉÍÓÚÑ]{3,}\b", MERGE_FIELD.sub("", whole))
    shouting = [w for w in capitals if w not in ACRONYMS]
    if shouting:
        found.append(
            Finding(
                "all-caps",
                "direct",
                "fail" if len(shouting) > 1 else "warn",
                f"Capitals shout: {', '.join(shouting[:3])}.",
                "Write in sentence case.",
            )
        )
    if "!!" in whole or whole.count("!") > 1:
        found.append(
            Finding(
                "exclamations",
                "direct",
                "fail" if "!!" in whole else "warn",
                "Exclamation marks make a check-in sound like an advert.",
                "Use full stops.",
            )
        )
    return found
