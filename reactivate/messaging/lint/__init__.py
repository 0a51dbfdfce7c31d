"""The seed's five qualities, permission to say no, and the compliance rules, as a linter.

Seed: reactivation messages should be direct, brief, low-pressure, specific and easy to
respond to, and should "explicitly give permission to say no". STANDARDS.md adds what the law
and the carriers require. One module per quality holds its rules (each lists its rule ids in
``RULES``); the phrase data is in ``phrases.py``. A quality scores 100 less 50 a failure and
20 a warning; the message fails when any rule fails and warns when any rule warns.

A message is linted as a template (merge fields such as ``{{ treatment }}`` count for what
they will become) in English or Spanish.
"""

from __future__ import annotations

import re

from reactivate.messaging.lint import (
    brief,
    compliance,
    direct,
    low_pressure,
    permission,
    respond,
    specific,
)
from reactivate.messaging.lint.base import CHANNELS, Finding, LintResult, Message, Text

__all__ = [
    "CHANNELS",
    "EMAIL_FOOTER",
    "QUALITIES",
    "RULES",
    "Finding",
    "LintResult",
    "Message",
    "guess_language",
    "lint",
    "parse_file",
]

QUALITIES = (
    "brief",
    "direct",
    "low_pressure",
    "specific",
    "easy_to_respond",
    "permission",
    "compliance",
)
MODULES = (brief, direct, low_pressure, specific, respond, permission, compliance)
RULES = tuple(rule for module in MODULES for rule in module.RULES)


def lint(message: Message) -> LintResult:
    t = Text(message)
    findings, segments = brief.check(t)
    for module in (direct, low_pressure, specific, respond):
        findings += module.check(t)
    findings += permission.check(t, findings)
    findings += compliance.check(t)
    scores = dict.fromkeys(QUALITIES, 100)
    for f in findings:
        scores[f.quality] = max(0, scores[f.quality] - (50 if f.level == "fail" else 20))
    verdict = "fail" if any(f.level == "fail" for f in findings) else "warn" if findings else "pass"
    return LintResult(verdict=verdict, scores=scores, findings=findings, segments=segments)


def parse_file(text: str, channel: str) -> tuple[str, str]:
    """A template file: for email the first line is ``Subject: …``."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if channel == "email":
        first, _, rest = text.partition("\n")
        match = re.match(r"^\s*(subject|asunto)\s*:\s*(.*)$", first, re.I)
        if match:
            return match.group(2).strip(), rest.strip("\n")
    return "", text.strip("\n")


# The footer every reactivation email carries (CAN-SPAM: postal address and a working opt-out).
EMAIL_FOOTER = {
    "en": "\n\n{{ practice_name }} · {{ practice_address }}\nUnsubscribe: {{ unsubscribe_link }}",
    "es": "\n\n{{ practice_name }} · {{ practice_address }}\nDarse de baja: {{ unsubscribe_link }}",
}


SPANISH_MARKERS = re.compile(
    r"[¿¡ñ]|\b(hola|usted|su|sobre|hablamos|gracias|está|cita|tratamiento|responda)\b", re.I
)


def guess_language(text: str) -> str:
    """'es' when the text reads as Spanish, else 'en' (the linter's two languages)."""
    return "es" if len(SPANISH_MARKERS.findall(text)) >= 2 else "en"
