"""Import speed and memory against its floor and against django-import-export.

    python benchmarks/import_bench.py [--rows 1000000] [--ie-rows 100000]

Needs the bench extra for the comparison: pip install -e '.[bench]'.
Prints each figure beside its baseline, measured in the same run; the last line is JSON.
Goals (issue #3): import within 4x of the floor, peak memory under 2.5 GB, a re-import no
slower than the first import, and at least 20x faster than django-import-export.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from itertools import chain, islice
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from messy_export import generate

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run_child(args: list[str], home: Path) -> tuple[float, float, str]:
    """Run a command in a fresh process; return wall seconds, peak RSS in MB, stdout."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_URL")}
    env["REACTIVATE_HOME"] = str(home)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024, out


def reactivate(*args: str) -> list[str]:
    return [PYTHON, "-m", "reactivate.cli", *args]


def fresh_home(base: Path, name: str) -> Path:
    home = base / name
    run_child(reactivate("migrate", "--verbosity", "0"), home)
    run_child(
        reactivate(
            "practice", "create", "bench", "--name", "Bench", "--timezone", "America/Chicago"
        ),
        home,
    )
    return home


def floor(path: Path, work: Path) -> tuple[float, float]:
    """polars reading the file, and SQLite inserting as many rows in one transaction."""
    start = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    read = time.perf_counter() - start
    db = sqlite3.connect(work / "floor.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    columns = ", ".join(f'"{c}" TEXT' for c in frame.columns)
    db.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {columns})")
    names = ", ".join(f'"{c}"' for c in frame.columns)
    one = "(" + ", ".join("?" * frame.width) + ")"
    # The same fastest path the import uses: 256 rows per INSERT statement.
    per_statement = 256
    full = frame.height // per_statement * per_statement
    rows = frame.iter_rows()
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(
        f"INSERT INTO t ({names}) VALUES " + ", ".join([one] * per_statement),
        (
            tuple(chain.from_iterable(islice(rows, per_statement)))
            for _ in range(full // per_statement)
        ),
    )
    db.executemany(f"INSERT INTO t ({names}) VALUES {one}", rows)
    db.execute("COMMIT")
    insert = time.perf_counter() - start
    db.close()
    return read, insert


def ours_child(path: str) -> None:
    """In a child process: our import of the file, timed without interpreter start-up."""
    import django

    django.setup()
    from reactivate.imports.services import import_run
    from reactivate.tenancy.models import Practice

    practice = Practice.objects.get(slug="bench")
    start = time.perf_counter()
    result = import_run(practice=practice, path=path)
    print(json.dumps({"seconds": time.perf_counter() - start, **result.counts}))


def ours(path: Path, home: Path) -> tuple[float, float, dict]:
    _, peak, out = run_child([PYTHON, __file__, "--child-ours", str(path)], home)
    data = json.loads(out)
    return data.pop("seconds"), peak, data


def import_export_child(path: str) -> None:
    """In a child process: django-import-export's fastest documented mode on the same model."""
    import django

    django.setup()
    import tablib
    from import_export import resources

    from reactivate.leads.models import Lead
    from reactivate.tenancy.models import Practice

    practice = Practice.objects.get(slug="bench")

    class LeadResource(resources.ModelResource):
        class Meta:
            model = Lead
            fields = (
                "practice",
                "external_id",
                "first_name",
                "last_name",
                "treatment",
                "source",
                "dormancy_note",
            )
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True

    frame = (
        pl.read_csv(path, infer_schema=False)
        .select(
            pl.lit(practice.pk).cast(pl.Utf8).alias("practice"),
            pl.col("Record ID").fill_null("").alias("external_id"),
            pl.col("First Name").fill_null("").alias("first_name"),
            pl.col("Last Name").fill_null("").alias("last_name"),
            pl.col("Treatment").fill_null("").alias("treatment"),
            pl.col("Original Source").fill_null("").alias("source"),
            pl.col("Lost Reason").fill_null("").alias("dormancy_note"),
        )
        .with_columns(  # external ids must stay unique per practice: number the blanks
            pl.when(pl.col("external_id") == "")
            .then(pl.lit("dup-") + pl.int_range(pl.len()).cast(pl.Utf8))
            .otherwise(pl.col("external_id"))
            .alias("external_id")
        )
    )
    dataset = tablib.Dataset(*frame.iter_rows(), headers=frame.columns)
    start = time.perf_counter()
    result = LeadResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": len(dataset), "errors": result.has_errors()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ie-rows", type=int, default=100_000)
    parser.add_argument("--child-ie", help=argparse.SUPPRESS)
    parser.add_argument("--child-ours", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ie:
        import_export_child(args.child_ie)
        return
    if args.child_ours:
        ours_child(args.child_ours)
        return

    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    big = work / "hubspot.csv"
    generate(args.rows).write_csv(big)
    size_mb = big.stat().st_size / 1e6
    print(f"file: {args.rows:,} rows, {size_mb:.0f} MB, HubSpot headers, messy values")

    # Flush what the generator wrote, so no phase pays for another's disk writes.
    os.sync()
    read, insert = floor(big, work)
    os.sync()
    floor_s = read + insert
    print(f"floor: polars read {read:.2f}s + SQLite insert {insert:.2f}s = {floor_s:.2f}s")

    home = fresh_home(work, "home")
    first_s, first_mb, counts = ours(big, home)
    print(
        f"import: {first_s:.2f}s = {first_s / floor_s:.1f}x floor (goal <= 4x); "
        f"peak {first_mb:,.0f} MB (goal < 2,500 MB); {counts}"
    )
    os.sync()
    again_s, again_mb, recounts = ours(big, home)
    print(
        f"re-import: {again_s:.2f}s vs first {first_s:.2f}s (goal: not slower); "
        f"peak {again_mb:,.0f} MB; created {recounts['created']} (goal 0)"
    )

    small = work / "hubspot-small.csv"
    pl.read_csv(big, infer_schema=False, n_rows=args.ie_rows).write_csv(small)
    ours_s, _, _ = ours(small, fresh_home(work, "ours"))
    try:
        _, _, out = run_child([PYTHON, __file__, "--child-ie", str(small)], fresh_home(work, "ie"))
        ie_s = json.loads(out)["seconds"]
        ratio = ie_s / ours_s
        print(
            f"{args.ie_rows:,} rows: ours {ours_s:.2f}s vs django-import-export {ie_s:.2f}s "
            f"(its fastest bulk mode, leads only) = {ratio:.1f}x faster (goal >= 20x)"
        )
    except (SystemExit, ModuleNotFoundError) as exc:
        ie_s = ratio = None
        print(f"django-import-export not measured ({exc}); pip install -e '.[bench]'")

    print(
        json.dumps(
            {
                "rows": args.rows,
                "floor_s": round(floor_s, 2),
                "import_s": round(first_s, 2),
                "floor_ratio": round(first_s / floor_s, 2),
                "peak_mb": round(first_mb),
                "reimport_s": round(again_s, 2),
                "reimport_created": recounts["created"],
                "ie_rows": args.ie_rows,
                "ours_small_s": round(ours_s, 2),
                "ie_s": round(ie_s, 2) if ie_s else None,
                "ie_ratio": round(ratio, 1) if ratio else None,
            }
        )
    )


if __name__ == "__main__":
    main()
