"""`reactivate metrics --practice SLUG [--campaign NAME] [--json] [--breakdowns] [--pdf OUT]
[--send-weekly]`: the program's figures as docs/metrics.md defines them, the same the
dashboard shows; `--send-weekly` emails the owner's weekly report now."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.campaigns.models import Campaign
from reactivate.metrics.report import metrics
from reactivate.metrics.text import summary_lines
from reactivate.metrics.weekly import send_weekly_reports, weekly_pdf
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Response, reactivation, pipeline, cost per reactivated lead and lift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True)
        parser.add_argument("--campaign", help="One campaign, by name (default: the program).")
        parser.add_argument("--json", action="store_true", help="One JSON object.")
        parser.add_argument(
            "--breakdowns",
            action="store_true",
            help="Also by channel, dormancy reason, cycle, step, campaign.",
        )
        parser.add_argument("--pdf", metavar="OUT", help="Also write the report as a PDF.")
        parser.add_argument(
            "--send-weekly",
            action="store_true",
            help="Email this week's report to the owners and managers now.",
        )

    def handle(self, *args, practice: str, campaign: str | None, **options) -> None:
        found = Practice.objects.filter(slug=practice).first()
        if found is None:
            raise CommandError(f"No practice {practice!r}; `reactivate practice list` shows them.")
        chosen = None
        if campaign is not None:
            chosen = Campaign.objects.filter(practice=found, name=campaign).first()
            if chosen is None:
                names = ", ".join(Campaign.objects.filter(practice=found)
                                  .values_list("name", flat=True)) or "none yet"  # fmt: skip
                raise CommandError(f"No campaign {campaign!r} at {found.slug}; its campaigns: "
                                   f"{names}.")  # fmt: skip
        if options["send_weekly"]:
            sent = send_weekly_reports(found, force=True)
            self.stdout.write(f"Weekly report sent to {sent} owners and managers."
                              if sent else "Nothing sent: already sent this week, or no owner "
                              "or manager has an email address.")  # fmt: skip
            return
        report = metrics(found, chosen, breakdowns=options["breakdowns"] or bool(options["pdf"]))
        if options["pdf"]:
            Path(options["pdf"]).write_bytes(weekly_pdf(found, report))
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, default=str))
            return
        for line in summary_lines(report):
            self.stdout.write(line)
