"""The contracts of `reactivate metrics` and `reactivate lift`, run as outside checks run them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reactivate.metrics.tests.helpers import program, t0
from reactivate.testing import BaseTestCase
from tests.test_console_script import reactivate

METRICS_KEYS = {"contacted", "responded", "response_rate", "reactivated", "reactivation_rate",
                "pipeline_value", "cost_per_reactivated_lead", "cost_per_new_lead",
                "time_to_conversion_days", "health_score", "speed_to_human_minutes",
                "lift"}  # fmt: skip
LIFT_KEYS = {"difference", "ci_low", "ci_high", "treated_ci", "holdout_ci", "significant",
             "more_leads_needed"}  # fmt: skip


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class MetricsCommand(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        program(cls.north, t0())

    def test_json_has_the_named_keys_with_rates_as_fractions(self):
        report = json.loads(run("metrics", "--practice", "north", "--json"))
        assert set(report) >= METRICS_KEYS
        assert {"treated", "holdout", "difference", "ci_low", "ci_high", "significant"} <= set(
            report["lift"]
        )
        assert (report["contacted"], report["responded"], report["reactivated"]) == (7, 4, 2)
        assert 0 <= report["response_rate"] <= 1 and 0 <= report["health_score"] <= 100
        assert isinstance(report["lift"]["significant"], bool)

    def test_one_campaign_by_name(self):
        report = json.loads(run("metrics", "--practice", "north", "--campaign", "Autumn", "--json"))
        assert report["campaign"] == "Autumn" and report["cost"]["fixed"] == 50.0

    def test_text_output_reads_as_a_summary(self):
        text = run("metrics", "--practice", "north")
        assert "responded                 4 (57.1%)" in text
        assert "cost per reactivated lead $37.09 (a new lead: $300.00, 8.1x)" in text
        assert "Lift in reactivation:" in text

    def test_unknown_practice_or_campaign_says_what_exists(self):
        with pytest.raises(CommandError, match="practice list"):
            run("metrics", "--practice", "nowhere")
        with pytest.raises(CommandError, match="Autumn"):
            run("metrics", "--practice", "north", "--campaign", "Spring")

    def test_south_sees_nothing_of_norths_program(self):
        report = json.loads(run("metrics", "--practice", "south", "--json"))
        assert (report["contacted"], report["lift"]["difference"]) == (0, None)


def test_lift_json_contract(tmp_path):
    # An empty data home: the lift needs counts, not a database.
    result = reactivate(tmp_path, "lift", "--treated", "56/70", "--holdout", "48/80", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) >= LIFT_KEYS
    assert (figures["ci_low"], figures["ci_high"]) == (0.0524, 0.3339)
    assert figures["significant"] is True and figures["more_leads_needed"] is None
    assert figures["treated_ci"] == [0.6918, 0.877]
    assert "Preparing the database" not in result.stderr


def test_lift_not_significant_in_words():
    text = run("lift", "--treated", "24/200", "--holdout", "4/50")
    assert "treated  24/200 = 12.0%" in text
    assert "not significant yet — about" in text


def test_lift_rejects_counts_written_wrong():
    with pytest.raises(CommandError, match="COUNT/TOTAL"):
        run("lift", "--treated", "12", "--holdout", "3/85")
