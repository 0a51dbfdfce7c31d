"""`reactivate assess --practice SLUG [--json] [--csv OUT] [--pdf OUT]`: the list, audited."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.segments.assessment import assess
from reactivate.segments.reports import assessment_csv, assessment_pdf, assessment_text
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Assess a practice's stalled leads: age, stage, reasons, value, data quality, health."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="Practice slug")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")
        parser.add_argument("--csv", type=Path, help="Also write the report as CSV here")
        parser.add_argument("--pdf", type=Path, help="Also write the report as PDF here")

    def handle(self, *args, practice: str, **options) -> None:
        target = Practice.objects.filter(slug=practice).first()
        if target is None:
            raise CommandError(
                f"No practice with slug {practice!r} (see `reactivate practice list`)."
            )
        report = assess(target)
        try:
            if options["csv"]:
                options["csv"].write_text(assessment_csv(report), encoding="utf-8")
            if options["pdf"]:
                options["pdf"].write_bytes(assessment_pdf(target, report))
        except OSError as exc:
            raise CommandError(f"Cannot write the report: {exc.strerror}: {exc.filename}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(assessment_text(target, report))
