"""Rounded count tables: every count a multiple of 5, a valid table, close to the exact one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines.datasets import load_lung

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import StatisticalWarning
from tracker.analytics.counts import count_table, numbers_at_risk, prepare
from tracker.analytics.disclosure import round_counts, rounded_count_table
from tracker.analytics.survival import kaplan_meier, median_survival, survival_at


def _multiples_of_5(table) -> bool:  # type: ignore[no-untyped-def]
    counts = table[["events", "censored", "entered"]].to_numpy()
    return bool((counts % 5 == 0).all())


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 60), seed=st.integers(0, 10_000), delayed=st.booleans(),
    round_to=st.sampled_from([None, 1.0, 3.0]),
)
def test_any_table_rounds_to_a_valid_table_of_multiples_of_5(
    n: int, seed: int, delayed: bool, round_to: float | None
) -> None:
    durations, events, entry = weibull_cohort(n, seed, round_to=round_to, delayed_entry=delayed)
    exact = count_table(durations, events, entry)
    rounded = rounded_count_table(exact)
    assert _multiples_of_5(rounded)
    p = prepare(rounded)  # a valid count table: nobody leaves who is not at risk
    assert p.n_patients == rounded["entered"].sum()
    assert (p.removed <= p.at_risk).all()
    assert abs(p.n_patients - len(durations)) <= 10
    assert abs(rounded["events"].sum() - events.sum()) <= 2.5
    with warnings.catch_warnings():  # a tiny cohort with delayed entry may empty the risk set
        warnings.simplefilter("ignore", StatisticalWarning)
        km = kaplan_meier(rounded)
    assert ((km["survival"] >= 0) & (km["survival"] <= 1)).all()
    # every number at risk read off it is a multiple of 5 as well
    assert (numbers_at_risk(rounded, np.linspace(0, durations.max(), 9)) % 5 == 0).all()


def test_the_lung_curve_moves_by_little() -> None:
    lung = load_lung()
    exact = count_table(lung["time"], lung["status"])
    rounded = rounded_count_table(exact)
    assert rounded["entered"].sum() == 230 and rounded["events"].sum() == 165
    times = np.arange(0.0, 1000.0, 5.0)
    a = survival_at(kaplan_meier(exact), times)["survival"]
    b = survival_at(kaplan_meier(rounded), times)["survival"]
    gap = np.abs(a - b).to_numpy()
    well_followed = numbers_at_risk(exact, times) >= 50
    assert gap[well_followed].max() < 0.02 and gap.max() < 0.04  # larger in the thin tail
    assert median_survival(kaplan_meier(rounded))["median"] == 320.0  # exact: 310


def test_round_counts() -> None:
    assert round_counts([0, 1, 2, 3, 4, 5, 7, 8, 12, 13]).tolist() == [
        0, 0, 0, 5, 5, 5, 5, 10, 10, 15]
    with pytest.raises(ValueError, match="base"):
        round_counts([1], base=0)
