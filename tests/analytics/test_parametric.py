"""Assumed curves against scipy.stats (an independent implementation)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import trapezoid

from tracker.analytics.parametric import (
    MONTH_DAYS,
    convert_time,
    cumulative_hazard,
    restricted_mean,
    survival,
)


def spec(distribution: str, unit: str = "months", **parameters: float) -> dict[str, Any]:
    return {
        "endpoint": "OS",
        "distribution": distribution,
        "parameters": parameters,
        "time_unit": unit,
    }


# scipy equivalents. Gompertz: scipy's sf is exp(-c (exp(x / scale) - 1)), so with
# S(t) = exp(-(rate/shape)(exp(shape t) - 1)): c = rate / shape and scale = 1 / shape.
CASES = [
    (spec("exponential", rate=0.05), stats.expon(scale=1 / 0.05)),
    (spec("weibull", scale=14.0, shape=1.2), stats.weibull_min(c=1.2, scale=14.0)),
    (spec("weibull", scale=30.0, shape=0.7), stats.weibull_min(c=0.7, scale=30.0)),
    (spec("lognormal", mu=2.5, sigma=0.9), stats.lognorm(s=0.9, scale=np.exp(2.5))),
    (spec("loglogistic", scale=12.0, shape=2.1), stats.fisk(c=2.1, scale=12.0)),
    (spec("gompertz", rate=0.02, shape=0.08), stats.gompertz(c=0.02 / 0.08, scale=1 / 0.08)),
]
IDS = ["exponential", "weibull", "weibull-decreasing", "lognormal", "loglogistic", "gompertz"]
TIMES = np.array([0.0, 0.01, 0.5, 1.0, 3.0, 6.0, 12.0, 24.0, 36.5, 60.0, 120.0])


@pytest.mark.parametrize(("assumption", "dist"), CASES, ids=IDS)
def test_survival_and_cumulative_hazard_match_scipy(assumption: dict[str, Any], dist) -> None:
    np.testing.assert_allclose(survival(assumption, TIMES), dist.sf(TIMES), rtol=1e-12, atol=0)
    reference = -dist.logsf(TIMES)
    finite = np.isfinite(reference)  # scipy's gompertz logsf overflows to inf far in the tail
    hazard = cumulative_hazard(assumption, TIMES)
    np.testing.assert_allclose(hazard[finite], reference[finite], rtol=1e-10, atol=1e-300)
    assert np.isfinite(hazard).all()
    assert survival(assumption, [0.0])[0] == 1.0
    assert cumulative_hazard(assumption, [0.0])[0] == 0.0


@pytest.mark.parametrize(("assumption", "dist"), CASES, ids=IDS)
def test_restricted_mean_matches_scipy_expectation(assumption: dict[str, Any], dist) -> None:
    for tau in (6.0, 24.0, 60.0):
        # E[min(T, tau)] computed by scipy from the density, not from the survival function
        expected = dist.expect(lambda x, tau=tau: np.minimum(x, tau), lb=0, ub=np.inf)
        assert restricted_mean(assumption, tau) == pytest.approx(expected, rel=1e-6)
        grid = np.linspace(0.0, tau, 200_001)
        assert restricted_mean(assumption, tau) == pytest.approx(
            trapezoid(dist.sf(grid), grid), rel=1e-6
        )


def test_exponential_restricted_mean_closed_form() -> None:
    assert restricted_mean(spec("exponential", rate=0.1), 12.0) == pytest.approx(
        (1 - np.exp(-1.2)) / 0.1, rel=1e-10
    )


def test_restricted_mean_when_the_curve_falls_quickly_relative_to_tau() -> None:
    fast = spec("weibull", scale=0.01, shape=1.0)
    assert restricted_mean(fast, 10_000.0) == pytest.approx(0.01, rel=1e-8)


def test_gompertz_with_negative_or_zero_shape() -> None:
    t = np.array([0.0, 5.0, 50.0])
    plateau = spec("gompertz", rate=0.1, shape=-0.05)
    np.testing.assert_allclose(
        survival(plateau, t), np.exp(-(0.1 / -0.05) * (np.exp(-0.05 * t) - 1)), rtol=1e-12
    )
    np.testing.assert_allclose(
        survival(spec("gompertz", rate=0.1, shape=0.0), t), np.exp(-0.1 * t), rtol=1e-12
    )


def test_lognormal_cumulative_hazard_is_stable_in_the_far_tail() -> None:
    assumption = spec("lognormal", mu=0.0, sigma=0.1)
    t = np.array([np.exp(4.0)])  # z = 40: 1 - Phi(z) underflows to 0
    assert survival(assumption, t)[0] == 0.0
    h = cumulative_hazard(assumption, t)[0]
    assert np.isfinite(h) and h == pytest.approx(-stats.norm.logsf(40.0), rel=1e-12)


def test_time_units() -> None:
    assert MONTH_DAYS == 30.4375
    assert convert_time(12.0, "months", "days") == 365.25
    np.testing.assert_allclose(convert_time([30.4375, 60.875], "days", "months"), [1.0, 2.0])
    monthly = spec("weibull", scale=14.0, shape=1.2)
    daily = spec("weibull", "days", scale=14.0 * MONTH_DAYS, shape=1.2)
    days = np.array([0.0, 100.0, 365.25, 1000.0])
    expected = stats.weibull_min(c=1.2, scale=14.0).sf(days / MONTH_DAYS)
    np.testing.assert_allclose(survival(monthly, days, time_unit="days"), expected, rtol=1e-12)
    np.testing.assert_allclose(survival(daily, days, time_unit="days"), expected, rtol=1e-12)
    np.testing.assert_allclose(survival(daily, days / MONTH_DAYS), expected, rtol=1e-12)
    in_days = restricted_mean(monthly, 365.25, time_unit="days")
    assert in_days == pytest.approx(restricted_mean(monthly, 12.0) * MONTH_DAYS, rel=1e-9)
    with pytest.raises(ValueError, match="years"):
        convert_time(1.0, "years", "days")


def points(interpolation: str, pts: list[list[float]], unit: str = "months") -> dict[str, Any]:
    return {
        "distribution": "points",
        "points": pts,
        "interpolation": interpolation,
        "time_unit": unit,
    }


PTS = [[6.0, 0.8], [12.0, 0.5], [24.0, 0.2]]


def test_points_step() -> None:
    curve = points("step", PTS)
    t = [0.0, 5.99, 6.0, 11.0, 12.0, 23.9, 24.0, 100.0]
    np.testing.assert_array_equal(survival(curve, t), [1, 1, 0.8, 0.8, 0.5, 0.5, 0.2, 0.2])
    np.testing.assert_allclose(cumulative_hazard(curve, [3.0, 13.0]), [0.0, np.log(2.0)])
    # 6*1 + 6*0.8 + 12*0.5 + 6*0.2
    assert restricted_mean(curve, 30.0) == pytest.approx(6 + 4.8 + 6 + 1.2)
    assert restricted_mean(curve, 9.0) == pytest.approx(6 + 3 * 0.8)


def test_points_linear() -> None:
    curve = points("linear", PTS)
    t = [0.0, 3.0, 6.0, 9.0, 18.0, 24.0, 50.0]
    np.testing.assert_allclose(survival(curve, t), [1, 0.9, 0.8, 0.65, 0.35, 0.2, 0.2])
    # trapezoids: 6*(1+0.8)/2 + 6*(0.8+0.5)/2 + 12*(0.5+0.2)/2, then 0.2 held for 6 months
    assert restricted_mean(curve, 30.0) == pytest.approx(5.4 + 3.9 + 4.2 + 1.2)
    assert restricted_mean(curve, 3.0) == pytest.approx(3 * (1 + 0.9) / 2)


def test_points_starting_at_zero_and_reaching_zero() -> None:
    curve = points("step", [[0.0, 1.0], [10.0, 0.0]], unit="days")
    np.testing.assert_array_equal(survival(curve, [5.0, 10.0], time_unit="days"), [1.0, 0.0])
    h = cumulative_hazard(curve, [5.0, 10.0, 20.0], time_unit="days")
    assert h[0] == 0.0 and np.isinf(h[1:]).all()
    assert restricted_mean(curve, 1.0, time_unit="months") == pytest.approx(10.0 / MONTH_DAYS)


def test_shapes_are_preserved() -> None:
    assumption = spec("exponential", rate=0.1)
    assert survival(assumption, np.ones((2, 3))).shape == (2, 3)
    assert survival(assumption, 5.0).shape == ()


@pytest.mark.parametrize(
    ("assumption", "message"),
    [
        (spec("gamma", shape=1.0), "unknown distribution"),
        (spec("weibull", scale=14.0), "exactly"),
        (spec("weibull", scale=14.0, shape=1.2, rate=1.0), "exactly"),
        (spec("weibull", scale=-1.0, shape=1.2), "must be > 0"),
        (spec("lognormal", mu=1.0, sigma=0.0), "must be > 0"),
        (spec("exponential", rate=float("nan")), "finite number"),
        (spec("exponential", "years", rate=0.1), "time_unit"),
        ({"distribution": "weibull", "time_unit": "months"}, "parameters"),
        (points("step", [[6.0, 0.5], [3.0, 0.4]]), "increasing"),
        (points("step", [[6.0, 0.5], [12.0, 0.7]]), "non-increasing"),
        (points("step", [[6.0, 1.5]]), r"\[0, 1\]"),
        (points("cubic", PTS), "interpolation"),
        (points("step", []), "non-empty"),
        ("weibull", "mapping"),
    ],
)
def test_spec_guards(assumption: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        survival(assumption, [1.0])


def test_negative_times_are_rejected() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        survival(spec("exponential", rate=0.1), [-1.0])
    with pytest.raises(ValueError, match="NaN"):
        cumulative_hazard(spec("exponential", rate=0.1), [np.nan])
