"""SMS segments as carriers count them (3GPP TS 23.038 / 23.040).

A message in the GSM 03.38 alphabet travels as 7-bit septets: 160 in one segment, 153 per
segment once it is split (the user-data header takes the rest); the extension characters
(^ { } \\ [ ] ~ | € and form feed) cost two septets each. One character outside the alphabet —
a curly quote, a non-breaking space, an emoji — turns the whole message into UCS-2: 70 UTF-16
units in one segment, 67 per segment when split, and characters outside the Basic
Multilingual Plane (most emoji) are two units. A character is never split across segments.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"
GSM = frozenset(GSM_BASIC) | frozenset(GSM_EXTENSION)

# What to type instead of the characters that most often force UCS-2 by accident.
REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00b4": "'",
    "\t": " ",
}


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    count: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    forcing: str | None  # the first character that forces UCS-2

    @property
    def forcing_name(self) -> str:
        if self.forcing is None:
            return ""
        return unicodedata.name(self.forcing, f"U+{ord(self.forcing):04X}").lower()


def _split(sizes: list[int], single: int, multi: int) -> int:
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= single:
        return 1
    count, used = 1, 0
    for size in sizes:
        if used + size > multi:
            count, used = count + 1, 0
        used += size
    return count


def sms_segments(text: str) -> Segments:
    forcing = next((ch for ch in text if ch not in GSM), None)
    if forcing is None:
        sizes = [2 if ch in GSM_EXTENSION else 1 for ch in text]
        return Segments("GSM-7", _split(sizes, 160, 153), sum(sizes), None)
    sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return Segments("UCS-2", _split(sizes, 70, 67), sum(sizes), forcing)


def gsm_safe(text: str) -> str:
    """``text`` with the usual accidental UCS-2 characters replaced by GSM-7 ones."""
    return "".join(REPLACEMENTS.get(ch, ch) for ch in text)
