"""What the law and the carriers require (STANDARDS.md): a first text says who it is from and
how to stop; email carries an unsubscribe link and a postal address; PHI-safe mode keeps
treatments out of texts and emails; no public link shorteners in texts."""

from __future__ import annotations

import re

from reactivate.messaging.fields import PHI_FIELDS
from reactivate.messaging.lint.base import OPT_OUT, Finding, Text
from reactivate.messaging.lint.phrases import BUSINESS_WORDS, TREATMENT_WORDS

RULES = (
    "sms-identify",
    "sms-opt-out",
    "sms-shortener",
    "email-unsubscribe",
    "email-address",
    "phi",
)
SHORTENERS = re.compile(
    r"\b(bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|"
    r"shorturl\.at|tiny\.cc|rb\.gy)\b",
    re.IGNORECASE,
)
ADDRESS = re.compile(r"\d+\s+\w+.*\b\d{5}(-\d{4})?\b")
# A capitalised word; a full stop ends the name (so "at Lumière. You asked…" is one word)
# except in a title ("Dr. Patel's office").
CAP = r"(?:Dr\.|St\.|Mt\.|[A-ZÁÉÍÓÚÑ][\w'\u2019&-]*|&)"
JOIN = r"(?:and|of|the|de|del|la|y|at)"
# A business name: capitalised words (with "of", "&"…), perhaps ending in a lowercase
# business word ("Dr. Patel's office"); a business word or two capitalised words make it one.
NAME = rf"{CAP}(?:\s+(?:{CAP}|{JOIN}))*(?:\s+(?i:{BUSINESS_WORDS}))?"
INTRO = re.compile(
    r"\b(?i:this is|it's|it\u2019s|it is|i'm|i\u2019m|i am|here's|here is|soy|"
    r"le escribe|te escribe|habla)\s+"
    rf"{CAP}(?:\s+{CAP})?\s*,?\s+(?i:from|at|with|of|de|del|con)\s+(?P<name>{NAME})"
)
SIGNED = re.compile(
    # "— Sam, Lakeside Dental" or "Sam at Lakeside Dental" on a line of its own
    rf"(?:^|\n)\s*(?:[\u2014\u2013-]\s*)?{CAP}(?:\s+{CAP})?\s*"
    rf"(?:,|\bat\b|\bfrom\b|\bde\b|[\u2014\u2013-])\s*(?P<name>{NAME})\s*\.?\s*$"
    # "… from Lakeside Dental", "Lakeside Dental here"
    rf"|\b(?i:from|at|de parte de)\s+(?P<name2>{NAME})\b"
    rf"|(?P<name3>{NAME})\s+here\b",
    re.MULTILINE,
)


def names_a_business(text: str) -> bool:
    """Whether the text says which business it is from, in a signature or an introduction.

    "Sam from Harbor Smiles", "— Sam, Lakeside Dental", "Lakeside Dental here": a business
    word, or two capitalised words in an introduction ("this is Sam from Harbor Point"); a
    bare first name ("it's Sam") or a person's full name ("from Sam Jones") is not enough.
    """
    for match in INTRO.finditer(text):
        if _is_business(match.group("name")):
            return True
    for match in SIGNED.finditer(text):
        name = next(g for g in match.groups() if g)
        if _is_business(name, need_kind=True):
            return True
    return False


def _is_business(name: str, *, need_kind: bool = False) -> bool:
    words = name.split()
    capitals = [w for w in words if re.match(CAP, w) and w != "&"]
    named_kind = bool(re.search(rf"\b(?:{BUSINESS_WORDS})\b", name, re.I)) and bool(capitals)
    return named_kind or (not need_kind and len(capitals) >= 2)


def check(t: Text) -> list[Finding]:
    found = []
    if t.m.channel == "sms":
        found += _first_text(t)
        if SHORTENERS.search(t.m.body):
            found.append(
                Finding(
                    "sms-shortener",
                    "compliance",
                    "fail",
                    "Carriers filter texts with public link shorteners.",
                    "Use the practice's own full link.",
                )
            )
    if t.m.channel == "email":
        found += _email(t)
    if t.m.phi_safe and t.m.channel in ("email", "sms"):
        named = [f for f in PHI_FIELDS if f in t.used]
        word = TREATMENT_WORDS.search(t.whole)
        if named or word:
            what = "{{ " + named[0] + " }}" if named else f"“{word.group(0)}”"
            found.append(
                Finding(
                    "phi",
                    "compliance",
                    "fail",
                    f"PHI-safe mode: {what} names a treatment.",
                    "Say “your consultation” or “{{ stage }}” instead.",
                )
            )
    return found


def _first_text(t: Text) -> list[Finding]:
    if not t.m.first_touch:
        return []
    found = []
    body = t.m.body
    known = t.m.practice_name and t.m.practice_name.lower() in body.lower()
    if not ("practice_name" in t.used or known or names_a_business(body)):
        found.append(
            Finding(
                "sms-identify",
                "compliance",
                "fail",
                "A first text must say who it is from.",
                "Name the practice: “… from {{ practice_name }}”.",
            )
        )
    if not OPT_OUT.search(body):
        found.append(
            Finding(
                "sms-opt-out",
                "compliance",
                "fail",
                "A first text must say how to opt out.",
                "End with “Reply STOP to opt out.”"
                if t.language == "en"
                else "Termine con “Responda STOP para no recibir más mensajes.”",
            )
        )
    return found


def _email(t: Text) -> list[Finding]:
    found = []
    body = t.m.body
    if "unsubscribe_link" not in t.used and not re.search(
        r"unsubscribe|darse de baja|cancelar suscripci", body, re.I
    ):
        found.append(
            Finding(
                "email-unsubscribe",
                "compliance",
                "fail",
                "No unsubscribe link (CAN-SPAM, RFC 8058).",
                "Add {{ unsubscribe_link }} to the footer.",
            )
        )
    if "practice_address" not in t.used and not ADDRESS.search(body):
        found.append(
            Finding(
                "email-address",
                "compliance",
                "fail",
                "No postal address (CAN-SPAM).",
                "Add {{ practice_address }} to the footer.",
            )
        )
    return found
