"""Text folding shared by Python and the databases, so "nunez" finds "Núñez"."""

from __future__ import annotations

import unicodedata

import polars as pl
from django.db.models import Func

KEY_LENGTH = 100
# Latin letters that are not an accent on another letter, so no decomposition removes it.
LETTERS = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
           "ı": "i", "ħ": "h"}  # fmt: skip  # noqa: RUF001


def fold(text: str | None) -> str | None:
    """Lower-case with accents removed: "Zoë NÚÑEZ" → "zoe nunez"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_key(text: str | None) -> str:
    """What a name is found by: folded, letters and digits only, one space between words
    ("O'Brien-Núñez" → "obrien nunez"). Stored beside the name and indexed, so a search is
    a range of an index rather than a fold of every row."""
    folded = (fold(text) or "").replace("-", " ")
    for letter, plain in LETTERS.items():
        folded = folded.replace(letter, plain)
    kept = "".join(ch for ch in folded if ch.isalpha() or ch.isdecimal() or ch in " \t\n\r")
    return " ".join(kept.split())[:KEY_LENGTH]


def last_word_key(text: str | None) -> str:
    """The key of a name's last word when it has several ("Núñez-Ruiz", "de la Cruz"): the
    front desk may type either part."""
    words = search_key(text).split()
    return words[-1] if len(words) > 1 else ""


def search_key_expr(column: str) -> pl.Expr:
    """``search_key`` for a whole column at once (imports); the tests hold the two equal."""
    return (
        pl.col(column).fill_null("").str.normalize("NFKD").str.replace_all(r"\p{M}", "")
        .str.to_lowercase().str.replace_all("-", " ")
        .str.replace_many(list(LETTERS), list(LETTERS.values()))
        .str.replace_all(r"[^\p{L}\p{Nd} \t\n\r]+", "").str.replace_all(r"[ \t\n\r]+", " ")
        .str.strip_chars(" ")
        .str.slice(0, KEY_LENGTH)
    )  # fmt: skip


def last_word_key_expr(column: str) -> pl.Expr:
    words = search_key_expr(column).str.split(" ")
    return pl.when(words.list.len() > 1).then(words.list.last()).otherwise(pl.lit(""))


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
