"""`reactivate practice create SLUG --name NAME …` and `reactivate practice list`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from reactivate.tenancy.models import Agency, Practice
from reactivate.tenancy.services import practice_create


class Command(BaseCommand):
    help = "Create and list practices."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a practice.")
        create.add_argument("slug", help="Short name used in URLs and commands, e.g. north-dental")
        create.add_argument("--name", required=True, help="The practice's name as patients know it")
        create.add_argument("--country", default="US", help="ISO country code (default US)")
        create.add_argument("--state", default="", help="State or region code, e.g. CA")
        create.add_argument("--timezone", default="America/New_York", help="IANA time zone")
        create.add_argument("--agency", default="", help="Slug of the agency that runs it")
        sub.add_parser("list", help="One practice a line: slug, then name, time zone, leads.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "create":
            self._create(**options)
        else:
            self._list()

    def _create(
        self, *, slug: str, name: str, country: str, state: str, timezone: str, agency: str, **_
    ) -> None:
        owner = None
        if agency:
            owner = Agency.objects.filter(slug=agency).first()
            if owner is None:
                raise CommandError(f"No agency with slug {agency!r}.")
        if Practice.objects.filter(slug=slug).exists():
            raise CommandError(f"A practice with slug {slug!r} already exists.")
        try:
            practice = practice_create(
                slug=slug, name=name, country=country, state=state, timezone=timezone, agency=owner
            )
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Cannot create practice: {problems}") from exc
        self.stdout.write(f"{practice.slug}\tcreated\t{practice.name}")

    def _list(self) -> None:
        practices = Practice.objects.annotate(lead_count=Count("leads")).order_by("slug")
        for p in practices:
            self.stdout.write(f"{p.slug}\t{p.name}\t{p.timezone}\t{p.lead_count} leads")
