"""Run the Examples sections of the analytics modules as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tracker.analytics.parametric",
    "tracker.analytics.counts",
    "tracker.analytics.survival",
    "tracker.analytics.comparison",
    "tracker.analytics.thinning",
    "tracker.analytics.hazards",
    "tracker.analytics.maturity",
    "tracker.analytics.extrapolation",
    "tracker.analytics.disclosure",
    "tracker.analytics.access_stats",
    "tracker.analytics.access_rates",
    "tracker.analytics.access_variation",
    "tracker.analytics.settlement",
    "tracker.analytics.financial",
    "tracker.analytics.access_suppression",
    "tracker.analytics.access_reference",
    "tracker.outcomes.wording",
    "tracker.outcomes.history",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
