"""Treatment names: "Dental Implants", "implant" and "All-on-4" are one treatment.

A practice's vocabulary is plain text, one treatment a line, its other names after a colon:

    Dental implants: implant, all-on-4, full arch
    Invisalign: clear aligners, aligners

Text is matched on a folded key (case, accents, punctuation, a plural "s"), then by fuzzy
match against every name in the vocabulary; text that matches nothing keeps its own words,
tidied, so "veneers" and "Veneer" still meet as one treatment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

FUZZY_SCORE = 88  # token-sort ratio on folded names: typos and word order, not extra words

DEFAULT_VOCABULARY = """\
Dental implants: implant, dental implant, tooth implant, all-on-4, all on four, full arch
Invisalign: clear aligners, aligners, clear braces
Braces: orthodontics, ortho
Veneers: veneer, porcelain veneers
Teeth whitening: whitening, tooth whitening
Crowns: crown, dental crown
Smile makeover: cosmetic dentistry, smile design
Botox: botulinum toxin, tox, dysport, xeomin
Dermal fillers: filler, lip filler, juvederm, restylane
Laser hair removal: hair removal
CoolSculpting: fat freezing, cryolipolysis
Breast augmentation: breast implants, boob job
Rhinoplasty: nose job
Liposuction: lipo
Tummy tuck: abdominoplasty
Facelift: face lift
"""


class VocabularyError(ValueError):
    """A vocabulary line that cannot be read, with its line number."""


def fold(text: str) -> str:
    """The matching key: lower case, accents and punctuation gone, a plural "s" dropped."""
    folded = unicodedata.normalize("NFKD", text.lower())
    words = re.findall(r"[a-z0-9]+", "".join(c for c in folded if not unicodedata.combining(c)))
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in words)  # fmt: skip


@dataclass(frozen=True)
class Vocabulary:
    names: dict[str, str]  # folded name or synonym -> the practice's name for the treatment

    @property
    def treatments(self) -> list[str]:
        return sorted(set(self.names.values()), key=str.lower)

    def normalise(self, text: str | None) -> str:
        """The practice's name for ``text``; "" for blank text."""
        if not text or not text.strip():
            return ""
        key = fold(text)
        if not key:
            return text.strip()[:100]
        if key in self.names:
            return self.names[key]
        match = process.extractOne(
            key, list(self.names), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_SCORE
        )
        if match is not None:
            return self.names[match[0]]
        tidy = " ".join(text.split())
        return (tidy[:1].upper() + tidy[1:].lower() if tidy.isupper() or tidy.islower() else tidy)[
            :100
        ]


def parse_vocabulary(text: str) -> Vocabulary:
    names: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, others = line.partition(":")
        name = " ".join(name.split())
        if not fold(name):
            raise VocabularyError(f"line {number}: a treatment needs a name before the colon")
        for alias in [name, *others.split(",")]:
            key = fold(alias)
            if not key:
                continue
            if names.get(key, name) != name:
                raise VocabularyError(
                    f"line {number}: “{alias.strip()}” already names {names[key]}"
                )
            names[key] = name
    return Vocabulary(names)


def vocabulary_for(text: str) -> Vocabulary:
    """The practice's vocabulary, or the starter one when it has not written its own."""
    return parse_vocabulary(text if text.strip() else DEFAULT_VOCABULARY)


def normalise_all(values: list[str], vocabulary: Vocabulary) -> dict[str, str]:
    """Each distinct text to its treatment; texts outside the vocabulary that fold alike
    ("Veneer", "veneers") share the most common spelling among them."""
    mapped = {v: vocabulary.normalise(v) for v in values}
    outside: dict[str, list[str]] = {}
    for name in mapped.values():
        if fold(name) not in vocabulary.names:
            outside.setdefault(fold(name), []).append(name)
    for spellings in outside.values():
        chosen = max(sorted(set(spellings)), key=spellings.count)
        for value, name in mapped.items():
            if name in spellings:
                mapped[value] = chosen
    return mapped
