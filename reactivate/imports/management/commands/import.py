"""`reactivate import FILE --practice SLUG [--preset NAME|auto] [--mapping M.json] [--dry-run]
[--report OUT.csv] [--json]`"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from reactivate.imports.mapping import AUTO, MappingError
from reactivate.imports.presets import PRESETS
from reactivate.imports.reading import UnreadableFile
from reactivate.imports.services import import_run
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Import a CRM export (CSV or XLSX) into a practice's leads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--practice", required=True, help="Practice slug")
        parser.add_argument("--preset", default=AUTO, choices=[AUTO, *PRESETS])
        parser.add_argument("--mapping", type=Path, help='JSON: {"Column": "field", …}')
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; store nothing"
        )
        parser.add_argument("--report", type=Path, help="Write one CSV line per input row here")
        parser.add_argument(
            "--json", action="store_true", help="Print the counts as one JSON object"
        )

    def handle(
        self,
        *args,
        file: Path,
        practice: str,
        preset: str,
        mapping: Path | None,
        dry_run: bool,
        report: Path | None,
        json: bool,
        **options,
    ) -> None:
        target = Practice.objects.filter(slug=practice).first()
        if target is None:
            raise CommandError(
                f"No practice with slug {practice!r} (see `reactivate practice list`)."
            )
        if report is not None and not report.resolve().parent.is_dir():
            raise CommandError(f"Cannot write the report: {report.parent} is not a folder.")
        mapping_data = None
        if mapping is not None:
            try:
                mapping_data = _read_json(mapping)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read mapping {mapping}: {exc}") from exc
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            disable=json or not console.is_terminal,
            transient=True,
        ) as bar:
            task = bar.add_task("reading", total=100)
            try:
                result = import_run(
                    practice=target,
                    path=file,
                    preset=preset,
                    mapping=mapping_data,
                    dry_run=dry_run,
                    progress=lambda stage, pct: bar.update(task, description=stage, completed=pct),
                )
            except (UnreadableFile, MappingError) as exc:
                raise CommandError(str(exc)) from exc
        if report is not None:
            try:
                result.write_report(report)
            except OSError as exc:
                raise CommandError(
                    f"The import finished, but the report could not be written to {report}: {exc}"
                ) from exc
        counts = result.counts
        if json:
            self.stdout.write(_dumps(counts))
            return
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{counts['rows']} rows read from {file.name} "
            f"(preset: {result.mapping.preset or 'none'}); of them {verb}:\n"
            f"  created  {counts['created']}\n  updated  {counts['updated']}\n"
            f"  merged   {counts['merged']}\n  rejected {counts['rejected']}\n"
            f"{counts['flagged']} flagged as possible duplicates to review."
        )
        if report is not None:
            self.stdout.write(f"Report: {report}")


def _read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def _dumps(data: dict) -> str:
    return json.dumps(data)
