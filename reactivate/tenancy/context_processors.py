from __future__ import annotations

from django.http import HttpRequest

from reactivate.tenancy.access import practices_for


def current_practice(request: HttpRequest) -> dict:
    """The practice in view and, for the header's switcher, the others the user may open."""
    access = getattr(request, "access", None)
    if access is None:
        return {}
    return {
        "practice": access.practice,
        "access": access,
        "switchable_practices": practices_for(request.user).only("slug", "name"),
    }
