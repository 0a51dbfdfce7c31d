"""`reactivate lift --treated X/N --holdout Y/M [--json]`: the dashboard's lift statistics
from counts a practice has elsewhere (X of N treated leads came back, Y of M held out)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.metrics.stats import lift, parse_share

KEYS = ("difference", "ci_low", "ci_high", "treated_ci", "holdout_ci", "significant",
        "more_leads_needed")  # fmt: skip


class Command(BaseCommand):
    help = "Lift of a treated group over a holdout, with 95% intervals (Wilson, Newcombe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--treated",
            required=True,
            metavar="X/N",
            help="Treated leads with the outcome / treated leads.",
        )
        parser.add_argument(
            "--holdout",
            required=True,
            metavar="Y/M",
            help="Held-out leads with the outcome / held-out leads.",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, treated: str, holdout: str, **options) -> None:
        try:
            a, b = parse_share(treated), parse_share(holdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result = lift(a, b)
        figures = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(
                {key: figures[key] for key in KEYS}
                | {"treated": figures["treated"], "holdout": figures["holdout"]}, indent=2,
            ))  # fmt: skip
            return
        low, high = figures["treated_ci"]
        self.stdout.write(f"treated  {a.count}/{a.total} = {100 * a.rate:.1f}% "
                          f"(95% CI {100 * low:.1f}-{100 * high:.1f}%)")  # fmt: skip
        low, high = figures["holdout_ci"]
        self.stdout.write(f"holdout  {b.count}/{b.total} = {100 * b.rate:.1f}% "
                          f"(95% CI {100 * low:.1f}-{100 * high:.1f}%)")  # fmt: skip
        self.stdout.write(result.in_words("the outcome"))
