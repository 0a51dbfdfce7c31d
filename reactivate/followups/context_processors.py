from __future__ import annotations

from django.http import HttpRequest

from reactivate.followups.selectors import unread_alerts


def alerts(request: HttpRequest) -> dict:
    """How many follow-ups were given to this user since they last looked (the menu's count)."""
    access = getattr(request, "access", None)
    if access is None:
        return {}
    return {"unread_alerts": unread_alerts(request.user, access.practice)}
