from __future__ import annotations

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction

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


def practice_update(*, practice: Practice, changes: dict[str, object], actor) -> Practice:
    """Change a practice's settings, checked as a whole, and record who changed which."""
    if not changes:
        return practice
    with transaction.atomic():
        for name, value in changes.items():
            setattr(practice, name, value)
        practice.full_clean()
        practice.save(update_fields=list(changes))
        audit_record(
            practice=practice,
            actor=actor,
            action=AuditAction.PRACTICE_CHANGED,
            obj=practice,
            detail={"fields": sorted(changes)},
        )
    return practice
