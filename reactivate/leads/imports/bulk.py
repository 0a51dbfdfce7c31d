"""Raw bulk writes for imports: ~10x faster than bulk_create on both databases.

SQLite gets one executemany per table inside the caller's transaction; PostgreSQL gets COPY.
Values arrive as a polars frame and are turned into what each driver reads best.
"""

from __future__ import annotations

import io

import polars as pl
from django.db import connection


def insert_frame(table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    columns = frame.columns
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        _for_copy(frame).write_csv(buffer, include_header=False, null_value="\\N")
        with connection.cursor() as cursor:
            sql = (
                f"COPY {connection.ops.quote_name(table)} ({quoted}) "
                "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            )
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",
            for_sqlite(frame).iter_rows(),
        )


def reserve_ids(table: str, count: int) -> list[int]:
    """Primary keys for rows about to be inserted, so children can point at them."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import holds the write lock (BEGIN IMMEDIATE), so max(id) cannot move.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def read_frame(sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query whose datetimes were selected with ``sql_datetime`` and type its rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    raw = {n: (pl.Utf8 if isinstance(t, pl.Datetime) else t) for n, t in schema.items()}
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    return frame.with_columns(
        pl.col(n).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us")
        for n, t in schema.items()
        if isinstance(t, pl.Datetime)
    )


def sql_datetime(column: str) -> str:
    """A datetime column as UTC text both databases write the same way."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    # An expression has no declared type, so Django's SQLite converters leave it as text.
    return f"CAST({column} AS TEXT)"


def sql_float(column: str) -> str:
    kind = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"
    return f"CAST({column} AS {kind})"


def sql_text(column: str) -> str:
    return f"CAST({column} AS TEXT)"


def for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    """Django keeps SQLite datetimes as naive UTC text and booleans as 0/1."""
    return frame.with_columns(
        [
            pl.col(c).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f")
            for c, t in frame.schema.items()
            if isinstance(t, pl.Datetime)
        ]
        + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
    )


def _for_copy(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(c).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00")
        for c, t in frame.schema.items()
        if isinstance(t, pl.Datetime)
    )
