"""`reactivate classify-replies IN.csv --out OUT.csv [--received-at YYYY-MM-DD]`

IN has columns ``id, channel, text``; OUT gets ``id, label, confidence, followup_date`` (an
ISO date for ``timing`` replies and for auto-replies that give their return, else empty),
read by the same code as live replies (replies.understand.read_reply). ``--retrain`` first
folds the replies people corrected into the live model, for this run and for every reply
after it.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reactivate.replies.manual import training_examples
from reactivate.replies.understand import read_reply
from reactivate.replies.understand.model import fold_in

NEEDED = {"id", "text"}


class Command(BaseCommand):
    help = "Read each reply of a CSV (id, channel, text) into a label, a confidence and a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", metavar="IN.csv")
        parser.add_argument("--out", required=True, metavar="OUT.csv")
        parser.add_argument(
            "--retrain", action="store_true",
            help="First fold the replies people corrected (Replies → put right) into the live "
            "model, for these replies and every reply after.",
        )  # fmt: skip
        parser.add_argument(
            "--received-at",
            default="",
            metavar="YYYY-MM-DD",
            help="The day the replies came (default today): dates count from it.",
        )

    def handle(self, *args, input: str, out: str, received_at: str, **options) -> None:
        received = self._day(received_at)
        source = Path(input)
        if not source.is_file():
            raise CommandError(f"No file {input!r}.")
        with source.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = {c.strip().lower() for c in reader.fieldnames or []}
            if not columns >= NEEDED:
                raise CommandError(
                    f"{input} needs the columns id, channel, text; it has "
                    f"{', '.join(sorted(columns)) or 'none'}."
                )
            rows = [{k.strip().lower(): v for k, v in row.items() if k} for row in reader]
        if options.get("retrain"):
            folded = fold_in(training_examples())
            self.stderr.write(f"{folded} corrected replies folded into the live model")
        with Path(out).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=["id", "label", "confidence", "followup_date"]
            )
            writer.writeheader()
            for row in rows:
                reading = read_reply(
                    row.get("text") or "",
                    received=received,
                    channel=(row.get("channel") or "sms").strip().lower(),
                )
                follow = reading.follow_up.on.isoformat() if reading.follow_up else ""
                writer.writerow(
                    {
                        "id": row.get("id", ""),
                        "label": reading.label,
                        "confidence": f"{reading.confidence:.3f}",
                        "followup_date": follow,
                    }
                )
        self.stdout.write(f"{len(rows)} replies read into {out}")

    @staticmethod
    def _day(value: str) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--received-at is YYYY-MM-DD, not {value!r}") from exc
