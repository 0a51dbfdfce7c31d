"""Low pressure: no deadlines, no pitch, no promises, no regret, no blame."""

from __future__ import annotations

from reactivate.messaging.lint.base import Finding, Text
from reactivate.messaging.lint.phrases import BLAME, DISCOUNT, PRESSURE, PROMISES, REGRET

RULES = ("pressure", "discount", "promise", "regret", "blame")


def check(t: Text) -> list[Finding]:
    found = []
    pressure = t.has(PRESSURE)
    if pressure:
        found.append(
            Finding(
                "pressure",
                "low_pressure",
                "fail",
                f"“{pressure}” puts pressure on someone who went quiet.",
                "You're checking in, not pitching: drop the deadline.",
            )
        )
    discount = t.has(DISCOUNT)
    if discount:
        first = t.m.first_touch
        found.append(
            Finding(
                "discount",
                "low_pressure",
                "fail" if first else "warn",
                f"“{discount}” turns a check-in into a pitch"
                + (" in a first touch." if first else "."),
                "Restart the conversation first; talk about price if they ask.",
            )
        )
    found += _promises_regret_blame(t)
    return found


def _promises_regret_blame(t: Text) -> list[Finding]:
    found = []
    promise = t.has(PROMISES)
    if promise:
        found.append(
            Finding(
                "promise",
                "low_pressure",
                "fail",
                f"“{promise}” promises what no practice can; health advertising must not.",
                "Describe what the visit is for, not a result: “we can go over your options”.",
            )
        )
    regret = t.has(REGRET)
    if regret:
        found.append(
            Finding(
                "regret",
                "low_pressure",
                "fail",
                f"“{regret}” pressures with fear of missing out.",
                "Leave the decision with them: “whenever the timing is right”.",
            )
        )
    blame = t.has(BLAME)
    if blame:
        found.append(
            Finding(
                "blame",
                "low_pressure",
                "fail",
                f"“{blame}” blames them for going quiet; people don't answer a scolding.",
                "Take the blame off: “I realised we never followed up properly.”",
            )
        )
    return found
