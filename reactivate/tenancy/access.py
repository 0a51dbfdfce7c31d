"""The one public access check. Every view and query that touches practice data goes through here.

A practice the user may not see does not exist for them: callers get Http404, never 403, so
that slugs and lead ids cannot be probed across the wall.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reactivate.tenancy.choices import EDIT_ROLES, MANAGE_ROLES, Role
from reactivate.tenancy.models import Membership, Practice

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class PracticeAccess:
    practice: Practice
    role: Role

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGE_ROLES


def practices_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Practice]:
    """Every practice the user may open: its own memberships plus its agencies' practices."""
    if not user.is_authenticated:
        return Practice.objects.none()
    return Practice.objects.filter(
        Q(memberships__user=user) | Q(agency__memberships__user=user)
    ).distinct()


def access_for(user: AbstractBaseUser | AnonymousUser, practice: Practice) -> PracticeAccess:
    """The user's role on ``practice``; Http404 when it has none."""
    if not user.is_authenticated:
        raise Http404("No such practice")
    memberships = list(
        Membership.objects.filter(Q(practice=practice) | Q(agency_id=practice.agency_id), user=user)
    )
    if not memberships:
        raise Http404("No such practice")
    # A direct practice role outranks the agency-wide one when a user has both.
    chosen = min(memberships, key=lambda m: m.practice_id is None)
    return PracticeAccess(practice=practice, role=Role(chosen.role))


def access_by_slug(user: AbstractBaseUser | AnonymousUser, slug: str) -> PracticeAccess:
    practice = Practice.objects.filter(slug=slug).first()
    if practice is None:
        raise Http404("No such practice")
    return access_for(user, practice)


def practice_view(*, edit: bool = False, manage: bool = False) -> Callable:
    """Resolve the ``slug`` URL argument into ``request.access`` (and check the role).

    GET/HEAD need only membership; ``edit``/``manage`` apply to other methods, so one view
    can show a form to everyone and refuse the POST to viewers.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = access_by_slug(request.user, slug)
            if request.method not in ("GET", "HEAD"):
                if (manage and not access.can_manage) or (edit and not access.can_edit):
                    raise PermissionDenied("Your role on this practice cannot make changes.")
                if not (edit or manage):
                    raise PermissionDenied("This page only reads.")
            request.access = access
            request.practice = access.practice
            if request.session.get("practice") != access.practice.slug:
                request.session["practice"] = access.practice.slug
            # Dates on every page read in the practice's own local time.
            with timezone.override(ZoneInfo(access.practice.timezone)):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator
