"""The per-lead reply address and the SMTP URL an installation or a practice sends through.

A reply address is plus-addressed on the practice's reply domain, ``reply+<lead>-<mac>@…``,
so a reply threads back to its lead; the MAC (hex, so a mailbox that folds case keeps it)
means nobody can guess another lead's address.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.crypto import constant_time_compare, salted_hmac

ADDRESS = re.compile(
    r"^(?P<kind>reply|unsubscribe)\+(?P<lead>\d+)-(?P<mac>[0-9a-f]{20})@(?P<domain>.+)$", re.I
)


def _mac(kind: str, lead_id: int) -> str:
    return salted_hmac(f"reactivate.{kind}-address", str(lead_id)).hexdigest()[:20]


def reply_address(lead_id: int, domain: str) -> str:
    return f"reply+{lead_id}-{_mac('reply', lead_id)}@{domain}"


def unsubscribe_address(lead_id: int, domain: str) -> str:
    """The ``mailto:`` of List-Unsubscribe: a mail to it opts the lead out (RFC 2369)."""
    return f"unsubscribe+{lead_id}-{_mac('unsubscribe', lead_id)}@{domain}"


def lead_for_address(address: str, kind: str = "reply") -> int | None:
    """The lead a reply (or unsubscribe) address belongs to, or None when it is not ours."""
    match = ADDRESS.match(address.strip().strip("<>"))
    if not match or match["kind"].lower() != kind:
        return None
    if not constant_time_compare(match["mac"].lower(), _mac(kind, int(match["lead"]))):
        return None
    return int(match["lead"])


def lead_for_reply_address(address: str) -> int | None:
    return lead_for_address(address, "reply")


class BadSmtpUrl(ValueError):
    pass


def parse_smtp_url(url: str) -> dict:
    """``smtp://user:pass@host:587?starttls=1`` (or ``smtps://`` for TLS from the start)
    as the keyword arguments of Django's SMTP backend."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise BadSmtpUrl("An SMTP URL looks like smtp://user:password@host:587?starttls=1")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    starttls = query.get("starttls", "0").lower() in ("1", "true", "yes")
    return {
        "host": parts.hostname,
        "port": parts.port or (465 if parts.scheme == "smtps" else 587 if starttls else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": starttls and parts.scheme == "smtp",
        "timeout": int(query.get("timeout", 30)),
    }
