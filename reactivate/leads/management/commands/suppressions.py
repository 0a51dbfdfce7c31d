"""`reactivate suppressions list --practice SLUG [--json]`: the practice's do-not-contact list.

``--json`` prints one JSON array of objects with ``value, kind, reason, created_at`` (and
``source``); without it, one suppression a line, tab-separated.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.leads.models import Suppression
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "List a practice's suppressions (opt-outs, complaints, bounces)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Every suppression of the practice, newest first.")
        listing.add_argument("--practice", required=True)
        listing.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, practice: str, **options) -> None:
        found = Practice.objects.filter(slug=practice).first()
        if found is None:
            raise CommandError(f"No practice {practice!r}; `reactivate practice list` shows them.")
        rows = [
            {
                "value": s.value,
                "kind": s.kind,
                "reason": s.reason,
                "created_at": s.created_at.isoformat(),
                "source": s.source,
            }
            for s in Suppression.objects.filter(practice=found).order_by("-created_at", "-id")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            self.stdout.write("\t".join(row[k] for k in ("value", "kind", "reason", "created_at")))
