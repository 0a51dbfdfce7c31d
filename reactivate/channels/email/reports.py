"""Bounce reports (RFC 3464 DSNs) and complaint reports (RFC 5965 ARF) that come back to the
reply mailbox, read into the product's channel events.

A DSN is recognised by its ``message/delivery-status`` part: one block of fields for the
report, one per recipient (``Final-Recipient``, ``Action``, ``Status``, ``Diagnostic-Code``).
An ARF report by its ``message/feedback-report`` part. Either names the message it is about
by the ``Message-ID`` of the original, enclosed whole (``message/rfc822``) or as headers
(``text/rfc822-headers``); that is the id the email adapter stored as ``provider_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from email.parser import HeaderParser

from reactivate.channels.events import Event
from reactivate.channels.models import EventKind
from reactivate.leads.choices import Channel

STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
ADDRESS = re.compile(r"[^\s<>;\"']+@[^\s<>;\"']+")


@dataclass
class Recipient:
    address: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # 5.1.1…
    diagnostic: str = ""

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5")


@dataclass
class Report:
    kind: str  # "bounce" or "complaint"
    message_id: str = ""
    recipients: list[Recipient] = field(default_factory=list)
    feedback_type: str = ""

    def events(self) -> list[Event]:
        """What the report says, as events for channels.events.record_event."""
        found = []
        for recipient in self.recipients:
            if self.kind == "complaint":
                kind = EventKind.COMPLAINED
            elif recipient.action == "delayed" or recipient.status.startswith("4"):
                kind = EventKind.DEFERRED
            elif recipient.action == "failed" or recipient.permanent:
                kind = EventKind.BOUNCED
            else:
                continue  # delivered or relayed: nothing to act on
            found.append(
                Event(
                    provider="mailbox",
                    channel=Channel.EMAIL,
                    kind=kind,
                    message_id=self.message_id,
                    event_id=f"{self.kind}:{self.message_id}:{recipient.address}:{kind}",
                    recipient=recipient.address,
                    code=recipient.status,
                    description=recipient.diagnostic or self.feedback_type,
                    permanent=recipient.permanent,
                    raw={
                        "report": self.kind,
                        "recipient": recipient.address,
                        "action": recipient.action,
                        "status": recipient.status,
                        "diagnostic": recipient.diagnostic,
                    },
                )
            )
        return found


def read_report(raw: bytes) -> Report | None:
    """The bounce or complaint report in a message, or None when it is not one."""
    message = message_from_bytes(raw, policy=policy.compat32)
    parts = list(message.walk())
    types = [part.get_content_type() for part in parts]
    if "message/delivery-status" in types:
        status = parts[types.index("message/delivery-status")]
        report = Report(kind="bounce", recipients=_recipients(status))
    elif "message/feedback-report" in types:
        feedback = _fields(parts[types.index("message/feedback-report")])
        report = Report(kind="complaint", feedback_type=_first(feedback, "feedback-type"))
        rcpt = _first(feedback, "original-rcpt-to") or _first(feedback, "removal-recipient")
        if rcpt:
            report.recipients.append(Recipient(_address(rcpt), "failed", "", ""))
    else:
        return None
    original = _original_headers(parts, types)
    if original is not None:
        report.message_id = (original.get("Message-ID") or "").strip()
        if report.kind == "complaint" and not report.recipients and original.get("To"):
            report.recipients.append(Recipient(_address(original["To"]), "failed", "", ""))
    return report


def _recipients(part: Message) -> list[Recipient]:
    blocks = _blocks(part)
    found = []
    for block in blocks[1:] or blocks:
        rcpt = _first(block, "final-recipient") or _first(block, "original-recipient")
        if not rcpt:
            continue
        action = _first(block, "action").lower()
        diagnostic = " ".join(_first(block, "diagnostic-code").split())
        status = _status(_first(block, "status")) or _status(diagnostic)
        if not status and action == "failed":
            status = "5.0.0"  # failed with no code given: permanent, as RFC 3463 reads it
        elif not status and action == "delayed":
            status = "4.0.0"
        found.append(Recipient(_address(rcpt), action, status, diagnostic[:500]))
    return found


def _blocks(part: Message) -> list[dict[str, list[str]]]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the parser split the field groups into messages
        return [_as_fields(block.items()) for block in payload]
    text = payload if isinstance(payload, str) else ""
    groups = [g for g in re.split(r"\r?\n\s*\r?\n", text) if g.strip()]
    return [_as_fields(HeaderParser().parsestr(group).items()) for group in groups]


def _fields(part: Message) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for block in _blocks(part):
        for name, values in block.items():
            merged.setdefault(name, []).extend(values)
    return merged


def _as_fields(items) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in items:
        fields.setdefault(name.lower(), []).append(str(value))
    return fields


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0].strip()


def _status(text: str) -> str:
    match = STATUS.search(text or "")
    return ".".join(match.groups()) if match else ""


def _address(field_value: str) -> str:
    """``rfc822; Someone <a@b.example>`` → ``a@b.example``."""
    value = field_value.split(";", 1)[1] if ";" in field_value else field_value
    match = ADDRESS.search(value)
    return (match.group(0) if match else value.strip()).strip(".").lower()


def _original_headers(parts: list[Message], types: list[str]) -> Message | None:
    for index, kind in enumerate(types):
        if kind == "message/rfc822":
            payload = parts[index].get_payload()
            if isinstance(payload, list) and payload:
                return payload[0]
        if kind == "text/rfc822-headers":
            text = parts[index].get_payload(decode=True) or b""
            return HeaderParser().parsestr(text.decode("utf-8", "replace"))
    return None
