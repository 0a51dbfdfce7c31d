from __future__ import annotations

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone as clock

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.tenancy.models import Agency, Practice

DEFAULT_AGENCY_SLUG = "default"


def practice_create(
    *,
    slug: str,
    name: str,
    country: str = "US",
    state: str = "",
    timezone: str = "America/New_York",
    agency: Agency | None = None,
) -> Practice:
    """Create a practice, checking every field; practices without an agency join the default one."""
    if timezone not in available_timezones():
        raise ValidationError({"timezone": f"{timezone!r} is not an IANA time zone name"})
    with transaction.atomic():
        if agency is None:
            agency, _ = Agency.objects.get_or_create(
                slug=DEFAULT_AGENCY_SLUG, defaults={"name": "Default agency"}
            )
        practice = Practice(
            agency=agency,
            slug=slug,
            name=name,
            country=country.upper(),
            state=state.upper(),
            timezone=timezone,
        )
        practice.full_clean()
        practice.save()
    return practice


# Settings that move when a message may go out: changing one re-plans the waiting sends.
WINDOW_FIELDS = frozenset(
    {"timezone", "send_days", "send_from_hour", "send_until_hour", "holidays", "public_holidays",
     "country", "state", "max_touches_per_day", "max_touches_per_week"}
)  # fmt: skip


def practice_update(*, practice: Practice, changes: dict[str, object], actor) -> Practice:
    """Change a practice's settings, checked as a whole, and record who changed which.

    A change to the sending window leaves a mark (``window_changed_at``) that the campaign
    engine picks up on its next pass to re-plan the sends waiting for the old window.
    """
    if not changes:
        return practice
    with transaction.atomic():
        for name, value in changes.items():
            setattr(practice, name, value)
        practice.__dict__.pop("holiday_dates", None)  # computed from the old settings
        fields = list(changes)
        if WINDOW_FIELDS & set(changes):
            practice.window_changed_at = clock.now()
            fields.append("window_changed_at")
        practice.full_clean()
        practice.save(update_fields=fields)
        audit_record(
            practice=practice,
            actor=actor,
            action=AuditAction.PRACTICE_CHANGED,
            obj=practice,
            detail={"fields": sorted(changes)},
        )
    return practice
