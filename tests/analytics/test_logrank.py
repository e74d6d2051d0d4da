"""One-sample log-rank test against per-patient computation and exact Poisson logic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scipy.optimize import brentq
from scipy.stats import norm, poisson

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import parametric
from tracker.analytics.comparison import poisson_rate_ci
from tracker.analytics.survival import count_table, one_sample_logrank

WEIBULL: dict[str, Any] = {
    "endpoint": "OS",
    "distribution": "weibull",
    "parameters": {"scale": 14.0, "shape": 1.2},
    "time_unit": "months",
}


def weibull_cumhaz(t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Independent closed form (t/scale)^shape for the WEIBULL spec, t in months."""
    return (np.asarray(t) / 14.0) ** 1.2


@pytest.mark.parametrize("delayed", [False, True])
def test_expected_equals_per_patient_sum(delayed: bool) -> None:
    durations, events, entry = weibull_cohort(800, 41, round_to=0.5, delayed_entry=delayed)
    entry_arr = np.zeros_like(durations) if entry is None else entry
    per_patient = float(np.sum(weibull_cumhaz(durations) - weibull_cumhaz(entry_arr)))
    result = one_sample_logrank(count_table(durations, events, entry), weibull_cumhaz)
    assert result["observed"] == int(events.sum())
    assert result["expected"] == pytest.approx(per_patient, rel=1e-12)
    assert result["ratio"] == pytest.approx(events.sum() / per_patient, rel=1e-12)


def test_statistic_and_p_value() -> None:
    durations, events, _ = weibull_cohort(500, 42)
    result = one_sample_logrank(count_table(durations, events), weibull_cumhaz)
    o, e = result["observed"], result["expected"]
    assert result["chi2"] == pytest.approx((o - e) ** 2 / e)
    # chi-square(1) tail == two-sided normal tail of (O - E)/sqrt(E)
    assert result["p_value"] == pytest.approx(2 * norm.sf(abs(o - e) / np.sqrt(e)), rel=1e-9)


@pytest.mark.parametrize("observed", [0, 1, 5, 37, 250])
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_garwood_interval_is_the_exact_poisson_interval(observed: int, alpha: float) -> None:
    expected = 20.0
    lower, upper = poisson_rate_ci(observed, expected, alpha)
    # upper mean mu_U: P(X <= O | mu_U) = alpha/2; lower mean mu_L: P(X >= O | mu_L) = alpha/2
    mu_u = brentq(lambda mu: poisson.cdf(observed, mu) - alpha / 2, 1e-9, 1e4)
    assert upper * expected == pytest.approx(mu_u, rel=1e-8)
    if observed == 0:
        assert lower == 0.0
        assert mu_u == pytest.approx(-np.log(alpha / 2))
    else:
        mu_l = brentq(lambda mu: poisson.sf(observed - 1, mu) - alpha / 2, 1e-9, 1e4)
        assert lower * expected == pytest.approx(mu_l, rel=1e-8)


def test_ratio_ci_in_result_uses_alpha() -> None:
    durations, events, _ = weibull_cohort(300, 43)
    table = count_table(durations, events)
    result = one_sample_logrank(table, weibull_cumhaz, alpha=0.10)
    assert result["ratio_ci"] == poisson_rate_ci(result["observed"], result["expected"], 0.10)


def _cumhaz_from_spec(
    spec: dict[str, Any],
) -> Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]]:
    return lambda t: parametric.cumulative_hazard(spec, t, time_unit="days")


def test_data_from_the_assumed_curve_are_consistent_and_worse_data_are_not() -> None:
    durations, events, _ = weibull_cohort(2000, 44, round_to=1.0 / 30.4375)
    days = durations * parametric.MONTH_DAYS  # the table is in days, the spec in months
    same = one_sample_logrank(count_table(days, events), _cumhaz_from_spec(WEIBULL))
    assert same["ratio_ci"][0] < 1 < same["ratio_ci"][1]
    worse_spec = {**WEIBULL, "parameters": {"scale": 25.0, "shape": 1.2}}  # assumed too good
    worse = one_sample_logrank(count_table(days, events), _cumhaz_from_spec(worse_spec))
    assert worse["ratio_ci"][0] > 1 and worse["p_value"] < 1e-6


def test_guards() -> None:
    table = count_table([1.0, 2.0, 30.0], [1, 0, 1])
    with pytest.raises(ValueError, match="same shape"):
        one_sample_logrank(table, lambda t: np.ones(2))
    with pytest.raises(ValueError, match="infinite"):
        one_sample_logrank(table, lambda t: np.where(t > 10, np.inf, t))
    with pytest.raises(ValueError, match="non-decreasing"):
        one_sample_logrank(table, lambda t: np.array([0.0, 2.0, 1.0, 0.5])[: t.size])
    with pytest.raises(ValueError, match="NaN or negative"):
        one_sample_logrank(table, lambda t: -t)
    with pytest.raises(ValueError, match="no follow-up"):
        one_sample_logrank(table, lambda t: np.zeros_like(t))
    with pytest.raises(ValueError, match="alpha"):
        one_sample_logrank(table, lambda t: t, alpha=1.5)


def test_an_undefined_test_says_why_by_a_code() -> None:
    from tracker.analytics.comparison import TestUndefined, undefined_reason

    table = count_table([1.0, 2.0, 30.0], [1, 0, 1])
    with pytest.raises(TestUndefined) as zero:
        one_sample_logrank(table, lambda t: np.where(t > 10, np.inf, t))
    assert zero.value.reason == "survival_zero" and zero.value.time == 30.0
    assert undefined_reason(zero.value) == "survival_zero"

    at_zero = count_table([0.0, 0.0], [1, 0])
    with pytest.raises(TestUndefined) as nothing:
        one_sample_logrank(at_zero, lambda t: 0.1 * t)
    assert undefined_reason(nothing.value) == "no_expected_events"

    empty = table.iloc[0:0]
    with pytest.raises(TestUndefined) as no_one:
        one_sample_logrank(empty, lambda t: t)
    assert undefined_reason(no_one.value) == "no_patients"
    # A malformed curve is a program fault, not a property of the data.
    malformed = ValueError("cumhaz must be non-decreasing in time; check the assumed curve.")
    assert undefined_reason(malformed) == "failed"
