"""`reactivate channels configure|test|webhooks`: a practice's providers from the shell.

    reactivate channels configure --practice SLUG --channel email --provider smtp \\
        --set url=smtp://127.0.0.1:2525 --set from_email=frontdesk@example.com \\
        --set reply_domain=replies.example.com
    reactivate channels test --practice SLUG --channel email --to ana@example.com [--json]
    reactivate channels webhooks --practice SLUG [--base-url https://reactivate.example] [--json]
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.channels.config import ConfigError, channel_configure, dkim_record
from reactivate.channels.hooks import webhook_urls
from reactivate.channels.testing_send import TestRefused, send_test
from reactivate.tenancy.models import Practice

CHANNELS = ["email", "sms", "call", "letter"]


class Command(BaseCommand):
    help = "Configure a practice's channel providers, send a test message, list webhooks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        configure = sub.add_parser("configure", help="Set a practice's provider for a channel.")
        configure.add_argument("--practice", required=True)
        configure.add_argument("--channel", required=True, choices=CHANNELS)
        configure.add_argument("--provider", required=True)
        configure.add_argument(
            "--set", action="append", default=[], metavar="KEY=VALUE", dest="values"
        )
        test = sub.add_parser("test", help="Send one real test message.")
        test.add_argument("--practice", required=True)
        test.add_argument("--channel", required=True, choices=CHANNELS)
        test.add_argument("--to", required=True)
        test.add_argument("--json", action="store_true")
        hooks = sub.add_parser("webhooks", help="The URLs to paste into the providers' consoles.")
        hooks.add_argument("--practice", required=True)
        hooks.add_argument("--base-url", default="", help="The public address (default SITE_URL).")
        hooks.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, practice: str, **options) -> None:
        found = Practice.objects.filter(slug=practice).first()
        if found is None:
            raise CommandError(f"No practice {practice!r}; `reactivate practice list` shows them.")
        if action == "configure":
            self.configure(found, options)
        elif action == "webhooks":
            self.webhooks(found, options)
        else:
            self.test(found, options)

    def webhooks(self, practice: Practice, options: dict) -> None:
        base = options["base_url"]
        if base and not base.startswith(("https://", "http://")):
            raise CommandError(
                f"--base-url is an address like https://reactivate.example, not {base!r}"
            )
        urls = webhook_urls(practice, base)
        if options["json"]:
            self.stdout.write(json.dumps(urls, indent=2))
            return
        width = max(len(k) for k in urls)
        for key, url in urls.items():
            self.stdout.write(f"{key:<{width}}  {url}")

    def configure(self, practice: Practice, options: dict) -> None:
        values = {}
        for item in options["values"]:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"--set takes KEY=VALUE, not {item!r}")
            values[key.strip()] = value.strip()
        try:
            config = channel_configure(
                practice=practice, channel=options["channel"], provider=options["provider"],
                values=values, actor=None,
            )  # fmt: skip
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc
        shown = ", ".join(f"{k}={v}" for k, v in sorted(config.settings.items())) or "no settings"
        secret = " (secrets stored encrypted)" if config.secrets else ""
        self.stdout.write(f"{practice.slug} {config.channel}: {config.provider}; {shown}{secret}")
        if record := dkim_record(config):
            self.stdout.write(
                f"Publish this DNS record so receivers can check the signature:\n{record}"
            )

    def test(self, practice: Practice, options: dict) -> None:
        try:
            result = send_test(practice=practice, channel=options["channel"], to=options["to"])
        except TestRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            line = f"{result['status']} via {result['provider']}: {result['message_id']}"
            self.stdout.write(line + (f" ({result['error']})" if result.get("error") else ""))
        if result["status"] != "sent":
            raise SystemExit(1)
