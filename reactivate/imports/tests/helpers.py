"""Build export files the way CRMs and spreadsheets write them, and run the import command."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command


def write_csv(
    rows: list[list[str]],
    *,
    name: str = "export.csv",
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
    bom: bool = False,
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path = Path(tempfile.mkdtemp()) / name
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(rows: list[list[object]], *, name: str = "export.xlsx") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = Path(tempfile.mkdtemp()) / name
    book.save(path)
    return path


def run_import(path: Path, practice: str = "north", *args: str) -> tuple[dict, list[dict]]:
    """Counts from --json, and the --report rows."""
    report = path.with_suffix(".report.csv")
    out = io.StringIO()
    call_command(
        "import",
        str(path),
        "--practice",
        practice,
        "--json",
        "--report",
        str(report),
        *args,
        stdout=out,
    )
    with report.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    return json.loads(out.getvalue()), lines
