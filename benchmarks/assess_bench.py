"""Assessment and segment counts over a million leads, against a plain COUNT(*).

    python benchmarks/assess_bench.py [--rows 1000000]

Builds a practice the way a user would (the messy 1M-row HubSpot export from
messy_export.py, imported with `reactivate import`, then scored), then times in a fresh
process: the full assessment, ten segment counts, and `SELECT COUNT(*)` over the same table.
Goal (issue #4): the assessment and ten segment counts in under 2 seconds in all.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from messy_export import generate

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SEGMENTS = {
    "recent warm": {
        "statuses": ["stalled"],
        "months_min": 3,
        "months_max": 12,
        "stages": ["consultation", "treatment_plan"],
    },
    "treatment plans": {"stages": ["treatment_plan"]},
    "high value": {"value_min": "10000"},
    "price objections": {"reasons": ["price"], "statuses": ["stalled"]},
    "timing": {"reasons": ["timing"]},
    "textable": {"channels": ["sms"]},
    "email reachable, stalled": {"channels": ["email"], "statuses": ["stalled"]},
    "due now": {"eligible_now": True},
    "old and cold": {"months_min": 24},
    "implants": {"treatments": ["Dental implant", "All-on-4"], "reachable": True},
}


def run(args: list[str], home: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_URL")}
    env.update(REACTIVATE_HOME=str(home), DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def child_score() -> None:
    import django

    django.setup()
    from reactivate.segments.scoring import score_practice
    from reactivate.tenancy.models import Practice

    start = time.perf_counter()
    run = score_practice(Practice.objects.get(slug="bench"))
    print(json.dumps({"seconds": time.perf_counter() - start, "leads": run.leads}))


def child_measure() -> None:
    import django

    django.setup()
    from django.db import connection

    from reactivate.segments.assessment import assess
    from reactivate.segments.definitions import segment_counts
    from reactivate.tenancy.models import Practice

    practice = Practice.objects.get(slug="bench")
    with connection.cursor() as cursor:  # warm the page cache the way a server would be
        cursor.execute("SELECT COUNT(*) FROM leads_lead")
    figures = {}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM leads_lead WHERE practice_id = %s", [practice.pk])
        figures["leads"] = cursor.fetchone()[0]
    figures["count_s"] = time.perf_counter() - start
    start = time.perf_counter()
    report = assess(practice)
    figures["assess_s"] = time.perf_counter() - start
    start = time.perf_counter()
    counts = segment_counts(practice, SEGMENTS)
    figures["segments_s"] = time.perf_counter() - start
    start = time.perf_counter()
    for name, definition in SEGMENTS.items():
        segment_counts(practice, {name: definition})
    figures["segments_one_by_one_s"] = time.perf_counter() - start
    figures["segment_leads"] = {k: v["leads"] for k, v in counts.items()}
    figures["stalled"] = report["potential_value"]["stalled_leads"]
    figures["health"] = report["health_score"]["score"]
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--work",
        help="a folder to keep the imported practice in; a later run with the same folder "
        "measures again without importing",
    )
    parser.add_argument("--child", choices=["score", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "score":
        child_score()
        return
    if args.child == "measure":
        child_measure()
        return

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="assess-bench-"))
    home = work / "home"
    cli = [PYTHON, "-m", "reactivate.cli"]
    scored = {"seconds": 0.0}
    if (home / "reactivate.sqlite3").exists():
        run([*cli, "migrate", "--verbosity", "0"], home)
        print(f"setup: the practice imported earlier in {work}")
    else:
        export = work / "hubspot.csv"
        work.mkdir(parents=True, exist_ok=True)
        generate(args.rows).write_csv(export)
        run([*cli, "migrate", "--verbosity", "0"], home)
        run(
            [*cli, "practice", "create", "bench", "--name", "Bench", "--timezone", "America/Chicago"],
            home,
        )  # fmt: skip
        start = time.perf_counter()
        run([*cli, "import", str(export), "--practice", "bench", "--json"], home)
        print(f"setup: imported {args.rows:,} rows in {time.perf_counter() - start:.1f}s")
        scored = json.loads(run([PYTHON, __file__, "--child", "score"], home))
        print(
            f"scoring (reach, eligibility, P x value) of {scored['leads']:,} leads: "
            f"{scored['seconds']:.1f}s"
        )
    m = json.loads(run([PYTHON, __file__, "--child", "measure"], home))
    total = m["assess_s"] + m["segments_s"]
    print(
        f"baseline: SELECT COUNT(*) over the practice's {m['leads']:,} leads: {m['count_s']:.3f}s"
    )
    print(
        f"assessment: {m['assess_s']:.2f}s ({m['assess_s'] / m['count_s']:.0f}x the count; "
        f"{m['stalled']:,} stalled, health {m['health']:.0f}%)"
    )
    print(
        f"ten segment counts in one scan: {m['segments_s']:.2f}s "
        f"(one at a time: {m['segments_one_by_one_s']:.2f}s)"
    )
    print(
        f"assessment + ten segments: {total:.2f}s (goal < 2s: {'met' if total < 2 else 'NOT met'})"
    )
    print(
        json.dumps(
            {
                "leads": m["leads"],
                "count_s": round(m["count_s"], 3),
                "assess_s": round(m["assess_s"], 3),
                "segments_s": round(m["segments_s"], 3),
                "segments_one_by_one_s": round(m["segments_one_by_one_s"], 3),
                "total_s": round(total, 3),
                "score_s": round(scored["seconds"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
