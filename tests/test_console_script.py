"""The installed `reactivate` command, run the way users and outside checks run it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def command(home: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """The installed script with a private data directory on the default SQLite database."""
    exe = shutil.which("reactivate") or str(Path(sys.executable).with_name("reactivate"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_URL")}
    env["REACTIVATE_HOME"] = str(home)
    return [exe, *args], env


def reactivate(home: Path, *args: str) -> subprocess.CompletedProcess:
    argv, env = command(home, *args)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    result = reactivate(tmp_path, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_help_lists_the_products_commands(tmp_path):
    result = reactivate(tmp_path, "help")
    assert result.returncode == 0
    for command in ("demo", "practice", "worker"):
        assert command in result.stdout


def test_practice_create_and_list_from_the_shell(home):
    created = reactivate(
        home,
        "practice",
        "create",
        "north-dental",
        "--name",
        "North Dental",
        "--country",
        "US",
        "--state",
        "CA",
        "--timezone",
        "America/Los_Angeles",
    )
    assert created.returncode == 0, created.stderr
    listed = reactivate(home, "practice", "list")
    assert listed.stdout.splitlines()[0].split("\t")[0] == "north-dental"


def test_a_bad_time_zone_fails_with_a_clear_message(home):
    result = reactivate(home, "practice", "create", "x", "--name", "X", "--timezone", "Nowhere")
    assert result.returncode != 0
    assert "not an IANA time zone" in result.stderr


def test_the_sqlite_database_runs_in_wal_mode(home):
    import sqlite3

    with sqlite3.connect(home / "reactivate.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (home / "secret_key").exists()


def test_the_worker_starts_on_the_default_sqlite_queue_and_stops_on_sigterm(home):
    import signal
    import time

    argv, env = command(home, "worker", "--workers", "1")
    worker = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "consumer started" not in seen.lower() and time.monotonic() < deadline:
            seen += worker.stderr.readline()
        assert "consumer started" in seen.lower(), seen
        assert (home / "huey.sqlite3").exists()
        # huey installs its handlers just after that log line: wait until the kernel shows them.
        while not _catches(worker.pid, signal.SIGTERM) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        seen += worker.stderr.read()
        # One logging configuration: every line once, in the one format.
        lines = [line for line in seen.splitlines() if line.strip()]
        assert sum("consumer started" in line.lower() for line in lines) == 1, seen
        stamp = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) "
        import re

        # Multi-line messages (huey's task list) continue with "+ task" lines.
        odd = [line for line in lines if not re.match(stamp, line) and line[:2] != "+ "]
        assert not odd, odd
    finally:
        if worker.poll() is None:
            worker.kill()


def _catches(pid: int, signum: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask, 16) & (1 << (signum - 1)))


def test_import_and_export_contracts_from_the_shell(home, tmp_path):
    import csv
    import json

    reactivate(home, "practice", "create", "north", "--name", "North")
    export = tmp_path / "hubspot.csv"
    export.write_text(
        "Record ID,First Name,Last Name,Email,Phone Number\n"
        "1,Ana,Ruiz,ana@example.com,(312) 456-7601\n"
        "2,Ben,Ode,not-an-email,\n"
        "3,ANA,RUIZ,ANA@example.com,\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    result = reactivate(
        home, "import", str(export), "--practice", "north", "--json", "--report", str(report)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "rows": 3,
        "created": 1,
        "updated": 0,
        "merged": 1,
        "rejected": 1,
        "flagged": 0,
    }
    with report.open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert [(r["row"], r["outcome"]) for r in lines] == [
        ("1", "created"),
        ("2", "rejected"),
        ("3", "merged"),
    ]
    out = tmp_path / "leads.csv"
    assert (
        reactivate(home, "export-leads", "--practice", "north", "--out", str(out)).returncode == 0
    )
    with out.open(newline="") as handle:
        (lead,) = list(csv.DictReader(handle))
    assert (lead["emails"], lead["phones"]) == ("ana@example.com", "+13124567601")


def test_an_unreadable_file_exits_non_zero(home, tmp_path):
    reactivate(home, "practice", "create", "north", "--name", "North")
    missing = reactivate(
        home, "import", str(tmp_path / "nope.csv"), "--practice", "north", "--json"
    )
    assert missing.returncode != 0
    assert "cannot open" in missing.stderr
