"""The intervals against the worked examples of Newcombe (1998), Statistics in Medicine
17:873-890: Table I (Wilson's score interval, method 3 of the companion paper) and Table II
(method 10, the hybrid score interval for a difference), to four decimals."""

from __future__ import annotations

import pytest

from reactivate.metrics.stats import Share, leads_needed, lift, newcombe, parse_share, wilson

# (a/m, b/n) → method 10's (low, high), Newcombe 1998, Table II, examples (a)-(h).
TABLE_II = [
    ((56, 70), (48, 80), (0.0524, 0.3339)),
    ((9, 10), (3, 10), (0.1705, 0.8090)),
    ((6, 7), (2, 7), (0.0582, 0.8062)),
    ((5, 56), (0, 29), (-0.0381, 0.1926)),
    ((0, 10), (0, 20), (-0.1611, 0.2775)),
    ((0, 10), (0, 10), (-0.2775, 0.2775)),
    ((10, 10), (0, 20), (0.6791, 1.0000)),
    ((10, 10), (0, 10), (0.6075, 1.0000)),
]
# Wilson's interval for single shares: Newcombe's companion paper, Table I.
WILSON = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)),
          ((0, 20), (0.0, 0.1611)), ((1, 29), (0.0061, 0.1718))]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "expected"), TABLE_II)
def test_newcombe_hybrid_score_interval_matches_table_ii(a, b, expected):
    low, high = newcombe(Share(*a), Share(*b))
    assert (round(low, 4), round(high, 4)) == expected


@pytest.mark.parametrize(("counts", "expected"), WILSON)
def test_wilson_interval_matches_the_worked_examples(counts, expected):
    low, high = wilson(*counts)
    assert (round(low, 4), round(high, 4)) == expected


def test_a_significant_lift_needs_no_more_leads():
    result = lift(Share(56, 70), Share(48, 80))
    assert result.significant and result.more_leads_needed is None
    assert round(result.difference, 4) == 0.2
    assert "significant at 95%" in result.in_words()


def test_not_significant_says_how_many_more_leads():
    # 12% against 8% with 200 and 50 leads: the interval spans zero.
    result = lift(Share(24, 200), Share(4, 50))
    assert not result.significant
    total = leads_needed(Share(24, 200), Share(4, 50))
    assert result.more_leads_needed == total - 250 > 0
    assert f"about {result.more_leads_needed:,} more leads needed" in result.in_words()


def test_power_calculation_matches_the_textbook_formula():
    # Equal arms, 10% against 5%, 80% power, two-sided 5%: the familiar 435 a group (Fleiss,
    # without continuity correction), 870 in all.
    assert leads_needed(Share(100, 1000), Share(50, 1000)) == 870


def test_no_difference_means_no_sample_size():
    result = lift(Share(5, 50), Share(1, 10))
    assert result.difference == 0 and result.more_leads_needed is None
    assert "no difference between the groups yet" in result.in_words()


def test_an_empty_arm_gives_no_lift():
    result = lift(Share(5, 50), Share(0, 0))
    assert result.difference is None and not result.significant
    assert "need leads" in result.in_words()


@pytest.mark.parametrize(
    ("text", "message"),
    [("12", "COUNT/TOTAL"), ("a/b", "whole numbers"), ("5/3", "between 0"), ("1/0", "above 0"),
     ("-1/4", "between 0")],
)  # fmt: skip
def test_counts_written_wrong_get_a_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        parse_share(text)
