"""`reactivate followups list --practice SLUG [--open] [--json]`: the practice's follow-ups,
soonest first, as the worklist shows them (who has each, whether it is done).
`reactivate followups digest --practice SLUG [--send]`: each person's morning digest."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.followups.digest import digest_for, send_digests
from reactivate.followups.models import FollowUp, TaskStatus
from reactivate.tenancy.choices import EDIT_ROLES
from reactivate.tenancy.models import Membership, Practice


class Command(BaseCommand):
    help = "List a practice's follow-ups (replies to answer, dates to check back, triage)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="One follow-up a line, or a JSON array.")
        listing.add_argument("--practice", required=True)
        listing.add_argument("--open", action="store_true", help="Only those still to do.")
        listing.add_argument("--json", action="store_true")
        digest = sub.add_parser("digest", help="Each person's morning digest for today.")
        digest.add_argument("--practice", required=True)
        digest.add_argument("--send", action="store_true", help="Email it now (once a day).")

    def handle(self, *args, action: str, practice: str, **options) -> None:
        found = Practice.objects.filter(slug=practice).first()
        if found is None:
            raise CommandError(f"No practice {practice!r}; `reactivate practice list` shows them.")
        if action == "digest":
            self.digest(found, send=options["send"])
            return
        rows = FollowUp.objects.filter(practice=found).select_related("assignee")
        if options["open"]:
            rows = rows.filter(status=TaskStatus.OPEN)
        items = [
            {"id": f.pk, "lead_id": f.lead_id, "kind": f.kind, "due_at": f.due_at.isoformat(),
             "assignee": f.assignee.username if f.assignee else None, "status": f.status,
             "reason": f.reason}
            for f in rows.order_by("due_at", "id")
        ]  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps(items, indent=2))
            return
        if not items:
            self.stdout.write("No follow-ups.")
        for item in items:
            who = item["assignee"] or "-"
            self.stdout.write("\t".join(str(v) for v in (
                item["id"], item["due_at"], item["kind"], who, f"lead {item['lead_id']}",
                item["reason"],
            )))  # fmt: skip

    def digest(self, practice: Practice, *, send: bool) -> None:
        if send:
            sent = send_digests(practice, force=True)
            self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent.")
            return
        members = Membership.objects.filter(practice=practice, role__in=EDIT_ROLES)
        for member in members.select_related("user"):
            digest = digest_for(member.user, practice)
            self.stdout.write(
                f"== {member.user.get_username()} <{member.user.email or 'no email'}>"
            )
            self.stdout.write("Nothing due today." if digest.empty else digest.text())
