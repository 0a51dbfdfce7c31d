"""When a "not now" reply means to be asked again: the earliest sensible follow-up date.

"after the holidays", "next spring", "in March", "in 3 months", "after my wedding in June",
"después de Semana Santa": a small rule layer for what people say, the ``holidays`` package
and Easter's date for named holidays, dateparser for the explicit dates left over. Every
answer is a date in the practice's calendar, counted from the day the reply came, with its
granularity (day, week, month, season, year); none given → 90 days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser.search
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from reactivate.replies.understand.rules import fold

DEFAULT_DAYS = 90
MONTHS = {name: i for i, names in enumerate([
    (), ("january", "jan", "enero"), ("february", "feb", "febrero"), ("march", "mar", "marzo"),
    ("april", "apr", "abril"), ("may", "mayo"), ("june", "jun", "junio"), ("july", "jul", "julio"),
    ("august", "aug", "agosto"), ("september", "sept", "sep", "septiembre"),
    ("october", "oct", "octubre"), ("november", "nov", "noviembre"),
    ("december", "dec", "diciembre"),
]) for name in names}  # fmt: skip
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "couple": 2, "a couple": 2, "few": 3, "a few": 3,
           "three": 3, "four": 4, "five": 5, "six": 6, "several": 4, "un": 1, "una": 1, "dos": 2,
           "unos": 3, "unas": 3, "tres": 3, "seis": 6}  # fmt: skip
SEASONS = {"spring": (3, 20), "primavera": (3, 20), "summer": (6, 21), "verano": (6, 21),
           "fall": (9, 22), "autumn": (9, 22), "otoño": (9, 22), "winter": (12, 21),
           "invierno": (12, 21)}  # fmt: skip
MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class FollowUp:
    on: date
    granularity: str  # day, week, month, season, year
    said: str  # the words it was read from ("" for the default)


def follow_up_date(text: str, received: date) -> FollowUp:
    folded = fold(text).lower()
    for rule in RULES:
        found = rule(folded, received)
        if found is not None:
            return found
    explicit = _explicit(folded, received)
    if explicit is not None:
        return explicit
    return FollowUp(received + timedelta(days=DEFAULT_DAYS), "month", "")


def said_when(folded: str, received: date) -> FollowUp | None:
    """The time the words name, when they name one (no default)."""
    for rule in RULES:
        found = rule(folded, received)
        if found is not None:
            return found
    return None


def _next(month: int, day: int, received: date, *, after: bool = False) -> date:
    """The next time it is ``month``/``day`` (this year, else next); ``after`` skips today."""
    candidate = date(received.year, month, day)
    if candidate < received or (after and candidate == received):
        candidate = date(received.year + 1, month, day)
    return candidate


def _relative(folded: str, received: date) -> FollowUp | None:
    match = re.search(r"\b(?:in|within|en|dentro de)\s+(?:about\s+|like\s+)?(\d+|a couple of|a couple|"
                      r"couple of|a few|few|several|an?|one|two|three|four|five|six|unos|unas|dos|tres|seis|un|una)"
                      r"\s+(?:more\s+)?(day|week|month|year|d[ií]a|semana|mes|año)", folded)  # fmt: skip
    if match is None:
        match = re.search(r"\b(\d+)\s+(day|week|month|year)s?\b", folded)
        if match is None:
            return None
    amount = match.group(1).replace(" of", "")
    n = int(amount) if amount.isdigit() else NUMBERS.get(amount, 1)
    unit = match.group(2)
    if unit in ("day", "día", "dia"):
        return FollowUp(received + timedelta(days=n), "day", match.group(0))
    if unit in ("week", "semana"):
        return FollowUp(received + timedelta(weeks=n), "week", match.group(0))
    if unit in ("year", "año"):
        return FollowUp(received + relativedelta(years=n), "year", match.group(0))
    return FollowUp(received + relativedelta(months=n), "month", match.group(0))


def _holidays(folded: str, received: date) -> FollowUp | None:
    if re.search(r"\b(holidays|fiestas|navidades)\b", folded) or re.search(
        r"\b(christmas|navidad|new year|año nuevo|nuevo año|new years)\b", folded
    ):
        # After the year-end holidays: the first Monday after New Year's Day.
        new_year = date(received.year + (received.month >= 2), 1, 1)
        if received.month == 1 and received.day > 7:
            new_year = date(received.year + 1, 1, 1)
        start = new_year + timedelta(days=1)
        return FollowUp(start + timedelta(days=(7 - start.weekday()) % 7), "week", "holidays")
    if "thanksgiving" in folded:
        nov = date(received.year, 11, 1)
        day = nov + timedelta(days=(3 - nov.weekday()) % 7 + 21)
        if day < received:
            nov = date(received.year + 1, 11, 1)
            day = nov + timedelta(days=(3 - nov.weekday()) % 7 + 21)
        return FollowUp(day + timedelta(days=4), "week", "thanksgiving")
    if re.search(r"\b(semana santa|easter|pascua)\b", folded):
        sunday = easter(received.year)
        if sunday < received:
            sunday = easter(received.year + 1)
        return FollowUp(sunday + timedelta(days=8), "week", "easter")
    if re.search(r"\btax (season|day|time)\b", folded):
        return FollowUp(_next(4, 16, received), "week", "tax season")
    if re.search(r"\b(back (in|to) school|school starts)\b", folded):
        return FollowUp(_next(9, 8, received), "week", "back to school")
    return None


def _after_month(folded: str, received: date) -> FollowUp | None:
    """ "after my wedding in June", "after June": the month after it."""
    match = re.search(
        rf"\b(after|después de|despues de|post)\b[^.?!]{{0,40}}?\b({MONTH_WORDS})\b", folded
    )
    if match is None:
        return None
    month = MONTHS[match.group(2)]
    on = _next(month, 1, received)
    return FollowUp(on + relativedelta(months=1), "month", match.group(0))


def _month(folded: str, received: date) -> FollowUp | None:
    match = re.search(
        rf"\b(?:in|until|till|around|by|before|en|hasta|para)\s+(?:early\s+|late\s+|mid\s+)?({MONTH_WORDS})\b",
        folded,
    )
    if match is None:
        match = re.search(rf"^\W*(?:talk|maybe|try)?\s*(?:in\s+)?({MONTH_WORDS})\W*$", folded)
        if match is None:
            return None
    month = MONTHS[match.group(1)]
    if month == received.month:
        return FollowUp(received + timedelta(days=7), "week", match.group(0))
    return FollowUp(_next(month, 1, received), "month", match.group(0))


def _season(folded: str, received: date) -> FollowUp | None:
    match = re.search(
        r"\b(spring|summer|fall|autumn|winter|primavera|verano|otoño|invierno)\b", folded
    )
    if match is None:
        return None
    month, day = SEASONS[match.group(1)]
    start = _next(month, day, received, after=True)
    if re.search(r"\b(after|end of|después)\b", folded):
        start = start + relativedelta(months=3)
    elif "next" in folded and start.year == received.year and (start - received).days < 60:
        start = date(received.year + 1, month, day)
    return FollowUp(start, "season", match.group(0))


def _coarse(folded: str, received: date) -> FollowUp | None:
    if re.search(r"\b(next|new|el próximo|el proximo) (year|año)\b", folded):
        return FollowUp(date(received.year + 1, 1, 15), "year", "next year")
    if re.search(r"\b(later this year|end of the year|end of year|fin de año)\b", folded):
        return FollowUp(
            max(date(received.year, 10, 1), received + timedelta(days=30)),
            "month",
            "later this year",
        )
    if re.search(r"\bnext month|el próximo mes|el mes que viene\b", folded):
        return FollowUp((received + relativedelta(months=1)).replace(day=1), "month", "next month")
    if re.search(r"\bnext week|la próxima semana|la semana que viene\b", folded):
        return FollowUp(received + timedelta(days=7 - received.weekday()), "week", "next week")
    if re.search(r"\b(later|más adelante|mas adelante)\b", folded):
        return None
    return None


def _explicit(folded: str, received: date) -> FollowUp | None:
    base = datetime.combine(received, datetime.min.time())
    found = dateparser.search.search_dates(
        folded, languages=["en", "es"],
        settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base},
    ) if re.search(r"\d|monday|tuesday|wednesday|thursday|friday|tomorrow|mañana", folded) else None  # fmt: skip
    if not found:
        return None
    said, moment = found[0]
    if moment.date() <= received:
        return None
    return FollowUp(moment.date(), "day", said)


# Most specific first: a named holiday or "after <month>" beats the month alone.
RULES = [_relative, _holidays, _after_month, _month, _season, _coarse]
