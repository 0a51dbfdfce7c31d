"""`reactivate export-leads --practice SLUG --out FILE.csv`: one row per lead."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.leads.exports import leads_export
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Write a practice's leads to CSV, one row per lead (phones E.164, emails normalised)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="Practice slug")
        parser.add_argument("--out", required=True, type=Path, help="CSV file to write")

    def handle(self, *args, practice: str, out: Path, **options) -> None:
        target = Practice.objects.filter(slug=practice).first()
        if target is None:
            raise CommandError(f"No practice with slug {practice!r}.")
        try:
            count = leads_export(practice=target, path=out)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}") from exc
        audit_record(
            practice=target,
            actor=None,
            action=AuditAction.LEADS_EXPORTED,
            obj=target,
            detail={"file": str(out), "leads": count},
        )
        self.stdout.write(f"{count} leads written to {out}")
