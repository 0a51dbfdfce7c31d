"""The sequence engine under load, and under SIGKILL.

    python benchmarks/engine_bench.py --enrollments N --due M --workers K --db sqlite|postgres
                                      [--kill-trials T]

Builds one practice with N enrolled leads (an email each), M of them due now, then starts K
worker processes (each loops the engine's run_due until nothing is due) and times them until
every due step is decided. With --kill-trials, a worker is first killed with SIGKILL at a
random moment T times while it works. Afterwards it checks that no message was sent twice
(each worker writes down every message it hands to the sandbox, before the engine hears back;
a key written twice by any workers is a duplicate) and that every due step was sent, deferred
or marked uncertain. --db postgres uses
DATABASE_URL. Goals (issue #6): 1,000,000 enrollments with 100,000 due in under 60 s with one
worker on SQLite; two workers on PostgreSQL at least 1.6x one; zero duplicates.
The last line is JSON with due, sent, deferred, uncertain, duplicates, seconds, workers, db.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# One practice per run (a practice with campaigns is not deleted: its history is protected).
SLUG = os.environ.get("ENGINE_BENCH_SLUG", f"engine-bench-{os.getpid()}")


def env_for(args) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "HUEY_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["PYTHONPATH"] = str(ROOT)
    env["ENGINE_BENCH_SLUG"] = SLUG
    # A short lease, so that work claimed by a killed worker comes back within the run.
    env.setdefault("ENGINE_LEASE_SECONDS", "5" if args.kill_trials else "300")
    if args.db == "sqlite":
        env.pop("DATABASE_URL", None)
        env["REACTIVATE_HOME"] = args.home
    elif "DATABASE_URL" not in env:
        raise SystemExit("--db postgres needs DATABASE_URL")
    return env


def child_setup(enrollments: int, due: int) -> None:
    import django

    django.setup()
    from datetime import timedelta

    import polars as pl
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from reactivate.campaigns.models import Campaign, Enrollment
    from reactivate.campaigns.services import campaign_create, starter_sequence
    from reactivate.leads.frames import bulk_transaction, insert_frame, reserve_ids
    from reactivate.segments.models import Segment
    from reactivate.tenancy.models import Agency, Practice

    call_command("migrate", verbosity=0)
    agency, _ = Agency.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    # Open all day, every day, with room for several touches: the bench measures the engine,
    # not the sending window.
    practice = Practice.objects.create(
        agency=agency, slug=SLUG, name="Engine bench", timezone="America/Chicago",
        send_days="0,1,2,3,4,5,6", send_from_hour=0, send_until_hour=24,
        max_touches_per_day=50, max_touches_per_week=50, replies_per_day=30000,
    )  # fmt: skip
    segment = Segment.objects.create(practice=practice, name="All", definition={})
    campaign = campaign_create(
        practice=practice, name="Bench", segment=segment, sequence=starter_sequence(practice),
        holdout_percent=0, actor=None)  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(status="running")
    now = timezone.now()
    stalled = now - timedelta(days=200)
    with (
        bulk_transaction(["leads_lead", "leads_contactpoint", "campaigns_enrollment"], enrollments),
        transaction.atomic(),
    ):
        lead_ids = reserve_ids("leads_lead", enrollments)
        ids = pl.Series("id", lead_ids, dtype=pl.Int64)
        insert_frame(
            "leads_lead",
            pl.DataFrame({"id": ids}).with_columns(
                (pl.lit("Lead") + pl.col("id").cast(pl.Utf8)).alias("first_name"),
                pl.lit("{}").alias("custom_fields"),
            ),
            constants={
                "practice_id": practice.pk, "last_name": "Bench", "treatment": "Implants",
                "stage": "consultation", "status": "in_sequence", "source": "",
                "dormancy_reason": "unknown", "dormancy_note": "", "preferred_language": "en",
                "cycle_count": 0, "external_id": "",
                "last_contact_at": stalled, "created_at": now, "updated_at": now,
            },
        )  # fmt: skip
        insert_frame(
            "leads_contactpoint",
            pl.DataFrame({"lead_id": ids}).with_columns(
                (pl.lit("lead") + pl.col("lead_id").cast(pl.Utf8) + pl.lit("@example.com")).alias("value")
            ),
            constants={
                "practice_id": practice.pk, "kind": "email", "raw_value": "", "label": "",
                "extension": "", "validity": "valid", "line_type": "unknown", "timezone": "",
                "is_primary": True, "created_at": now,
            },
        )  # fmt: skip
        due_at = pl.Series(
            [now - timedelta(minutes=1)] * due + [now + timedelta(days=10)] * (enrollments - due)
        )
        insert_frame(
            "campaigns_enrollment",
            pl.DataFrame(
                {"lead_id": ids, "next_action_at": due_at.dt.replace_time_zone("UTC")}
            ).with_columns(pl.lit("{}").alias("variants")),
            constants={
                "practice_id": practice.pk, "campaign_id": campaign.pk, "status": "active",
                "position": 0, "last_decision": "", "stop_reason": "", "claimed_by": "",
                "claimed_until": None, "enrolled_at": now, "updated_at": now,
            },
        )  # fmt: skip
    print(
        json.dumps(
            {
                "enrollments": Enrollment.objects.filter(campaign=campaign).count(),
                "at": now.isoformat(),
            }
        )
    )


def child_work(name: str, log_dir: str) -> None:
    import django

    django.setup()
    from reactivate.campaigns.engine import run_due
    from reactivate.channels.sandbox import SandboxAdapter

    # The sandbox plays the provider: every message it is handed is written down (one line,
    # one write call, so a SIGKILL cannot leave half a line) before the engine hears back.
    # A key written twice, by any worker, is a message sent twice.
    received = open(Path(log_dir) / f"{name}.log", "a", buffering=1)  # noqa: SIM115
    send = SandboxAdapter.send

    def record(self, outbound):
        received.write(outbound.idempotency_key + "\n")
        return send(self, outbound)

    SandboxAdapter.send = record
    while run_due(worker=name).claimed:
        pass


def count_outcomes(due_rows, outcome: dict[str, str], started) -> dict[str, int]:
    """What became of each due step, each counted once: (pk, status, next_action_at) rows of
    the due enrolments, and the status of each first-step message by idempotency key."""
    from datetime import timedelta

    counts = dict.fromkeys(("sent", "uncertain", "deferred", "untouched", "waiting"), 0)
    for pk, status, next_at in due_rows:
        message = outcome.get(f"enrollment-{pk}-step-0")
        if message in ("sent", "uncertain"):
            counts[message] += 1
        elif status == "waiting":
            counts["waiting"] += 1
        elif next_at is not None and started < next_at < started + timedelta(days=9):
            counts["deferred"] += 1
        elif next_at is not None and next_at <= started:
            counts["untouched"] += 1
    return counts


def child_check(at: str) -> None:
    import django

    django.setup()
    from datetime import datetime, timedelta

    from django.db.models import Count, Q

    from reactivate.campaigns.engine import recover_uncertain
    from reactivate.campaigns.models import Enrollment
    from reactivate.campaigns.store import LEASE
    from reactivate.channels.models import OutboundMessage
    from reactivate.leads.models import Interaction

    started = datetime.fromisoformat(at)
    # Whatever a killed worker left in "sending" is uncertain once its lease has run out.
    recover_uncertain(started + LEASE * 1000)
    practice_filter = {"practice__slug": SLUG}
    messages = OutboundMessage.objects.filter(**practice_filter)
    duplicates = (
        Interaction.objects.filter(practice__slug=SLUG, kind="message_out")
        .values("data__outbound")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    # The enrolments that were due: all but those set up ten days out and never touched.
    never_due = Q(position=0, status="active", next_action_at__gte=started + timedelta(days=9))
    due = Enrollment.objects.filter(**practice_filter, enrolled_at__lte=started).exclude(never_due)
    # Each due step is counted once, by what became of it: a message sent, a message left
    # uncertain (its enrolment waits for a person, and is not also "deferred"), or no
    # message yet because the gate or a budget put it off.
    outcome = dict(
        messages.filter(idempotency_key__endswith="-step-0").values_list(
            "idempotency_key", "status"
        )
    )
    counts = count_outcomes(due.values_list("pk", "status", "next_action_at"), outcome, started)
    sent, uncertain, deferred, untouched, waiting = (
        counts[k] for k in ("sent", "uncertain", "deferred", "untouched", "waiting")
    )
    print(json.dumps({"sent": sent, "uncertain": uncertain, "deferred": deferred,
                      "duplicates": duplicates, "untouched": untouched,
                      "waiting": waiting, "enrollments": due.count()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kill-trials", type=int, default=0)
    parser.add_argument("--home", default="")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--name", default="w0", help=argparse.SUPPRESS)
    parser.add_argument("--at", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        child_setup(args.enrollments, args.due)
        return
    if args.child == "work":
        child_work(args.name, args.home)
        return
    if args.child == "check":
        child_check(args.at)
        return

    args.home = args.home or tempfile.mkdtemp(prefix="engine-bench-")
    env = env_for(args)
    me = [PYTHON, __file__, "--db", args.db, "--home", args.home]
    start = time.perf_counter()
    setup = json.loads(
        subprocess.run([*me, "--child", "setup", "--enrollments", str(args.enrollments), "--due", str(args.due)],
                       env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()[-1]
    )  # fmt: skip
    print(
        f"setup: {setup['enrollments']:,} enrollments, {args.due:,} due ({time.perf_counter() - start:.1f}s)"
    )

    rng = random.Random(7)
    for trial in range(args.kill_trials):
        worker = subprocess.Popen(
            [*me, "--child", "work", "--name", f"k{trial}"], env=env, cwd=ROOT
        )
        time.sleep(rng.uniform(3.0, 8.0))  # after start-up, at a random moment of its work
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    if args.kill_trials:
        print(f"killed a worker {args.kill_trials} times")
        # Claims of killed workers are leases: wait them out, as a real pool would.
        time.sleep(float(env["ENGINE_LEASE_SECONDS"]) + 1)

    start = time.perf_counter()
    workers = [
        subprocess.Popen([*me, "--child", "work", "--name", f"w{i}"], env=env, cwd=ROOT)
        for i in range(args.workers)
    ]
    for worker in workers:
        worker.wait()
    seconds = time.perf_counter() - start
    check = json.loads(
        subprocess.run([*me, "--child", "check", "--at", setup["at"]], env=env, cwd=ROOT,
                       check=True, capture_output=True, text=True).stdout.splitlines()[-1]
    )  # fmt: skip
    handled = check["sent"] + check["uncertain"] + check["deferred"] + check["waiting"]
    # What the "provider" received, across every worker and every killed one.
    received: dict[str, int] = {}
    for log in Path(args.home).glob("*.log"):
        for key in log.read_text().split():
            received[key] = received.get(key, 0) + 1
    check["duplicates"] = max(
        check["duplicates"], sum(1 for count in received.values() if count > 1)
    )
    if check["sent"] > len(received):
        raise SystemExit(f"{check['sent']} marked sent but only {len(received)} handed over")
    print(
        f"{args.workers} worker(s) on {args.db}: {seconds:.1f}s for {args.due:,} due steps "
        f"({args.due / seconds:,.0f} a second; goal: 100,000 in < 60 s on SQLite with one worker)"
    )
    print(
        f"sent {check['sent']:,}, uncertain {check['uncertain']:,}, deferred {check['deferred'] + check['waiting']:,}, "
        f"left undecided {check['untouched']:,}, duplicates {check['duplicates']} (goal 0); "
        f"every due step accounted for once: {handled + check['untouched'] == args.due and check['untouched'] == 0}"
    )
    print(json.dumps({
        "due": args.due, "sent": check["sent"], "deferred": check["deferred"] + check["waiting"],
        "uncertain": check["uncertain"], "duplicates": check["duplicates"],
        "seconds": round(seconds, 2), "workers": args.workers, "db": args.db,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
