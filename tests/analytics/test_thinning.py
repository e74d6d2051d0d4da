"""Thinning Kaplan-Meier curves for plotting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import StatisticalWarning
from tracker.analytics.survival import count_table, kaplan_meier, thin_curve
from tracker.analytics.thinning import _falling_rows, _greedy

COLUMNS = ["survival", "ci_lower", "ci_upper"]


def reference_rows(values: np.ndarray, tolerance: float) -> list[int]:
    """The greedy rule written out row by row: keep a row when any value has moved too far."""
    kept = [0]
    for j in range(1, len(values)):
        now, held = values[j], values[kept[-1]]
        moved = [abs(float(a) - float(b)) > tolerance for a, b in zip(now, held, strict=True)]
        if any(moved):
            kept.append(j)
    if kept[-1] != len(values) - 1:
        kept.append(len(values) - 1)
    return kept


def max_deviation(full: pd.DataFrame, thinned: pd.DataFrame) -> float:
    """Largest |thinned step function - full curve| over all original times and columns."""
    row = np.searchsorted(thinned["time"].to_numpy(), full["time"].to_numpy(), side="right") - 1
    assert (row >= 0).all()
    diff = thinned[COLUMNS].to_numpy()[row] - full[COLUMNS].to_numpy()
    return float(np.abs(diff).max())


def test_million_patient_curve_is_thinned_accurately() -> None:
    durations, events, _ = weibull_cohort(1_000_000, 51)
    km = kaplan_meier(count_table(durations, events))
    thinned = thin_curve(km)
    assert len(km) > 900_000
    assert 2 <= len(thinned) <= 2000
    assert max_deviation(km, thinned) <= 0.005
    assert thinned.iloc[0].equals(km.iloc[0]) and thinned.iloc[-1].equals(km.iloc[-1])
    assert list(thinned.columns) == list(km.columns)


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


@pytest.mark.parametrize(("seed", "tolerance"), [(60, 0.005), (61, 0.0), (62, 0.001), (63, 0.05)])
def test_fast_thinning_keeps_the_rows_of_the_rule_written_out(seed: int, tolerance: float) -> None:
    # While every column falls `_greedy` finds each step by binary search; in the tail, where
    # the upper bound rises as the risk set shrinks, it scans. Both must keep exactly the rows
    # the plain rule keeps.
    durations, events, entry = weibull_cohort(20_000, seed, round_to=0.01,
                                              delayed_entry=bool(seed % 2))
    km = kaplan_meier(count_table(durations, events, entry))
    values = km[COLUMNS].to_numpy(dtype=np.float64)
    assert len(km) > 1000 and _falling_rows(values) > len(km) // 2  # the binary search is used
    fast = _greedy(values, tolerance, len(km))
    assert fast is not None
    assert fast.tolist() == reference_rows(values, tolerance)
    assert _greedy(values, tolerance, len(fast) - 1) is None  # the limit is still enforced


def test_a_band_that_rises_or_has_a_gap_is_thinned_by_the_same_rule() -> None:
    time = np.arange(400, dtype=np.float64)
    survival = np.linspace(1.0, 0.2, 400)
    upper = np.minimum(1.0, survival + 0.05 + 0.03 * np.sin(time / 15.0))
    km = pd.DataFrame({"time": time, "survival": survival, "ci_lower": survival - 0.05,
                       "ci_upper": upper})
    thinned = thin_curve(km, tolerance=0.01)
    assert max_deviation(km, thinned) <= 0.01
    assert len(thinned) < len(km) / 2
    values = km[COLUMNS].to_numpy()
    values[150, 1] = np.nan  # a missing bound: never counts as a move
    assert _greedy(values, 0.01, len(km)).tolist() == reference_rows(values, 0.01)  # type: ignore[union-attr]
