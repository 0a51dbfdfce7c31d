"""benchmarks/engine_bench.py reports what it measured honestly: each due step once."""

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "engine_bench", Path(__file__).parents[1] / "benchmarks" / "engine_bench.py"
)
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)
START = datetime(2026, 6, 2, 15, tzinfo=UTC)


def test_a_send_left_uncertain_is_not_also_deferred():
    rows = [
        (1, "active", START + timedelta(days=3)),  # sent, next step later
        (2, "waiting", None),  # its message is uncertain: parked for a person
        (3, "active", START + timedelta(hours=10)),  # quiet hours put it off
        (4, "waiting", None),  # waiting for the team's replies, no message
        (5, "active", START - timedelta(minutes=1)),  # never decided
    ]
    outcome = {"enrollment-1-step-0": "sent", "enrollment-2-step-0": "uncertain"}
    counts = bench.count_outcomes(rows, outcome, START)
    assert counts == {"sent": 1, "uncertain": 1, "deferred": 1, "untouched": 1, "waiting": 1}
    assert sum(counts.values()) == len(rows)
