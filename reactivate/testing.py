"""A small world for tests: one agency with practices North and South, users on both sides.

Another agency's practice (West) stands outside, so agency walls can be tested too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from decimal import Decimal
from types import ModuleType
from unittest import mock

from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone

from reactivate.leads.choices import ContactKind, LeadStatus, Stage, Validity
from reactivate.leads.models import ContactPoint, Lead
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Agency, Membership, Practice

PASSWORD = "correct horse battery staple"


@contextmanager
def splitting_scans(*modules: ModuleType) -> Iterator[list[str]]:
    """Every whole-list scan the modules make split in two id ranges, however small the
    table; yields the ranges the scans were given (empty on PostgreSQL, which never splits)."""
    from reactivate.leads import scans

    parts: list[str] = []
    real = scans.split_scan

    def watched(run, merge):
        return real(lambda part: parts.append(str(part)) or run(part), merge)

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(scans, "SPLIT_FROM", 1))
        for module in modules:
            stack.enter_context(mock.patch.object(module, "split_scan", watched))
        yield parts


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, **extra)


def make_practice(slug: str, **fields) -> Practice:
    """A practice in an agency of its own, for tests that cannot use BaseTestCase's world
    (those that need real transactions)."""
    agency = Agency.objects.create(name=f"{slug} group", slug=f"{slug}-group")
    fields.setdefault("name", slug.title())
    fields.setdefault("timezone", "America/Chicago")
    return Practice.objects.create(agency=agency, slug=slug, **fields)


def make_lead(practice: Practice, first: str, last: str, **fields) -> Lead:
    email = fields.pop("email", None)
    phone = fields.pop("phone", None)
    fields.setdefault("stage", Stage.CONSULTATION)
    fields.setdefault("status", LeadStatus.STALLED)
    fields.setdefault("last_contact_at", timezone.now() - timedelta(days=120))
    lead = Lead.objects.create(practice=practice, first_name=first, last_name=last, **fields)
    for kind, value in ((ContactKind.EMAIL, email), (ContactKind.PHONE, phone)):
        if value:
            ContactPoint.objects.create(
                practice=practice,
                lead=lead,
                kind=kind,
                value=value,
                validity=Validity.VALID,
                is_primary=True,
            )
    return lead


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.agency = Agency.objects.create(name="Smile Partners", slug="smile-partners")
        cls.north = Practice.objects.create(
            agency=cls.agency,
            slug="north",
            name="North Dental",
            timezone="America/Chicago",
            state="IL",
            cost_per_new_lead=Decimal("300"),
        )
        cls.south = Practice.objects.create(
            agency=cls.agency,
            slug="south",
            name="South Smiles",
            timezone="America/New_York",
            state="FL",
        )
        cls.other_agency = Agency.objects.create(name="Elsewhere Group", slug="elsewhere")
        cls.west = Practice.objects.create(
            agency=cls.other_agency,
            slug="west",
            name="West Aesthetics",
            timezone="America/Los_Angeles",
            state="CA",
        )

        cls.north_owner = make_user("nora", first_name="Nora", last_name="Owner")
        cls.north_coordinator = make_user("cole", first_name="Cole", last_name="Coordinator")
        cls.north_viewer = make_user("vic", first_name="Vic", last_name="Viewer")
        cls.south_user = make_user("sam", first_name="Sam", last_name="South")
        cls.operator = make_user("ada", first_name="Ada", last_name="Operator")
        Membership.objects.create(user=cls.north_owner, practice=cls.north, role=Role.OWNER)
        Membership.objects.create(
            user=cls.north_coordinator, practice=cls.north, role=Role.COORDINATOR
        )
        Membership.objects.create(user=cls.north_viewer, practice=cls.north, role=Role.VIEWER)
        Membership.objects.create(user=cls.south_user, practice=cls.south, role=Role.OWNER)
        Membership.objects.create(user=cls.operator, agency=cls.agency, role=Role.AGENCY_OPERATOR)

        cls.north_lead = make_lead(
            cls.north,
            "Maria",
            "Gonzalez",
            treatment="Dental implant",
            estimated_value=Decimal("4500"),
            email="maria.gonzalez@example.com",
            phone="+13125550101",
        )
        cls.south_lead = make_lead(
            cls.south,
            "Samuel",
            "Park",
            treatment="Invisalign",
            estimated_value=Decimal("5500"),
            email="sam.park@example.com",
            phone="+13055550177",
        )


def kill_mid_send(now, *, per_commit: int | None = None) -> None:
    """Run the engine once with a channel that kills the worker at its first call, the way a
    SIGKILL would, and let the claims go as the lease running out would. ``per_commit``
    overrides the sandbox's ``sends_per_commit``."""
    from contextlib import ExitStack
    from unittest import mock

    from reactivate.campaigns.engine import run_due
    from reactivate.campaigns.models import Enrollment

    def die(adapter, outbound):
        raise SystemExit("killed")

    with ExitStack() as stack:
        stack.enter_context(mock.patch("reactivate.channels.sandbox.SandboxAdapter.send", die))
        if per_commit is not None:
            stack.enter_context(
                mock.patch(
                    "reactivate.channels.sandbox.SandboxAdapter.sends_per_commit", per_commit
                )
            )
        try:
            run_due(now)
        except SystemExit:
            pass
        else:
            raise AssertionError("the engine sent nothing, so no worker died mid-send")
    Enrollment.objects.update(claimed_until=None)
