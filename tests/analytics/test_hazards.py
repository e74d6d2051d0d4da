"""Hazards from count tables against lifelines, statsmodels and per-patient sums."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter, NelsonAalenFitter, PiecewiseExponentialFitter
from lifelines.datasets import load_lung
from statsmodels.stats.rates import confint_poisson

from tests.analytics._simulate import weibull_cohort
from tracker.analytics.counts import count_table
from tracker.analytics.hazards import (
    log_cumulative_hazard,
    nelson_aalen,
    person_time,
    piecewise_hazard,
    smoothed_hazard,
)
from tracker.analytics.survival import kaplan_meier


@pytest.mark.parametrize("delayed", [False, True])
def test_person_time_is_the_per_patient_sum(delayed: bool) -> None:
    durations, events, entry = weibull_cohort(600, 61, round_to=0.5, delayed_entry=delayed)
    start = np.zeros_like(durations) if entry is None else entry
    breaks = np.array([0.0, 3.0, 6.0, 12.0, 24.0, 60.0])
    lo, hi = breaks[:-1], breaks[1:]
    # each patient is at risk on (start, exit]: their time in [lo, hi)
    brute = (np.clip(np.minimum(durations[:, None], hi) - np.maximum(start[:, None], lo), 0, None)
             .sum(axis=0))
    np.testing.assert_allclose(person_time(count_table(durations, events, entry), breaks), brute,
                               rtol=1e-12)


@pytest.mark.parametrize("delayed", [False, True])
def test_piecewise_hazard_is_lifelines_piecewise_exponential_fit(delayed: bool) -> None:
    durations, events, entry = weibull_cohort(800, 62, delayed_entry=delayed)  # continuous
    table = count_table(durations, events, entry)
    result = piecewise_hazard(table, [0.0, 6.0, 12.0, 24.0, durations.max() + 1.0])
    fit = PiecewiseExponentialFitter(breakpoints=[6.0, 12.0, 24.0]).fit(
        durations, events, entry=entry)
    np.testing.assert_allclose(result["hazard"], 1.0 / fit.params_.to_numpy(), rtol=1e-5)
    assert result["events"].sum() == events.sum()


def test_piecewise_interval_is_the_exact_poisson_interval() -> None:
    durations, events, _ = weibull_cohort(300, 63, round_to=1.0)
    result = piecewise_hazard(count_table(durations, events), [0.0, 6.0, 12.0, 18.0, 80.0])
    for row in result.itertuples():
        lower, upper = confint_poisson(row.events, row.person_time, method="exact-c")
        assert row.ci_lower == pytest.approx(lower, rel=1e-9)
        assert row.ci_upper == pytest.approx(upper, rel=1e-9)
    # events at a break belong to the interval that ends there: (a, b]
    table = count_table([6.0, 6.0, 7.0], [1, 1, 1])
    assert piecewise_hazard(table, [0.0, 6.0, 12.0])["events"].tolist() == [2.0, 1.0]


def test_nelson_aalen_matches_lifelines_on_lung() -> None:
    lung = load_lung()
    na = nelson_aalen(count_table(lung["time"], lung["status"]))
    fit = NelsonAalenFitter(nelson_aalen_smoothing=False).fit(lung["time"], lung["status"])
    reference = fit.cumulative_hazard_.iloc[:, 0]
    np.testing.assert_allclose(na["cumulative_hazard"], reference.loc[na["time"]], rtol=1e-12)


@pytest.mark.parametrize("bandwidth", [30.0, 120.0])
def test_smoothed_hazard_matches_lifelines_on_lung(bandwidth: float) -> None:
    lung = load_lung()
    times = np.linspace(0.0, 1000.0, 51)
    ours = smoothed_hazard(count_table(lung["time"], lung["status"]), times, bandwidth)
    fit = NelsonAalenFitter(nelson_aalen_smoothing=False).fit(
        lung["time"], lung["status"], timeline=np.union1d(times, lung["time"]))
    reference = fit.smoothed_hazard_(bandwidth).iloc[:, 0].loc[times]
    np.testing.assert_allclose(ours["hazard"], reference, rtol=1e-10, atol=1e-15)
    assert (ours["ci_lower"] <= ours["hazard"]).all() and (ours["hazard"] <= ours["ci_upper"]).all()
    assert ours["edge"].tolist() == list((times < bandwidth) | (times > 1022.0 - bandwidth))


def test_smoothed_variance_by_hand() -> None:
    # Klein & Moeschberger 6.2: Var h(t) = b^-2 sum K^2 d / n^2; three deaths at 1, 2, 3.
    out = smoothed_hazard(count_table([1.0, 2.0, 3.0], [1, 1, 1]), [2.0], 2.0).iloc[0]
    k = 0.75 * (1 - np.array([0.5, 0.0, -0.5]) ** 2)
    n = np.array([3.0, 2.0, 1.0])
    assert out["hazard"] == pytest.approx((k / n).sum() / 2.0)
    sd = np.sqrt((k**2 / n**2).sum()) / 2.0
    upper = out["hazard"] * np.exp(1.959963985 * sd / out["hazard"])
    assert out["ci_upper"] == pytest.approx(upper)


def test_log_cumulative_hazard_of_a_weibull_cohort_is_a_line_of_slope_shape() -> None:
    durations, events, _ = weibull_cohort(20_000, 64, scale=14.0, shape=1.3, censor_rate=0.01)
    km = kaplan_meier(count_table(durations, events))
    points = log_cumulative_hazard(km)
    kmf = KaplanMeierFitter().fit(durations, events)
    s = kmf.survival_function_.iloc[:, 0].loc[points["time"]].to_numpy()
    np.testing.assert_allclose(points["log_cumulative_hazard"], np.log(-np.log(s)), atol=1e-9)
    central = points[(points["time"] > 1.0) & (points["time"] < 30.0)]
    slope, intercept = np.polyfit(central["log_time"], central["log_cumulative_hazard"], 1)
    assert slope == pytest.approx(1.3, abs=0.03)
    assert intercept == pytest.approx(-1.3 * np.log(14.0), abs=0.1)


def test_log_cumulative_hazard_keeps_only_steps_inside_zero_and_one() -> None:
    km = kaplan_meier(count_table([0.0, 1.0, 2.0, 3.0, 4.0], [1, 1, 0, 1, 1]))
    points = log_cumulative_hazard(km)
    assert points["time"].tolist() == [1.0, 3.0]  # not t = 0, not the censoring, not S = 0
    assert isinstance(points, pd.DataFrame)


def test_guards() -> None:
    table = count_table([1.0, 2.0], [1, 0])
    with pytest.raises(ValueError, match="increasing"):
        piecewise_hazard(table, [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="bandwidth"):
        smoothed_hazard(table, [1.0], 0.0)
