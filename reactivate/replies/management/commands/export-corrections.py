"""`reactivate export-corrections --out FILE.csv [--practice SLUG]`

The replies people corrected, as training examples: ``id, practice, channel, text, label,
corrected_from, corrected_by``. The same pairs ``classify-replies --retrain`` folds into the
live model; exported, they can be reviewed, shared or added to the shipped set.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.replies.models import Reply
from reactivate.tenancy.models import Practice

COLUMNS = ["id", "practice", "channel", "text", "label", "corrected_from", "corrected_by"]


class Command(BaseCommand):
    help = "Write the replies people corrected to a CSV of training examples."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="FILE.csv")
        parser.add_argument("--practice", default="", help="Only this practice's (slug).")

    def handle(self, *args, out: str, practice: str, **options) -> None:
        rows = Reply.objects.exclude(corrected_from="").select_related(
            "practice", "inbound", "corrected_by"
        )
        if practice:
            found = Practice.objects.filter(slug=practice).first()
            if found is None:
                raise CommandError(
                    f"No practice {practice!r}; `reactivate practice list` shows them."
                )
            rows = rows.filter(practice=found)
        count = 0
        with Path(out).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for reply in rows.order_by("id").iterator():
                writer.writerow([
                    reply.pk, reply.practice.slug if reply.practice else "",
                    reply.inbound.channel, reply.text, reply.label, reply.corrected_from,
                    reply.corrected_by.username if reply.corrected_by else "",
                ])  # fmt: skip
                count += 1
        self.stdout.write(f"{count} corrected replies written to {out}")
