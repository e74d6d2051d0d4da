"""Verdict classification rule: numbers and a rule code, no words (those are in the catalogue,
tests/outcomes/test_wording.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tracker.analytics.comparison import KINDS, RULES, TestUndefined, undefined_reason
from tracker.analytics.survival import verdict

BASE: dict[str, Any] = {"events": 45, "max_follow_up": 30.0, "first_landmark": 12.0}


def test_more_fewer_consistent() -> None:
    more = verdict(**BASE, ratio_ci=(1.12, 1.95))
    assert (more["kind"], more["rule"]) == ("more_events", "oe_above")
    assert more["ratio_ci"] == (1.12, 1.95) and more["events"] == 45
    fewer = verdict(**BASE, ratio_ci=(0.41, 0.87))
    assert (fewer["kind"], fewer["rule"]) == ("fewer_events", "oe_below")
    consistent = verdict(**BASE, ratio_ci=(0.8, 1.3))
    assert (consistent["kind"], consistent["rule"]) == ("consistent", "oe_includes")


def test_boundaries_are_strict() -> None:
    assert verdict(**BASE, ratio_ci=(1.0, 1.4))["kind"] == "consistent"
    assert verdict(**BASE, ratio_ci=(0.6, 1.0))["kind"] == "consistent"
    assert verdict(**{**BASE, "events": 20}, ratio_ci=(1.1, 1.4))["kind"] == "more_events"
    assert verdict(**{**BASE, "max_follow_up": 12.0}, ratio_ci=(1.1, 1.4))["kind"] == (
        "more_events")


def test_too_little_data_takes_precedence_and_says_why() -> None:
    few = verdict(**{**BASE, "events": 19}, ratio_ci=(1.5, 3.0))
    assert (few["kind"], few["rule"]) == ("too_little_data", "few_events")
    assert few["min_events"] == 20
    short = verdict(**{**BASE, "max_follow_up": 9.5}, ratio_ci=(1.5, 3.0))
    assert (short["kind"], short["rule"]) == ("too_little_data", "short_follow_up")
    assert (short["max_follow_up"], short["first_landmark"]) == (9.5, 12.0)
    both = verdict(events=3, max_follow_up=2.0, first_landmark=12.0, ratio_ci=(0.1, 5.0))
    assert both["rule"] == "few_events_short_follow_up"


def test_thresholds_are_keyword_arguments() -> None:
    assert verdict(**BASE, ratio_ci=(1.1, 1.4), min_events=50)["kind"] == "too_little_data"
    assert verdict(**BASE, ratio_ci=(1.1, 1.4), null_ratio=1.2)["kind"] == "consistent"
    with pytest.raises(TypeError):
        verdict(45, 30.0, 12.0, (1.1, 1.4))  # type: ignore[misc]


def test_every_rule_has_a_kind() -> None:
    assert set(RULES.values()) == set(KINDS)


def test_guards() -> None:
    with pytest.raises(ValueError, match="ratio_ci"):
        verdict(**BASE, ratio_ci=(1.5, 1.1))
    with pytest.raises(ValueError, match=">= 0"):
        verdict(**{**BASE, "events": -1}, ratio_ci=(1.1, 1.5))


def test_why_a_test_is_undefined_is_a_code() -> None:
    assert undefined_reason(TestUndefined("survival_zero", "m", time=3.0)) == "survival_zero"
    assert undefined_reason(None) == "no_patients"
    assert undefined_reason(ValueError("malformed")) == "failed"
