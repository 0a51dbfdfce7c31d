"""A practice's team: invite someone with a role, change a role, remove a member.

The invited person sets their own password through a signed, expiring link (Django's
password-reset token); nobody else ever sees or chooses it. A practice always keeps an owner.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.core.phones import parse_phone
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership, Practice


class TeamError(Exception):
    pass


def set_password_link(user) -> str:
    """The signed link that lets ``user`` choose a password (it expires, and stops working
    once used, since it is bound to the current password hash)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def member_invite(
    *, practice: Practice, username: str, email: str, role: str, actor, first_name="", last_name=""
) -> tuple[Membership, str]:
    """Add a person (new or already a user elsewhere) with a role; returns the membership and
    the path of the link that lets a new user set a password ("" for an existing user)."""
    if role not in Role.values or role == Role.AGENCY_OPERATOR:
        raise TeamError("Pick a practice role.")
    users = get_user_model().objects
    with transaction.atomic():
        user = users.filter(username=username).first()
        created = user is None
        if created:
            user = users.create_user(
                username=username, email=email, first_name=first_name, last_name=last_name
            )  # no password yet: unusable until they set one through the link
        elif Membership.objects.filter(user=user, practice=practice).exists():
            raise TeamError(f"{username} is already on the team.")
        membership = Membership.objects.create(user=user, practice=practice, role=role)
        _audit(practice, actor, AuditAction.MEMBER_INVITED, user, role=role, new_user=created)
    return membership, set_password_link(user) if created else ""


def member_set_role(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values or role == Role.AGENCY_OPERATOR:
        raise TeamError("Pick a practice role.")
    with transaction.atomic():
        membership = _locked(membership)
        if membership.role == Role.OWNER and role != Role.OWNER:
            _keep_an_owner(membership)
        before, membership.role = membership.role, role
        membership.save(update_fields=["role"])
        _audit(membership.practice, actor, AuditAction.MEMBER_ROLE_CHANGED, membership.user,
               role=role, before=before)  # fmt: skip
    return membership


def member_set_alert_phone(*, membership: Membership, phone: str, actor) -> Membership:
    """Where the member's reply alerts go by text (blank: by email and in the app only)."""
    value = ""
    if phone.strip():
        value, problem, _, _ = parse_phone(phone, membership.practice.country or "US")
        if value is None:
            raise TeamError(f"{phone.strip()} is {problem}.")
    with transaction.atomic():
        membership = _locked(membership)
        before, membership.alert_phone = membership.alert_phone, value
        membership.save(update_fields=["alert_phone"])
        _audit(membership.practice, actor, AuditAction.MEMBER_ALERTS_CHANGED, membership.user,
               alert_phone=value, before=before)  # fmt: skip
    return membership


def member_remove(*, membership: Membership, actor) -> None:
    with transaction.atomic():
        membership = _locked(membership)
        if membership.role == Role.OWNER:
            _keep_an_owner(membership)
        membership.delete()
        _audit(membership.practice, actor, AuditAction.MEMBER_REMOVED, membership.user,
               role=membership.role)  # fmt: skip


def _locked(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("practice", "user")
        .get(pk=membership.pk)
    )


def _keep_an_owner(membership: Membership) -> None:
    owners = Membership.objects.filter(practice=membership.practice, role=Role.OWNER)
    if not owners.exclude(pk=membership.pk).exists():
        raise TeamError("A practice keeps at least one owner: make someone else owner first.")


def _audit(practice, actor, action, user, **detail) -> None:
    audit_record(
        practice=practice,
        actor=actor,
        action=action,
        obj=user,
        detail={"username": user.get_username(), **detail},
    )
