"""Merge fields: what `{{ first_name }}` and friends become for one lead, never blank.

Every field has a fallback in each language, chosen to read naturally where the field sits
in the starter playbooks ("Hi {{ first_name }}," → "Hi there,"). The set of fields is closed:
a template naming any other field is reported, not guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from reactivate.core.phones import format_national
from reactivate.leads.choices import Stage
from reactivate.leads.models import Lead
from reactivate.tenancy.models import Practice

LANGUAGES = ("en", "es")

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}

STAGE_PHRASES = {
    "en": {
        Stage.FORM: "your inquiry",
        Stage.INFO_REQUEST: "the information you asked for",
        Stage.CONSULTATION: "your consultation",
        Stage.TREATMENT_PLAN: "your treatment plan",
    },
    "es": {
        Stage.FORM: "su consulta",
        Stage.INFO_REQUEST: "la información que nos pidió",
        Stage.CONSULTATION: "su cita de valoración",
        Stage.TREATMENT_PLAN: "su plan de tratamiento",
    },
}

FALLBACKS = {
    "en": {
        "first_name": "there",
        "treatment": "your treatment",
        "last_month": "recently",
        "last_contact": "a while ago",
        "stage": "your inquiry",
        "coordinator_name": "The team",
        "practice_name": "our office",
        "practice_phone": "our office",
        "practice_address": "",
        "booking_link": "",
        "unsubscribe_link": "",
        "follow_up_month": "later on",
    },
    "es": {
        "first_name": "de nuevo",
        "treatment": "su tratamiento",
        "last_month": "hace poco",
        "last_contact": "hace un tiempo",
        "stage": "su consulta",
        "coordinator_name": "El equipo",
        "practice_name": "nuestra clínica",
        "practice_phone": "nuestra clínica",
        "practice_address": "",
        "booking_link": "",
        "unsubscribe_link": "",
        "follow_up_month": "más adelante",
    },
}
FIELDS = tuple(FALLBACKS["en"])
# Fields that name the treatment: PHI-safe mode replaces them with the neutral phrase.
PHI_FIELDS = ("treatment",)
PHI_SAFE = {"en": "your consultation", "es": "su consulta"}
# A field that says something about the earlier conversation: what makes a message specific.
DETAIL_FIELDS = ("treatment", "last_month", "last_contact", "stage")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def clean_value(value: object, limit: int = 200) -> str:
    """Lead data as one line of plain text: control characters and runs of space collapsed."""
    text = _CONTROL.sub(" ", str(value or ""))
    return " ".join(text.split())[:limit]


def month_phrase(moment: datetime | None, zone: str, language: str, now: datetime) -> str:
    """'March', or 'March 2025' when it was not this year ('marzo de 2025' in Spanish)."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(zone))
    name = MONTHS[language].split()[local.month - 1]
    if local.year == now.astimezone(ZoneInfo(zone)).year:
        return name
    return f"{name} {local.year}" if language == "en" else f"{name} de {local.year}"


@dataclass
class MergeContext:
    language: str = "en"
    values: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> tuple[str, bool]:
        """The value for ``name`` and whether its fallback was used."""
        value = self.values.get(name, "")
        if value:
            return value, False
        return FALLBACKS[self.language][name], True


def lead_context(
    lead: Lead,
    *,
    practice: Practice | None = None,
    coordinator: str = "",
    unsubscribe_link: str = "",
    language: str | None = None,
    phi_safe: bool | None = None,
    now: datetime | None = None,
    follow_up_on: date | None = None,
) -> MergeContext:
    practice = practice or lead.practice
    language = language or (
        lead.preferred_language if lead.preferred_language in LANGUAGES else "en"
    )
    now = now or timezone.now()
    phi_safe = practice.phi_safe if phi_safe is None else phi_safe
    last = lead.last_contact_at or lead.inquired_at
    month = month_phrase(last, practice.timezone, language, now)
    contact = ""
    if month:
        contact = f"back in {month}" if language == "en" else f"en {month}"
    values = {
        "first_name": clean_value(lead.first_name, 60),
        "treatment": PHI_SAFE[language] if phi_safe else clean_value(lead.treatment, 80),
        "last_month": month,
        "last_contact": contact,
        "stage": STAGE_PHRASES[language].get(lead.stage, ""),
        "coordinator_name": clean_value(coordinator, 80),
        "unsubscribe_link": unsubscribe_link,
        # The month a lead asked to hear from us again ("I'll check back in March").
        "follow_up_month": _month_name(follow_up_on, language, now),
        **practice_values(practice),
    }
    return MergeContext(language=language, values=values)


def _month_name(day: date | None, language: str, now: datetime) -> str:
    if day is None:
        return ""
    name = MONTHS[language].split()[day.month - 1]
    if day.year == now.year:
        return name
    return f"{name} {day.year}" if language == "en" else f"{name} de {day.year}"


def practice_values(practice: Practice) -> dict[str, str]:

    phone = format_national(practice.phone, practice.country) if practice.phone else ""
    return {
        "practice_name": clean_value(practice.name, 120),
        "practice_phone": phone,
        "practice_address": clean_value(practice.postal_address, 300),
        "booking_link": practice.booking_url or phone,
    }
