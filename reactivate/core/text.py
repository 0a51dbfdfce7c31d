"""Text folding shared by Python and the databases, so "nunez" finds "Núñez"."""

from __future__ import annotations

import unicodedata

from django.db.models import Func


def fold(text: str | None) -> str | None:
    """Lower-case with accents removed: "Zoë NÚÑEZ" → "zoe nunez"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class Fold(Func):
    """``fold`` in SQL: a registered function on SQLite, unaccent() on PostgreSQL."""

    function = "reactivate_fold"
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="lower(unaccent(%(expressions)s))", **extra_context
        )


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("reactivate_fold", 1, fold, deterministic=True)
