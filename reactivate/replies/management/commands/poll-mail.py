"""`reactivate poll-mail [--practice SLUG]`: read the practices' reply mailboxes once (the
worker does it every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.replies.mailbox import poll_all, poll_mailbox
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Fetch new messages from each practice's reply mailbox (IMAP) and act on them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", default="", help="Only this practice's mailbox.")

    def handle(self, *args, practice: str, **options) -> None:
        if practice:
            found = Practice.objects.filter(slug=practice).first()
            if found is None:
                raise CommandError(
                    f"No practice {practice!r}; `reactivate practice list` shows them."
                )
            results = {found.slug: poll_mailbox(found)}
        else:
            results = poll_all()
        if not results:
            self.stdout.write(
                "No practice has a reply mailbox: set one with `reactivate channels "
                "configure … --set imap_url=imaps://user:pass@host/INBOX`."
            )
        for slug, counts in results.items():
            self.stdout.write(
                f"{slug}: {counts['replies']} new replies, {counts['reports']} "
                f"bounce or complaint reports, {counts['seen_before']} seen before"
            )
