"""Reading a reply, in layers, each testable alone:

1. the carrier keywords (STOP family, START/UNSTOP, HELP/INFO), exact single words;
2. auto-replies, by their headers (RFC 3834) and what vacation and "not monitored" messages say;
3. rules for what must never be missed (a revocation in any wording, "wrong number");
4. the learned model for the rest, with its confidence: below ``CONFIDENT`` it is ``unclear``,
   for a person;
5. for ``timing`` (and an auto-reply's return), the follow-up date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reactivate.channels.inbound import keyword
from reactivate.replies.understand import autoreply, rules
from reactivate.replies.understand.dates import FollowUp, follow_up_date, said_when
from reactivate.replies.understand.model import predict

LABELS = ("positive", "timing", "changed", "negative", "unsubscribe", "auto_reply",
          "wrong_contact", "unclear")  # fmt: skip
CONFIDENT = 0.40
HESITANT = 0.7
DEFERRAL = re.compile(
    r"\b(not (right )?now|not yet|not this|not until|later|maybe|check back|again|until|till|"
    r"after|wait|try|reach (back )?out|circle back|revisit|next|in \d+|in (a|an|one|two|three|"
    r"a few|a couple)|once|around|ask me|más adelante|después|ahora no|en unos|el próximo|hit me up)\b"
)


@dataclass(frozen=True)
class Reading:
    label: str
    confidence: float
    layer: str  # keyword, auto_reply, rule, model
    keyword: str | None = None  # stop, start, help, yes (an opt-in that also says yes)
    follow_up: FollowUp | None = None


def _bare(text: str) -> str:
    return re.sub(r"[^\w]", "", text or "").upper()


def warm() -> None:
    """Load the model now (a web worker at start), not on the first reply."""
    predict("")


def read_reply(text: str, *, received: date, channel: str = "sms",
               headers: dict[str, str] | None = None) -> Reading:  # fmt: skip
    """What a reply says, by the layers in order; the model is the live one (the shipped set
    and the corrections last folded in with ``classify-replies --retrain``)."""
    word = keyword(text)
    if word == "stop":
        return Reading("unsubscribe", 1.0, "keyword", word)
    if word == "start" and _bare(text) == "YES":
        # An opt-in keyword, and the answer to "Still interested?": re-subscribed and, above
        # all, a yes for a person to act on.
        return Reading("positive", 0.95, "keyword", "yes")
    if word in ("start", "help"):
        return Reading("unclear", 1.0, "keyword", word)
    if autoreply.by_headers(headers) or autoreply.by_text(text):
        back = autoreply.return_date(text, received)
        follow = FollowUp(back, "day", "return date") if back else None
        return Reading("auto_reply", 0.99, "auto_reply", follow_up=follow)
    said = rules.core(text)
    if rules.revokes(said):
        return Reading("unsubscribe", 0.99, "rule")
    if rules.wrong_contact(said):
        return Reading("wrong_contact", 0.95, "rule")
    label, confidence = predict(said)
    deferred = deferral(said, received)
    if (
        deferred is not None
        and label not in ("negative", "changed")
        and (label != "positive" or confidence < 0.9)
    ):
        return Reading("timing", max(confidence, 0.85), "rule", follow_up=deferred)
    if confidence < HESITANT and (hint := rules.cue(said)) is not None:
        label, confidence = hint, max(confidence, 0.75)
    if label in ("unsubscribe", "auto_reply") and confidence < 0.9:
        # The model may only add to what the rules catch with strong evidence; a weak
        # guess at a revocation is for a person, not an automatic opt-out.
        label = "unclear"
    if confidence < CONFIDENT:
        label = "unclear"
    follow = follow_up_date(text, received) if label == "timing" else None
    return Reading(label, round(confidence, 3), "model", follow_up=follow)


def deferral(text: str, received: date) -> FollowUp | None:
    """A "not now, but then" reply: a time named, with words that put it off."""
    folded = rules.fold(text).lower()
    if not DEFERRAL.search(folded):
        return None
    return said_when(folded, received)
