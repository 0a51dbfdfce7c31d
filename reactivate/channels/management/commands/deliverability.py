"""`reactivate deliverability --practice SLUG --segment NAME [--json]`: can a segment's email
addresses get mail? Domains with no mail server, typos, disposable and role addresses,
earlier bounces (channels/email/deliverability.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reactivate.channels.email.deliverability import segment_deliverability
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Check the deliverability of a segment's email addresses before a campaign."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True)
        parser.add_argument("--segment", required=True, help="The segment's name")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, practice: str, segment: str, **options) -> None:
        found = Practice.objects.filter(slug=practice).first()
        if found is None:
            raise CommandError(f"No practice {practice!r}; `reactivate practice list` shows them.")
        chosen = Segment.objects.filter(practice=found, name=segment).first()
        if chosen is None:
            names = ", ".join(Segment.objects.filter(practice=found).values_list("name", flat=True))
            raise CommandError(f"No segment {segment!r}. Segments: {names or 'none yet'}.")
        report = segment_deliverability(chosen, timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(
            f"{report['segment']}: {report['addresses']} addresses on {report['domains']} "
            f"domains; {report['deliverable']} look deliverable."
        )
        for item in report["no_mail_server"]:
            self.stdout.write(f"  no mail server: {item['domain']} ({item['addresses']}): "
                              f"{item['why']}")  # fmt: skip
        for item in report["typos"]:
            self.stdout.write(f"  typo? {item['domain']} → {item['suggestion']} "
                              f"({item['addresses']})")  # fmt: skip
        for key, label in (("disposable", "disposable addresses"), ("role", "role addresses"),
                           ("bounced_before", "bounced before")):  # fmt: skip
            if report[key]:
                self.stdout.write(f"  {label}: {report[key]}")
        if report["unknown"]:
            self.stdout.write(f"  DNS did not answer for: {', '.join(report['unknown'])}")
