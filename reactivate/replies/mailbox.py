"""The practice's reply mailbox, read over IMAP (imap-tools): every new message stored and
read once, bounce and complaint reports turned into channel events.

A message is marked seen only after it is stored; storing is idempotent by its Message-ID,
so a poll that runs twice, or two pollers at once, store and act on each message once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

from reactivate.channels.config import channel_settings
from reactivate.channels.email.reports import read_report
from reactivate.channels.events import record_event
from reactivate.channels.inbound import Incoming, receive
from reactivate.channels.models import ChannelConfig
from reactivate.leads.choices import Channel
from reactivate.replies.services import reply_take
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.replies.mailbox")
BATCH = 200


class BadImapUrl(ValueError):
    pass


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    secure: bool
    folder: str


def parse_imap_url(url: str) -> Mailbox:
    """``imaps://user:pass@host:993/INBOX`` (TLS) or ``imap://…:143`` (loopback, tests)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise BadImapUrl("An IMAP URL looks like imaps://user:password@imap.example.com/INBOX")
    secure = parts.scheme == "imaps"
    return Mailbox(
        host=parts.hostname, port=parts.port or (993 if secure else 143),
        user=unquote(parts.username), password=unquote(parts.password or ""), secure=secure,
        folder=unquote(parts.path.strip("/")) or "INBOX",
    )  # fmt: skip


def mailbox_for(practice: Practice) -> Mailbox | None:
    config = ChannelConfig.objects.filter(practice=practice, channel=Channel.EMAIL).first()
    url = channel_settings(config).get("imap_url", "") if config else ""
    return parse_imap_url(url) if url else None


def poll_mailbox(practice: Practice) -> dict[str, int]:
    box = mailbox_for(practice)
    counts = {"replies": 0, "reports": 0, "seen_before": 0}
    if box is None:
        return counts
    client = MailBox if box.secure else MailBoxUnencrypted
    with client(box.host, box.port).login(box.user, box.password, box.folder) as mail:
        for message in mail.fetch(AND(seen=False), mark_seen=False, bulk=True, limit=BATCH):
            raw = message.obj.as_bytes()
            outcome = _take(practice, message, raw)
            counts[outcome] += 1
            mail.flag(message.uid, MailMessageFlags.SEEN, True)
    return counts


def _take(practice: Practice, message, raw: bytes) -> str:
    report = read_report(raw)
    if report is not None:
        for event in report.events():
            event.practice_id = practice.pk
            record_event(event)
        return "reports"
    headers = message.obj
    message_id = (headers.get("Message-ID") or "").strip()
    references = " ".join(filter(None, [headers.get("In-Reply-To"), headers.get("References")]))
    stored, created = receive(
        Incoming(
            channel=Channel.EMAIL, provider="imap",
            provider_id=message_id or f"imap:{hashlib.sha256(raw).hexdigest()}",
            from_value=(message.from_ or "").lower(),
            to_value=", ".join(message.to + message.cc), subject=message.subject or "",
            body=message.text or "", practice_id=practice.pk, received_at=_when(message.date),
            raw={"headers": [[k, str(v)] for k, v in headers.items()], "text": message.text},
            in_reply_to=references.split(),
        )
    )  # fmt: skip
    reply_take(stored)
    return "replies" if created else "seen_before"


def _when(sent: datetime | None) -> datetime:
    """The Date header when it is a real moment (imap-tools gives 1900 for none), else now."""
    if sent is None or sent.year <= 1900:
        return timezone.now()
    return sent if sent.tzinfo else sent.replace(tzinfo=UTC)


def poll_all() -> dict[str, dict[str, int]]:
    """Every practice with a reply mailbox; one that cannot be reached is logged, not fatal."""
    results = {}
    for config in ChannelConfig.objects.filter(channel=Channel.EMAIL).select_related("practice"):
        if "imap_url" not in channel_settings(config):
            continue
        try:
            results[config.practice.slug] = poll_mailbox(config.practice)
        except Exception:
            log.exception("the reply mailbox of %s could not be read", config.practice.slug)
    return results
