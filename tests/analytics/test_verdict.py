"""Verdict classification rule."""

from __future__ import annotations

from typing import Any

import pytest

from tracker.analytics.survival import verdict

BASE: dict[str, Any] = {"events": 45, "max_follow_up": 30.0, "first_landmark": 12.0}


def test_worse_better_consistent() -> None:
    worse = verdict(**BASE, ratio_ci=(1.12, 1.95))
    assert worse["verdict"] == "worse"
    assert "1.12-1.95" in worse["rule"] and "above 1" in worse["rule"]
    assert "45 events" in worse["rule"]
    better = verdict(**BASE, ratio_ci=(0.41, 0.87))
    assert better["verdict"] == "better" and "below 1" in better["rule"]
    consistent = verdict(**BASE, ratio_ci=(0.8, 1.3))
    assert consistent["verdict"] == "consistent" and "includes 1" in consistent["rule"]


def test_boundaries_are_strict() -> None:
    assert verdict(**BASE, ratio_ci=(1.0, 1.4))["verdict"] == "consistent"
    assert verdict(**BASE, ratio_ci=(0.6, 1.0))["verdict"] == "consistent"
    assert verdict(**{**BASE, "events": 20}, ratio_ci=(1.1, 1.4))["verdict"] == "worse"
    assert verdict(**{**BASE, "max_follow_up": 12.0}, ratio_ci=(1.1, 1.4))["verdict"] == "worse"


def test_too_little_data_takes_precedence() -> None:
    few = verdict(**{**BASE, "events": 19}, ratio_ci=(1.5, 3.0))
    assert few["verdict"] == "too_little_data"
    assert "only 19 events (fewer than 20)" in few["rule"]
    short = verdict(**{**BASE, "max_follow_up": 9.5}, ratio_ci=(1.5, 3.0))
    assert short["verdict"] == "too_little_data"
    assert "9.5 months is shorter than the first landmark at 12 months" in short["rule"]
    both = verdict(events=3, max_follow_up=2.0, first_landmark=12.0, ratio_ci=(0.1, 5.0))
    assert "only 3 events" in both["rule"] and "shorter" in both["rule"]


def test_thresholds_are_keyword_arguments() -> None:
    assert verdict(**BASE, ratio_ci=(1.1, 1.4), min_events=50)["verdict"] == "too_little_data"
    assert verdict(**BASE, ratio_ci=(1.1, 1.4), null_ratio=1.2)["verdict"] == "consistent"
    with pytest.raises(TypeError):
        verdict(45, 30.0, 12.0, (1.1, 1.4))  # type: ignore[misc]


def test_landmarks_are_quoted_but_do_not_change_the_verdict() -> None:
    landmarks = [
        {"time": 12, "observed": 0.61, "ci_lower": 0.52, "ci_upper": 0.69, "assumed": 0.72},
        {"time": 24, "observed": 0.40},
    ]
    result = verdict(**BASE, ratio_ci=(1.12, 1.95), landmarks=landmarks)
    assert result["verdict"] == "worse"
    assert "at 12 months observed survival 0.61 (0.52-0.69) vs assumed 0.72" in result["rule"]
    assert "at 24 months observed survival 0.40" in result["rule"]


def test_guards() -> None:
    with pytest.raises(ValueError, match="ratio_ci"):
        verdict(**BASE, ratio_ci=(1.5, 1.1))
    with pytest.raises(ValueError, match=">= 0"):
        verdict(**{**BASE, "events": -1}, ratio_ci=(1.1, 1.5))


def test_the_rule_is_also_written_in_norwegian_with_the_same_numbers() -> None:
    landmarks = [
        {"time": 12, "observed": 0.61, "ci_lower": 0.52, "ci_upper": 0.69, "assumed": 0.72},
    ]
    worse = verdict(**BASE, ratio_ci=(1.12, 1.95), landmarks=landmarks)
    assert worse["rule_nb"].startswith("Dårligere enn antatt: 95 %-konfidensintervallet")
    assert "(1,12–1,95) ligger helt over 1" in worse["rule_nb"]
    assert "45 hendelser, oppfølging inntil 30 måneder" in worse["rule_nb"]
    assert "ved 12 måneder observert overlevelse 0,61 (0,52–0,69) mot antatt 0,72" in (
        worse["rule_nb"])
    better = verdict(**BASE, ratio_ci=(0.41, 0.87))
    assert "(0,41–0,87) ligger helt under 1" in better["rule_nb"]
    consistent = verdict(**BASE, ratio_ci=(0.8, 1.3), time_unit="days")
    assert consistent["rule_nb"].startswith("I tråd med antagelsene")
    assert "oppfølging inntil 30 dager" in consistent["rule_nb"]
    few = verdict(events=3, max_follow_up=2.5, first_landmark=12.0, ratio_ci=(0.1, 5.0))
    assert few["rule_nb"] == (
        "For lite data: bare 3 hendelser (færre enn 20) og lengste oppfølging 2,5 måneder er "
        "kortere enn første landemerke ved 12 måneder."
    )
    for result in (worse, better, consistent, few):
        assert not any(word in result["rule_nb"] for word in ("events", "assumed", "months"))
