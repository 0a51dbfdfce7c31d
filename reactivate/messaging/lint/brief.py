"""Brief: the seed's "state your purpose in two or three sentences"; texts even shorter."""

from __future__ import annotations

from reactivate.core.sms import REPLACEMENTS, sms_segments
from reactivate.messaging.lint.base import Finding, Text
from reactivate.messaging.render import MERGE_FIELD

RULES = (
    "email-words",
    "email-sentences",
    "subject-length",
    "sms-ucs2",
    "sms-segments",
    "letter-words",
    "call-words",
    "voicemail-words",
)
EMAIL_WORDS = (110, 180)  # warn above, fail above
EMAIL_SENTENCES = (5, 8)
SMS_SEGMENTS = (2, 3)
SUBJECT_CHARS = 60
LETTER_WORDS = (220, 350)
CALL_WORDS = (160, 260)
VOICEMAIL_WORDS = 60
# A merge field is measured at a typical filled-in length (a first name, a month, a
# treatment), since its real value differs from lead to lead.
TYPICAL_FIELD = "Xxxxxxxxxx"


def _budget(rule, count, limits, what, fail_fix, warn_fix) -> list[Finding]:
    if count > limits[1]:
        return [Finding(rule, "brief", "fail", f"{count} {what}.", fail_fix)]
    if count > limits[0]:
        return [Finding(rule, "brief", "warn", f"{count} {what}.", warn_fix)]
    return []


def check(t: Text) -> tuple[list[Finding], dict | None]:
    """The findings, and for a text its segment count."""
    if t.m.channel == "email":
        return _email(t), None
    if t.m.channel == "sms":
        return _sms(t)
    words = len(MERGE_FIELD.sub("X", t.content).split())
    budget = LETTER_WORDS if t.m.channel == "letter" else CALL_WORDS
    found = _budget(
        f"{t.m.channel}-words",
        words,
        budget,
        "words",
        f"Cut to about {budget[0]} words.",
        f"Aim for about {budget[0]} words.",
    )
    if t.m.voicemail and len(t.m.voicemail.split()) > VOICEMAIL_WORDS:
        found.append(
            Finding(
                "voicemail-words",
                "brief",
                "warn",
                "The voicemail runs past 20 seconds.",
                "Name, practice, one reason, one number: under 60 words.",
            )
        )
    return found, None


def _email(t: Text) -> list[Finding]:
    words = len(MERGE_FIELD.sub("X", t.content).split())
    found = _budget(
        "email-words",
        words,
        EMAIL_WORDS,
        "words: long messages don't get read",
        f"Cut to {EMAIL_WORDS[0]} words or fewer: say why you're writing in two or three "
        "sentences.",
        "Drop anything that is not the reason you're writing and the question.",
    )
    fix = "State your purpose in two or three sentences."
    found += _budget("email-sentences", len(t.sentences), EMAIL_SENTENCES, "sentences", fix, fix)
    if len(MERGE_FIELD.sub(TYPICAL_FIELD, t.m.subject)) > SUBJECT_CHARS:
        found.append(
            Finding(
                "subject-length",
                "brief",
                "warn",
                "The subject is long and will be cut off on phones.",
                f"Keep the subject under {SUBJECT_CHARS} characters.",
            )
        )
    return found


def _sms(t: Text) -> tuple[list[Finding], dict]:
    counted = sms_segments(MERGE_FIELD.sub(TYPICAL_FIELD, t.m.body))
    segments = {
        "encoding": counted.encoding,
        "count": counted.count,
        "units": counted.units,
        "forcing": counted.forcing,
    }
    found = []
    # Spanish needs á, í, ó, ú, which GSM-7 lacks: expected there, an accident in English.
    accidental = counted.forcing is not None and not (
        t.language != "en" and counted.forcing.isalpha()
    )
    if accidental:
        swap = REPLACEMENTS.get(counted.forcing)
        found.append(
            Finding(
                "sms-ucs2",
                "brief",
                "warn",
                f"“{counted.forcing}” ({counted.forcing_name}) makes the whole text UCS-2: "
                "70 characters a segment instead of 160.",
                f"Type {swap!r} instead." if swap else "Remove it or use a plain character.",
            )
        )
    found += _budget(
        "sms-segments",
        counted.count,
        SMS_SEGMENTS,
        f"segments ({counted.encoding})",
        "Keep texts even shorter than email: one or two segments.",
        "One or two segments read as a text from a person.",
    )
    return found, segments
