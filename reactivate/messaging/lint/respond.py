"""Easy to respond to: one simple yes/no question, last, and at most one link."""

from __future__ import annotations

import re

from reactivate.messaging.lint.base import LINK, OPT_OUT, Finding, Text
from reactivate.messaging.lint.phrases import OPEN_STARTS
from reactivate.messaging.render import MERGE_FIELD

RULES = ("no-question", "many-questions", "open-question", "question-not-last", "links")


def check(t: Text) -> list[Finding]:
    if t.m.channel not in ("email", "sms", "letter"):
        return []  # a call is a conversation
    found = []
    if not t.questions:
        found.append(
            Finding(
                "no-question",
                "easy_to_respond",
                "fail",
                "There is no question to answer.",
                "End with one yes/no question, e.g. “Still interested?”",
            )
        )
    elif len(t.questions) > 1:
        found.append(
            Finding(
                "many-questions",
                "easy_to_respond",
                "fail",
                f"{len(t.questions)} questions.",
                "Ask one simple yes/no question.",
            )
        )
    else:
        found += _the_question(t)
    links = len(LINK.findall(t.m.body)) + len(t.used & {"booking_link"})
    if links > 1:
        level = "fail" if links > 2 else "warn"
        found.append(
            Finding("links", "easy_to_respond", level, f"{links} links.", "At most one link.")
        )
    return found


def is_open(question: str, language: str) -> bool:
    # The clause that asks: "Hi Ana, about X: what would help?" asks "what would help".
    clause = re.split(r"[,:;\u2014]", MERGE_FIELD.sub("X", question))[-1]
    words = clause.strip().lower().split()
    first = words[0] if words else ""
    return first in OPEN_STARTS.get(language, ()) or first in OPEN_STARTS["en"]


def _the_question(t: Text) -> list[Finding]:
    found = []
    if is_open(t.questions[0], t.language):
        found.append(
            Finding(
                "open-question",
                "easy_to_respond",
                "warn",
                "An open question asks for effort; a yes/no one gets answered.",
                "Ask it so it can be answered yes or no: “Still thinking about it?”",
            )
        )
    # The opt-out line may follow the question; anything else after it buries it.
    tail = [s for s in t.sentences if not OPT_OUT.search(s)][-3:]
    if not any("?" in s for s in tail):
        found.append(
            Finding(
                "question-not-last",
                "easy_to_respond",
                "warn",
                "The question is buried.",
                "End with the question.",
            )
        )
    return found
