"""System checks for settings that are unsafe once the product faces the internet."""

from __future__ import annotations

import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1", "testserver"})


@register()
def check_debug_exposed(app_configs, **kwargs) -> list:
    exposed = [host for host in settings.ALLOWED_HOSTS if host not in LOCAL_HOSTS]
    if settings.DEBUG and exposed:
        return [
            Error(
                "REACTIVATE_DEBUG is on while ALLOWED_HOSTS admits other hosts "
                f"({', '.join(exposed)}): debug pages show lead data and settings to anyone.",
                hint="Unset REACTIVATE_DEBUG, or serve only on 127.0.0.1.",
                id="reactivate.E001",
            )
        ]
    return []


@register()
def check_secret_key_file(app_configs, **kwargs) -> list:
    path = Path(settings.HOME) / "secret_key"
    if not settings.SECRET_KEY_FROM_FILE or not path.exists():
        return []
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [
            Warning(
                f"{path} can be read by other users of this machine; anyone who reads it "
                "can forge sessions and signed links.",
                hint=f"chmod 600 {path}",
                id="reactivate.W001",
            )
        ]
    return []


@register(deploy=True)
def check_site_url(app_configs, **kwargs) -> list:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if host not in LOCAL_HOSTS and not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                f"SITE_URL={settings.SITE_URL} is not https: logins, unsubscribe links and "
                "webhooks would travel in clear text.",
                hint="Put the site behind TLS and set SITE_URL=https://…",
                id="reactivate.W002",
            )
        ]
    return []


@register(deploy=True)
def check_sqlite_in_production(app_configs, **kwargs) -> list:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3") and any(h not in LOCAL_HOSTS for h in settings.ALLOWED_HOSTS):
        return [
            Warning(
                "SQLite serves one machine well; an agency install that several web and "
                "worker machines share needs PostgreSQL.",
                hint="Set DATABASE_URL=postgres://… (see docs/operations.md).",
                id="reactivate.W003",
            )
        ]
    return []
