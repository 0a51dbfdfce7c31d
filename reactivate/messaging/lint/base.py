"""What every quality's rules share: the message, the findings, and the text helpers."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property

from reactivate.messaging.render import MERGE_FIELD, fields_used

CHANNELS = ("email", "sms", "call", "letter")
LANGUAGES = ("en", "es")
LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
OPT_OUT = re.compile(r"\b(stop|baja|alto)\b", re.IGNORECASE)
FOOTER = re.compile(
    r"\{\{\s*(unsubscribe_link|practice_address)\s*\}\}|unsubscribe|darse de baja", re.I
)
GREETING = re.compile(r"^(hi|hey|hello|dear|hola|estimad[oa]|buenos días|buenas tardes)\b", re.I)
SIGN_OFF = re.compile(
    r"^(thanks|thank you|best|regards|warmly|cheers|gracias|saludos|atentamente|un saludo)\b",
    re.I,
)


@dataclass
class Finding:
    rule: str
    quality: str
    level: str  # "warn" or "fail"
    message: str
    fix: str


@dataclass
class LintResult:
    verdict: str  # "pass", "warn" or "fail"
    scores: dict[str, int]
    findings: list[Finding] = field(default_factory=list)
    segments: dict | None = None

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "warn": 1, "fail": 2}[self.verdict]

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "scores": self.scores,
            "findings": [asdict(f) for f in self.findings],
            "segments": self.segments,
        }


@dataclass
class Message:
    channel: str
    body: str
    subject: str = ""
    language: str = "en"
    first_touch: bool = True
    phi_safe: bool = False
    practice_name: str = ""
    voicemail: str = ""
    # An answer to someone who just wrote: it continues their conversation, so it may say
    # "Re:" and need not recall the earlier one to show it is not a mass mailing.
    answer: bool = False


class Text:
    """One message read once: the parts each rule looks at, computed when first asked for."""

    def __init__(self, message: Message):
        if message.channel not in CHANNELS:
            raise ValueError(
                f"Unknown channel {message.channel!r}; use one of {', '.join(CHANNELS)}."
            )
        self.m = message
        self.language = message.language if message.language in LANGUAGES else "en"
        self.spoken = message.body + ("\n\n" + message.voicemail if message.voicemail else "")
        self.whole = (message.subject + "\n" + self.spoken) if message.subject else self.spoken
        self.content = content_of(message.body)
        self.used = fields_used(self.whole)

    def has(self, phrases: dict[str, list[str]], text: str | None = None) -> str | None:
        """The first phrase of the message's language (or English) found in ``text``."""
        text = self.whole if text is None else text
        return has(text, phrases.get(self.language, [])) or has(text, phrases["en"])

    @cached_property
    def questions(self) -> list[str]:
        found = re.findall(r"[^.!?\n¿]*\?", self.content.replace("¿", ""))
        return [q.strip() for q in found if re.search(r"\w", q)]

    @cached_property
    def sentences(self) -> list[str]:
        return sentences(self.content)


def has(text: str, phrases: list[str]) -> str | None:
    """The first phrase found as whole words (case-insensitive; curly apostrophes too)."""
    lowered = text.lower().replace("\u2019", "'")
    for phrase in phrases:
        pattern = (
            (r"(?<!\w)" if phrase[0].isalnum() else "")
            + re.escape(phrase)
            + (r"(?!\w)" if phrase[-1].isalnum() else "")
        )
        if re.search(pattern, lowered):
            return phrase
    return None


# A full stop after a title ("Dr. Moss") does not end the sentence.
TITLES_KEPT = re.compile(
    r"(?<=[.!?])(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)\s+|\n{2,}"
)


def sentences(text: str) -> list[str]:
    # Merge fields are single words for counting; URLs do not end sentences.
    flat = MERGE_FIELD.sub("X", LINK.sub("link", text))
    parts = TITLES_KEPT.split(flat)
    return [p.strip() for p in parts if re.search(r"\w", p)]


def body_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_sign_off(line: str) -> bool:
    return bool(
        line.startswith(("\u2014", "-", "\u2013"))
        or (len(MERGE_FIELD.sub("X", line).split()) <= 6 and not re.search(r"[.!?]$", line))
        or SIGN_OFF.match(line)
    )


def content_of(text: str) -> str:
    """The message without greeting, sign-off and footer, for question and budget checks."""
    lines = [line for line in body_lines(text) if not FOOTER.search(line)]
    if lines and GREETING.match(lines[0]) and len(lines[0].split()) <= 5:
        lines = lines[1:]
    # A sign-off: trailing short lines with no sentence punctuation, or "— name".
    while len(lines) > 1 and _is_sign_off(lines[-1]):
        lines = lines[:-1]
    return "\n".join(lines)


def sign_off(text: str) -> str:
    """The trailing lines ``content_of`` leaves out: where a signature is."""
    lines = [line for line in body_lines(text) if not FOOTER.search(line)]
    tail: list[str] = []
    while len(lines) > 1 and _is_sign_off(lines[-1]):
        tail.insert(0, lines.pop())
    return "\n".join(tail)
