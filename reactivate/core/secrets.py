"""Provider secrets encrypted at rest (Fernet), with a key that never lives in the database.

The key comes from ``REACTIVATE_SECRETS_KEY`` (or ``REACTIVATE_SECRETS_KEY_FILE``, for
Docker and systemd secrets), else from ``secrets.key`` in the data directory, created with
mode 0600 on first use. Losing the key loses the stored secrets, never anything else: the
practice enters them again.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretsUnreadable(Exception):
    """Stored secrets that this installation's key cannot open (the key changed)."""


def _key() -> bytes:
    if value := os.environ.get("REACTIVATE_SECRETS_KEY"):
        return value.encode()
    if path := os.environ.get("REACTIVATE_SECRETS_KEY_FILE"):
        return Path(path).read_bytes().strip()
    path = Path(settings.HOME) / "secrets.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


@lru_cache(maxsize=4)
def _fernet(key: bytes) -> Fernet:
    return Fernet(key)


def encrypt(values: dict[str, str]) -> str:
    return _fernet(_key()).encrypt(json.dumps(values).encode()).decode() if values else ""


def decrypt(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet(_key()).decrypt(token.encode()))
    except InvalidToken as exc:
        raise SecretsUnreadable(
            "The stored provider secrets cannot be read with this installation's key; "
            "enter them again (reactivate channels configure …)."
        ) from exc
