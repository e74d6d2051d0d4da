"""Thinning Kaplan-Meier curves for plotting."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import StatisticalWarning
from tracker.analytics.survival import count_table, kaplan_meier, thin_curve

COLUMNS = ["survival", "ci_lower", "ci_upper"]


def max_deviation(full: pd.DataFrame, thinned: pd.DataFrame) -> float:
    """Largest |thinned step function - full curve| over all original times and columns."""
    row = np.searchsorted(thinned["time"].to_numpy(), full["time"].to_numpy(), side="right") - 1
    assert (row >= 0).all()
    diff = thinned[COLUMNS].to_numpy()[row] - full[COLUMNS].to_numpy()
    return float(np.abs(diff).max())


def test_million_patient_curve_is_thinned_fast_and_accurately() -> None:
    durations, events, _ = weibull_cohort(1_000_000, 51)
    start = time.perf_counter()
    km = kaplan_meier(count_table(durations, events))
    thinned = thin_curve(km)
    elapsed = time.perf_counter() - start
    assert len(km) > 900_000
    assert 2 <= len(thinned) <= 2000
    assert max_deviation(km, thinned) <= 0.005
    assert thinned.iloc[0].equals(km.iloc[0]) and thinned.iloc[-1].equals(km.iloc[-1])
    assert list(thinned.columns) == list(km.columns)
    assert elapsed < 10.0


@pytest.mark.parametrize("tolerance", [0.0, 0.001, 0.02, 0.2])
def test_tolerance_is_honoured_and_rows_are_original(tolerance: float) -> None:
    durations, events, _ = weibull_cohort(3000, 52, round_to=0.1)
    km = kaplan_meier(count_table(durations, events))
    thinned = thin_curve(km, max_points=len(km), tolerance=tolerance)
    assert max_deviation(km, thinned) <= tolerance
    merged = thinned.merge(km, on="time", suffixes=("", "_full"))
    assert len(merged) == len(thinned)
    np.testing.assert_array_equal(merged["survival"], merged["survival_full"])
    if tolerance == 0.0:
        changes = (km[COLUMNS].diff().abs().to_numpy()[1:] > 0).any(axis=1).sum()
        assert len(thinned) <= changes + 2


def test_coarser_tolerance_gives_fewer_rows() -> None:
    durations, events, _ = weibull_cohort(5000, 53)
    km = kaplan_meier(count_table(durations, events))
    sizes = [len(thin_curve(km, tolerance=tol)) for tol in (0.001, 0.005, 0.02)]
    assert sizes[0] > sizes[1] > sizes[2]


def test_too_few_points_for_the_tolerance_relaxes_it_with_a_warning() -> None:
    durations, events, _ = weibull_cohort(5000, 54)
    km = kaplan_meier(count_table(durations, events))
    with pytest.warns(StatisticalWarning, match="used tolerance"):
        thinned = thin_curve(km, max_points=20, tolerance=0.001)
    assert len(thinned) <= 20
    assert max_deviation(km, thinned) < 0.2


def test_small_curves_and_guards() -> None:
    km = kaplan_meier(count_table([5.0], [1]))
    pd.testing.assert_frame_equal(thin_curve(km), km)
    with pytest.raises(ValueError, match="max_points"):
        thin_curve(km, max_points=1)
    with pytest.raises(ValueError, match="tolerance"):
        thin_curve(km, tolerance=-0.1)
    with pytest.raises(ValueError, match="kaplan_meier"):
        thin_curve(pd.DataFrame({"t": [0.0]}))
