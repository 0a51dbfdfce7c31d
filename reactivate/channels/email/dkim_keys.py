"""DKIM signing for email a practice sends straight over SMTP (an ESP signs for itself).

The private key lives in the data directory (``dkim/<selector>._domainkey.<domain>.pem``,
mode 0600), created on first use; the practice publishes the TXT record this module prints
at ``<selector>._domainkey.<domain>``. Signed headers include the ones a receiver shows or
acts on: From, To, Subject, Date, Message-ID, Reply-To and the two List-Unsubscribe headers.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

SIGNED = [
    b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Reply-To", b"List-Unsubscribe",
    b"List-Unsubscribe-Post", b"MIME-Version", b"Content-Type",
]  # fmt: skip


def key_path(domain: str, selector: str) -> Path:
    return Path(settings.HOME) / "dkim" / f"{selector}._domainkey.{domain}.pem"


def ensure_key(domain: str, selector: str) -> str:
    """Create the key pair if it does not exist; the DNS TXT record to publish."""
    path = key_path(domain, selector)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}"


def dkim_signature(raw: bytes, domain: str, selector: str) -> bytes:
    """The ``DKIM-Signature:`` header line(s) for ``raw`` (a whole message, CRLF lines)."""
    return dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        key_path(domain, selector).read_bytes(),
        include_headers=SIGNED,
    )
