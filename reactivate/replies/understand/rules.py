"""What must never be missed, by rule before any model: revocations of consent in any
reasonable wording (FCC 47 CFR 64.1200(a)(10)) and "wrong person" answers.

Each pattern is written for a meaning, not for one sentence; the guards keep the phrases
that only look like a revocation ("can't stop thinking about it") out.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

REVOKE = [
    r"\b(stop|quit|cease|end)\b.{0,25}\b(text|txt|messag|msg|email|e-mail|mail|call|contact|send|sending|bug|spam|writ)",
    r"\bremove (me|my)\b", r"\b(take|get|delete) (me|my \w+) (off|from)\b", r"\btake my \w+ off\b",
    r"\bun-?su(b|sb)\w*", r"\bopt(\s|-)?(me\s)?out\b", r"\bleave me alone\b",
    r"\b(don'?t|do not|never)\b.{0,12}\b(text|txt|contact|call|email|e-mail|message|msg|write)\b.{0,12}\b(me|again|anymore|any more)\b",
    r"\bno more (texts|emails|messages|calls|mail)\b", r"\bdelete my (info|information|number|data|email|details)\b",
    r"\bharass", r"\bspamm?(ing)?\b", r"\bi said stop\b", r"^\W*(st[ao]+h?p+|stop+|stp)\W*(it|now|please|pls|plz)?\W*$",
    r"\bno m[aá]s (mensajes|correos|textos|llamadas)\b", r"\bno me (escr\w*|mand\w*|llam\w*|contact\w*|env[ií]\w*)",
    r"\bdej[ae]n? de (escr\w*|mand\w*|llam\w*|envi\w*)", r"\bb[oó]rr[ae]nme\b", r"\bya no me (mand\w*|escr\w*)",
]  # fmt: skip
GUARDS = [
    r"\b(can'?t|cannot|couldn'?t) stop (thinking|smiling|looking)", r"\bnever stopped (wanting|thinking)",
    r"\bdon'?t stop\b", r"\bstop by\b", r"\bbus stop\b",
]  # fmt: skip
WRONG = [
    r"\bwrong (number|person|email|e-mail|guy|girl|contact|address|lady)\b", r"\bwho('?s| is) this\b",
    r"\bwho dis\b", r"\bno one (here )?(by|with) that name\b", r"\bnever (been|went|was)\b.{0,30}\b(patient|office|clinic|there)\b",
    r"\b(passed away|deceased)\b", r"\b(doesn'?t|does not) live here\b", r"\bn[uú]mero equivocado\b",
    r"\bno conozco a\b", r"\bnot the (person|one) you\b", r"\bnever heard of (you|this)\b",
    r"\bthis (isn'?t|is not) (her|his|\w+'s) (number|email)\b", r"\b(?i:this (?:isn'?t|is not)) [A-Z][a-z]+\b",
    r"\b(number|email) belongs to\b", r"\bgot this number recently\b",
]  # fmt: skip


def fold(text: str) -> str:
    """Lower case, curly quotes straightened: what the patterns are written against."""
    text = unicodedata.normalize("NFKC", text or "").replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


# Spanish "don't write / send / call me", matched loosely: misspelled revocations count too.
SPANISH_VERBS = ["escriban", "escribirme", "escribir", "manden", "mandar", "llamen", "llamar",
                 "envien", "enviar", "contacten", "molesten"]  # fmt: skip
SPANISH_LEAD = re.compile(r"\b(?:no me|dej[ae]n? de|ya no me)\s+(\w+)")


def revokes(text: str) -> bool:
    folded = fold(text).lower()
    if any(re.search(guard, folded) for guard in GUARDS):
        folded = re.sub("|".join(GUARDS), " ", folded)
    if any(re.search(pattern, folded) for pattern in REVOKE):
        return True
    for match in SPANISH_LEAD.finditer(folded):
        best = process.extractOne(match.group(1), SPANISH_VERBS, scorer=fuzz.ratio)
        if best is not None and best[1] >= 80:
            return True
    return False


def wrong_contact(text: str) -> bool:
    folded = fold(text)
    lowered = folded.lower()
    return any(re.search(p, folded if "[A-Z]" in p else lowered) for p in WRONG)


GREETING = re.compile(
    r"^\s*((?i:hi|hey|hello|hola|good (?:morning|afternoon|evening)|dear)"
    r"(\s+(?i:there|team|all|dana)|\s+[A-Z][a-z]+(?=\s*[,.!]))?\s*[,.!]?\s*)+"
)
SIGN_OFF = re.compile(
    r"(\n\s*\n.*$)|(\s+(thanks|thank you|thx|ty|cheers|best|regards|gracias)[.!]*\s*"
    r"([-–]\s*\w+)?\s*$)|(\s*[-–]\s*[A-Z][a-z]+\s*$)|(\s*sent from my \w+.*$)",
    re.I | re.S,
)


def core(text: str) -> str:
    """The reply without its greeting, sign-off or phone signature: what it says."""
    text = (text or "").strip()
    for _ in range(2):
        text = SIGN_OFF.sub("", text).strip()
    stripped = GREETING.sub("", text).strip()
    return stripped or text


NEGATED = r"\b(no|not|never|n't|no longer|nope|nah)\b\W*(\w+\W+){0,2}"
CUES = {
    "negative": r"\b(all set|i'?m good|no thanks|no thank you|i'?ll pass|not interested|no longer|"
    r"decided (against|not)|not for me|no gracias|no me interesa|not really)\b",
    "changed": r"\b(moved|relocat\w*|mudamos|mud[eé]|another (office|dentist|clinic|provider|doctor)|"
    r"elsewhere|somewhere else|otro lugar|new (insurance|job|plan|dentist|baby)|"
    r"insurance (changed|now)|cambi[eé]|already (got|had|done|taken care)|had it done|"
    r"got it done|different (provider|dentist|office)|out of state|abroad|divorced|retired)\b",
    "positive": r"\b(yes|yeah|yep|yup|ya|sure|absolutely|definitely|interested|sign me up|count me in|"
    r"book|schedule|appointment|cita|s[ií]|call me|ready|let'?s do|go ahead|sounds good|"
    r"would be great|love to)\b",
}


def cue(text: str) -> str | None:
    """A plain word for the class when the model hesitates: a change of circumstances, or a
    yes that nothing negates."""
    folded = fold(text).lower()
    if re.search(CUES["negative"], folded):
        return "negative"
    if re.search(CUES["changed"], folded):
        return "changed"
    for match in re.finditer(CUES["positive"], folded):
        before = folded[max(0, match.start() - 25) : match.start()]
        if not re.search(NEGATED + "$", before):
            return "positive"
    return None
