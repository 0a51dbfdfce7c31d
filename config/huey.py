"""Which queue huey uses: chosen by HUEY_URL, the same task code on every backend."""

from __future__ import annotations

from pathlib import Path

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey

from reactivate.core.env import ConfigError, envbool, envstr


def build_huey(home: Path) -> Huey:
    """SqliteHuey in the data directory by default; PostgresHuey or RedisHuey from HUEY_URL.

    HUEY_IMMEDIATE=1 runs tasks inline (tests and one-off scripts need no consumer).
    """
    url = envstr("HUEY_URL")
    immediate = envbool("HUEY_IMMEDIATE", False)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresHuey("reactivate", dsn=url, immediate=immediate)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("reactivate", url=url, immediate=immediate)
    if url:
        raise ConfigError(f"HUEY_URL={url!r}: use postgres://, redis:// or leave it unset")
    home.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("reactivate", filename=str(home / "huey.sqlite3"), immediate=immediate)
