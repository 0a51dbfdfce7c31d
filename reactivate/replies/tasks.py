"""Replies stored but not yet acted on (a crash mid-way, an error) are taken again."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reactivate.replies.mailbox import poll_all
from reactivate.replies.services import process_pending


@db_periodic_task(crontab(minute="*"))
@lock_task("replies-pending")
def take_pending_replies() -> None:
    process_pending()


@db_periodic_task(crontab(minute="*"))
@lock_task("replies-mailboxes")
def poll_reply_mailboxes() -> None:
    poll_all()
