"""`reactivate lint FILE [--channel email|sms] [--practice SLUG] [--json]`: the message linter
on a template file. With ``--practice`` the linter knows the practice's name (a first text
that names it identifies its sender) and lints in its PHI-safe mode when the practice uses it.

Exit status: 0 when every rule passes, 1 with warnings, 2 with failures (or when the file
cannot be read).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.messaging.lint import QUALITIES, Message, guess_language, lint, parse_file
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Lint a message template against the seed's rules and the compliance rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="Template file; for email the first line is 'Subject: …'"
        )
        parser.add_argument(
            "--channel",
            choices=["email", "sms"],
            help="Default: email when the first line is 'Subject: …', else sms",
        )
        parser.add_argument(
            "--language", choices=["en", "es"], help="Default: guessed from the text"
        )
        parser.add_argument(
            "--follow-up",
            action="store_true",
            help="Not the first touch (a text need not introduce the practice again)",
        )
        parser.add_argument("--phi-safe", action="store_true", help="Flag treatment names")
        parser.add_argument(
            "--practice",
            metavar="SLUG",
            help="Lint as this practice's message: its name, and its PHI-safe setting",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}", returncode=2) from exc
        channel = options["channel"] or (
            "email" if text.lstrip("\ufeff").lower().startswith(("subject:", "asunto:")) else "sms"
        )
        subject, body = parse_file(text, channel)
        practice = _practice(options["practice"]) if options["practice"] else None
        language = options["language"] or guess_language(subject + "\n" + body)
        result = lint(
            Message(
                channel=channel,
                subject=subject,
                body=body,
                language=language,
                first_touch=not options["follow_up"],
                phi_safe=options["phi_safe"] or bool(practice and practice.phi_safe),
                practice_name=practice.name if practice else "",
            )
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"channel": channel, "language": language, **result.as_dict()},
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(f"{file}: {channel}, {language}: {result.verdict.upper()}")
            if result.segments:
                s = result.segments
                self.stdout.write(f"  {s['count']} SMS segment(s), {s['encoding']}")
            for quality in QUALITIES:
                found = [f for f in result.findings if f.quality == quality]
                state = (
                    "fail" if any(f.level == "fail" for f in found) else "warn" if found else "pass"
                )
                self.stdout.write(
                    f"  {quality.replace('_', ' '):<16} {state:<5} {result.scores[quality]:>3}"
                )
                for f in found:
                    self.stdout.write(f"    {f.level}: {f.rule}: {f.message} Fix: {f.fix}")
        self.stdout.flush()
        if result.exit_code:
            sys.exit(result.exit_code)


def _practice(slug: str) -> Practice:
    practice = Practice.objects.filter(slug=slug).first()
    if practice is None:
        known = ", ".join(Practice.objects.order_by("slug").values_list("slug", flat=True)[:10])
        raise CommandError(
            f"No practice {slug!r}. "
            + (
                f"Practices: {known}." if known else "Create one with `reactivate practice create`."
            ),
            returncode=2,
        )
    return practice
