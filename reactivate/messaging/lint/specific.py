"""Specific: the message shows it remembers this person and the earlier conversation.

A reference is recognised by its shape, not a list of sentences: a past-tense verb of talking
or visiting ("we talked", "you asked", "when you came in") with a time or a topic in the same
sentence ("in June", "back in January", "about implants", "for your consultation"), or the
merge fields that carry that detail, or a mention of the earlier visit itself ("your
consultation", "your quote").
"""

from __future__ import annotations

import re
from functools import cache

from reactivate.messaging.fields import DETAIL_FIELDS
from reactivate.messaging.lint.base import Finding, Text, sentences
from reactivate.messaging.lint.phrases import MONTHS, PAST_CONTACT, TOPIC, WHEN
from reactivate.messaging.render import MERGE_FIELD

RULES = ("no-detail",)
SUBJECT = {"en": r"\b(?:we|you|i|you and i|we've|you've|i've|we'd|you'd)\b", "es": r""}
EARLIER = {
    "en": re.compile(
        r"\byour (?:consultation|visit|appointment|exam|inquiry|enquiry|quote|estimate|"
        r"treatment plan|smile assessment|x-rays|scan|request|form)\b"
        # "the skin consult you had with us in the fall"
        r"|\b(?:the|your)\s+(?:\w+\s+)?(?:consult|consultation|visit|appointment|call)\s+"
        r"(?:you|we)\s+had\b",
        re.I,
    ),
    "es": re.compile(
        r"\bsu (?:consulta|cita|visita|evaluación|solicitud|presupuesto|cotización|"
        r"plan de tratamiento)\b",
        re.I,
    ),
}


@cache
def _patterns(language: str) -> tuple[re.Pattern, re.Pattern]:
    verb = PAST_CONTACT[language]
    # Up to two words between who and the verb: "we briefly talked", "you had asked".
    said = (
        rf"{SUBJECT[language]}(?:\s+\w+){{0,2}}?\s+(?:{verb})\b"
        if SUBJECT[language]
        else (rf"\b(?:{verb})\b")
    )
    context = rf"\b(?:{WHEN[language]}|{MONTHS[language]}|{TOPIC[language]})\b"
    return re.compile(said, re.I), re.compile(context, re.I)


def refers_back(text: str, language: str) -> bool:
    """Whether a sentence of ``text`` refers to an earlier conversation or visit."""
    languages = {language, "en"}
    if any(EARLIER[lang].search(text) for lang in languages):
        return True
    flat = MERGE_FIELD.sub("X", text)
    for sentence in sentences(flat):
        for lang in languages:
            said, context = _patterns(lang)
            verb = said.search(sentence)
            if verb and context.search(sentence):
                return True
    return False


def check(t: Text) -> list[Finding]:
    if t.m.answer:
        return []
    detail = (
        any(f in t.used for f in DETAIL_FIELDS)
        or re.search(r"\[[^\]]+\]", t.whole)  # the seed's own [Month] / [Project] placeholders
        or refers_back(t.whole, t.language)
    )
    if detail:
        return []
    return [
        Finding(
            "no-detail",
            "specific",
            "fail",
            "Nothing shows you remember this person.",
            "Refer to the earlier conversation: “we spoke {{ last_contact }} about "
            "{{ treatment }}”.",
        )
    ]
