from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.tenancy.models import Practice


def audit_record(
    *,
    practice: Practice,
    actor: AbstractBaseUser | None,
    action: AuditAction,
    obj: object,
    detail: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        practice=practice,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(getattr(obj, "pk", "")),
        detail=detail or {},
    )
