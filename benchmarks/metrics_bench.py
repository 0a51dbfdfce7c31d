"""The metrics dashboard's queries on a large practice, beside one full scan of the timeline.

    python benchmarks/metrics_bench.py [--leads 1000000] [--interactions 5000000]
                                       [--db sqlite|postgres] [--work DIR]

Builds one practice with LEADS leads and INTERACTIONS timeline rows, and a program the size
a large practice would run on such a list: two launched campaigns enrolling a fifth of the
list (a fifth of them held out), two or three messages to each treated lead, a reply from
one in seven, bookings, calls, letters and follow-ups. Then, in a fresh process with the
tables read once (a server's warm cache), it times five times each: computing the report with
every breakdown and the list's summary (what the worker does every five minutes and "Refresh
now" does on demand), and the dashboard's own queries, which read that snapshot; beside one
full scan of the interactions table (a SUM over every row's summary). Goal (issue #18): the
dashboard's queries under 500 ms in all on SQLite and on PostgreSQL.
--db postgres uses DATABASE_URL. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SLUG = "metrics-bench"
ROUNDS = 5


def insert_model(model, frame, constants: dict) -> None:
    """Rows for a model from a polars frame and constants; every other column gets the
    field's default (or NULL), so the bench follows the models as they change."""
    import polars as pl
    from django.db.models import NOT_PROVIDED
    from django.utils import timezone

    from reactivate.leads.frames import insert_frame

    now = timezone.now()
    filled = dict(constants)
    for field in model._meta.concrete_fields:
        name = field.column
        if name in frame.columns or name in filled or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            filled[name] = now
        elif field.default is not NOT_PROVIDED:
            value = field.get_default()
            filled[name] = json.dumps(value) if isinstance(value, dict | list) else value
        elif field.null:
            filled[name] = None
        else:
            filled[name] = ""
    # Constants that are not plain words or numbers (money, JSON, sentences) become columns:
    # insert_frame writes only those into the statement itself.
    plain = {k: v for k, v in filled.items() if _plain(v)}
    other = {k: str(v) if type(v).__name__ == "Decimal" else v
             for k, v in filled.items() if k not in plain}  # fmt: skip
    frame = frame.with_columns(pl.lit(v).alias(k) for k, v in other.items())
    insert_frame(model._meta.db_table, frame, plain)


def _plain(value) -> bool:
    if value is None or isinstance(value, bool | int) or hasattr(value, "tzinfo"):
        return True
    return isinstance(value, str) and (value == "" or value.replace("_", "").isalnum())


def child_setup(leads: int, interactions: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench_program import build

    print(json.dumps(build(SLUG, leads, interactions)))


def child_measure() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from reactivate.campaigns.models import Campaign
    from reactivate.metrics.models import MetricsSnapshot
    from reactivate.metrics.snapshots import FRESH, figures, refresh
    from reactivate.tenancy.models import Practice

    practice = Practice.objects.get(slug=SLUG)
    with connection.cursor() as cursor:  # the server's warm cache: every table read once
        for table in ("leads_lead", "leads_interaction", "channels_outboundmessage",
                      "replies_reply", "campaigns_enrollment", "leads_opportunity"):  # fmt: skip
            cursor.execute(f"SELECT COUNT(*) FROM {table}")

    def timed(work, before=None) -> tuple[float, object]:
        times, result = [], None
        for _ in range(ROUNDS):
            if before is not None:
                before()
            start = time.perf_counter()
            result = work()
            times.append((time.perf_counter() - start) * 1000)
        return round(statistics.median(times), 1), result

    def scan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*), SUM(LENGTH(summary)) FROM leads_interaction")
            return cursor.fetchone()

    scan_ms, (rows, _) = timed(scan)
    compute_ms, kept = timed(lambda: refresh(practice))
    report = kept.report

    def page():
        return figures(practice), list(Campaign.objects.filter(practice=practice,
                                                               launched_at__isnull=False))  # fmt: skip

    page_ms, _ = timed(page)

    def fall_behind():  # the worker fell behind: the snapshot is past due
        MetricsSnapshot.objects.filter(practice=practice).update(
            computed_at=timezone.now() - FRESH - timedelta(minutes=1), read_at=None
        )

    stale_ms, (shown, _) = timed(page, before=fall_behind)
    # Past due, a quick report is computed on the page; a slow one is shown as kept.
    stale_path = "shown as kept" if shown.stale else "computed on the page"
    print(json.dumps({
        "db": connection.vendor, "interactions": rows,
        "contacted": report["contacted"], "responded": report["responded"],
        "reactivated": report["reactivated"],
        "compute_ms": compute_ms, "dashboard_ms": page_ms, "stale_dashboard_ms": stale_ms, "stale_path": stale_path, "interaction_scan_ms": scan_ms,
    }))  # fmt: skip


def run(args: list[str], env: dict) -> str:
    done = subprocess.run([PYTHON, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(done.stderr[-4000:])
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=5_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--work", help="Keep the database here (reused when it is there).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        return child_setup(args.leads, args.interactions)
    if args.child == "measure":
        return child_measure()
    env = {k: v for k, v in os.environ.items() if k != "HUEY_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings",
               PYTHONPATH=f"{ROOT}{os.pathsep}{Path(__file__).parent}")  # fmt: skip
    if args.db == "sqlite":
        env.pop("DATABASE_URL", None)
        env["REACTIVATE_HOME"] = args.work or tempfile.mkdtemp(prefix="metrics-bench-")
    elif "DATABASE_URL" not in env:
        sys.exit("--db postgres needs DATABASE_URL")
    me = str(Path(__file__).resolve())
    started = time.perf_counter()
    built = json.loads(run([me, "--child", "setup", "--leads", str(args.leads),
                            "--interactions", str(args.interactions)], env))  # fmt: skip
    print(f"built in {time.perf_counter() - started:.0f} s: {built}")
    figures = json.loads(run([me, "--child", "measure"], env))
    print(f"database                 {figures['db']}")
    print(f"interactions             {figures['interactions']:,}")
    print(f"contacted / responded / reactivated  {figures['contacted']:,} / "
          f"{figures['responded']:,} / {figures['reactivated']:,}")  # fmt: skip
    print(f"computing the report and the list's summary (the worker, every 5 min)  "
          f"{figures['compute_ms']} ms")  # fmt: skip
    print(
        f"the dashboard's queries (from the snapshot)  {figures['dashboard_ms']} ms"
        "  (goal < 500 ms)"
    )
    print(f"the dashboard's queries (a snapshot past due: {figures['stale_path']})  "
          f"{figures['stale_dashboard_ms']} ms")  # fmt: skip
    print(f"baseline: one full scan of the interactions table  {figures['interaction_scan_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
