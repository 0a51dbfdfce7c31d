"""Auto-replies: never answered, never counted as the person replying (RFC 3834).

By their headers first (``Auto-Submitted`` other than ``no``, ``X-Autoreply``,
``X-Autorespond``, ``Precedence: bulk|junk|auto_reply``, "Automatic reply:"/"Out of Office"
subjects), then by what vacation, "mailbox not monitored" and business auto-responders say.
A return date, when one is given, is read so the next step waits for it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import dateparser

from reactivate.replies.understand.rules import fold

SUBJECTS = re.compile(r"^\s*(automatic reply|auto(matic)?[- ]?reply|out of (the )?office|"
                      r"autoreply|auto:|respuesta autom[aá]tica|abwesenheit)", re.I)  # fmt: skip
BODY = [
    r"\bout of (the )?office\b", r"\bauto(matic|mated)?[- ]?(reply|response|responder|message)\b",
    r"\b(mailbox|inbox|address) is (not|un)monitored\b", r"\bnot monitored\b",
    r"\b(on|currently on) (vacation|holiday|leave|maternity leave|paternity leave)\b",
    r"\bi('?m| am) (away|out) (from|of|until)\b", r"\bwill (be )?(return|back)\b.{0,20}\b(on|until)\b",
    r"\bi('?m| am) driving\b", r"\bdo not reply to this\b", r"\bhave received your (message|email)\b",
    r"\bdoes not accept text messages\b", r"\bfuera de la oficina\b", r"\brespuesta autom[aá]tica\b",
    r"\bcurrently unavailable\b", r"\bwith (limited|no) access to (email|e-mail)\b",
]  # fmt: skip
RETURN = re.compile(
    r"\b(?:until|till|return(?:ing)? on|back on|back|return|hasta el|hasta)\s+"
    r"(?:the\s+)?([A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{3,9}|"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"lunes|martes|mi[eé]rcoles|jueves|viernes)",
    re.I,
)  # fmt: skip


def by_headers(headers: dict[str, str] | None) -> bool:
    if not headers:
        return False
    h = {k.lower(): str(v).strip().lower() for k, v in headers.items()}
    if h.get("auto-submitted", "no") not in ("", "no"):
        return True
    if "x-autoreply" in h or "x-autorespond" in h or "x-autoresponder" in h:
        return True
    if h.get("precedence") in ("bulk", "junk", "auto_reply", "list"):
        return h.get("precedence") != "list"
    return bool(SUBJECTS.match(h.get("subject", "")))


def by_text(text: str) -> bool:
    folded = fold(text).lower()
    return any(re.search(pattern, folded) for pattern in BODY)


def return_date(text: str, received: date) -> date | None:
    """The day the sender says they are back, if they say it."""
    match = RETURN.search(fold(text))
    if match is None:
        return None
    base = datetime.combine(received, datetime.min.time())
    found = dateparser.parse(
        match.group(1), languages=["en", "es"],
        settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base},
    )  # fmt: skip
    return found.date() if found else None
