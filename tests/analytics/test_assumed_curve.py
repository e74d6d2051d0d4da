"""The typed assumed curve against scipy.stats and closed forms: exact medians (not a grid
point), hazards, means, areas, and how far a points curve states an assumption."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad
from scipy.optimize import brentq

from tracker.analytics.parametric import MONTH_DAYS, AssumedCurve


def curve(distribution: str, unit: str = "months", **parameters: float) -> AssumedCurve:
    return AssumedCurve.from_spec(
        {"distribution": distribution, "parameters": parameters, "time_unit": unit}
    )


def points(pts: list[list[float]], interpolation: str = "step") -> AssumedCurve:
    return AssumedCurve.from_spec({"distribution": "points", "points": pts,
                                   "interpolation": interpolation, "time_unit": "months"})


# scipy equivalents (Gompertz: c = rate / shape, scale = 1 / shape), as in test_parametric.
CASES = [
    (curve("exponential", rate=0.05), stats.expon(scale=1 / 0.05)),
    (curve("weibull", scale=14.0, shape=1.3), stats.weibull_min(c=1.3, scale=14.0)),
    (curve("weibull", scale=30.0, shape=0.7), stats.weibull_min(c=0.7, scale=30.0)),
    (curve("lognormal", mu=2.5, sigma=0.9), stats.lognorm(s=0.9, scale=np.exp(2.5))),
    (curve("loglogistic", scale=12.0, shape=2.1), stats.fisk(c=2.1, scale=12.0)),
    (curve("gompertz", rate=0.02, shape=0.08), stats.gompertz(c=0.02 / 0.08, scale=1 / 0.08)),
]
IDS = ["exponential", "weibull", "weibull-decreasing", "lognormal", "loglogistic", "gompertz"]


@pytest.mark.parametrize(("assumed", "dist"), CASES, ids=IDS)
def test_the_median_and_quantiles_are_exact(assumed: AssumedCurve, dist: Any) -> None:
    assert assumed.median() == pytest.approx(dist.median(), rel=1e-12)
    for level in (0.9, 0.25, 0.01):
        assert assumed.quantile(level) == pytest.approx(dist.isf(level), rel=1e-10)
    # and it is where the survival function is 0.5 (a root, found independently)
    root = brentq(lambda t: float(dist.sf(t)) - 0.5, 1e-9, 1e4, xtol=1e-13)
    assert assumed.median() == pytest.approx(root, rel=1e-9)
    assert assumed.median("days") == pytest.approx(dist.median() * MONTH_DAYS, rel=1e-12)


def test_lung_weibull_median_is_not_a_grid_point() -> None:
    # The outcomes answer used to take the first of 241 grid points over the drawing's horizon
    # (lung: 36 months = 1095.75 days) at or below 0.5: 2.7 days past the real median.
    weibull = curve("weibull", scale=14.0, shape=1.3)
    exact = 14.0 * math.log(2.0) ** (1 / 1.3) * MONTH_DAYS
    assert weibull.median("days") == pytest.approx(exact, rel=1e-13)
    grid = np.linspace(0.0, 1095.75, 241)
    old = grid[np.flatnonzero(weibull.survival(grid, "days") <= 0.5)[0]]
    assert old - exact == pytest.approx(2.72, abs=0.01)


@pytest.mark.parametrize(("assumed", "dist"), CASES, ids=IDS)
def test_hazard_is_density_over_survival(assumed: AssumedCurve, dist: Any) -> None:
    t = np.array([0.5, 1.0, 3.0, 12.0, 36.0, 60.0])
    np.testing.assert_allclose(assumed.hazard(t), dist.pdf(t) / dist.sf(t), rtol=1e-9)
    # per day: the same hazard spread over a month's days
    np.testing.assert_allclose(assumed.hazard(t * MONTH_DAYS, "days"),
                               dist.pdf(t) / dist.sf(t) / MONTH_DAYS, rtol=1e-9)


@pytest.mark.parametrize(("assumed", "dist"), CASES, ids=IDS)
def test_mean_is_scipys_mean(assumed: AssumedCurve, dist: Any) -> None:
    assert assumed.mean() == pytest.approx(dist.mean(), rel=1e-9)


def test_means_that_diverge_or_level_off() -> None:
    assert curve("loglogistic", scale=12.0, shape=0.9).mean() == math.inf
    cure = curve("gompertz", rate=0.1, shape=-0.05)  # levels off at exp(-2) = 0.135
    assert cure.mean() == math.inf
    assert cure.median() == pytest.approx(math.log1p(-0.05 * math.log(2) / 0.1) / -0.05)
    assert cure.quantile(0.1) is None  # never falls to 0.1
    steep = curve("gompertz", rate=2.0, shape=0.001)  # rate/shape = 2000: the asymptotic form
    assert steep.mean() == pytest.approx(quad(lambda t: float(steep.survival([t])[0]), 0, 50,
                                              epsabs=1e-13)[0], rel=1e-6)


@pytest.mark.parametrize(("assumed", "dist"), CASES, ids=IDS)
def test_area_between_limits(assumed: AssumedCurve, dist: Any) -> None:
    a, b = np.array([0.0, 2.0, 10.0]), np.array([6.0, 30.0, 90.0])
    expected = [quad(dist.sf, lo, hi, limit=200, epsabs=1e-12)[0] for lo, hi in zip(a, b,
                                                                                     strict=True)]
    np.testing.assert_allclose(assumed.area(a, b), expected, rtol=1e-7)


@pytest.mark.parametrize("shape", [0.7, 1.0, 1.3, 3.0])
def test_the_weibull_area_in_closed_form_holds_at_0_in_short_intervals_and_far_in_the_tail(
    shape: float,
) -> None:
    # The incomplete-gamma closed form against adaptive quadrature, where a difference of two
    # numbers close to 1 (short intervals early, the far tail) would lose digits.
    weibull = curve("weibull", scale=14.0, shape=shape)
    dist = stats.weibull_min(c=shape, scale=14.0)
    a = np.array([0.0, 1e-6, 0.5, 13.9, 40.0, 60.0])
    b = a + np.array([6.0, 1e-3, 0.01, 0.2, 6.0, 30.0])
    expected = [quad(dist.sf, lo, hi, epsabs=0, epsrel=1e-13, limit=500)[0]
                for lo, hi in zip(a, b, strict=True)]
    np.testing.assert_allclose(weibull.area(a, b), expected, rtol=1e-11)
    np.testing.assert_allclose(weibull.area(a * MONTH_DAYS, b * MONTH_DAYS, "days"),
                               np.array(expected) * MONTH_DAYS, rtol=1e-11)


def test_points_curves_median_coverage_and_hazard() -> None:
    step = points([[6.0, 0.8], [12.0, 0.5], [24.0, 0.2]])
    assert step.median() == 12.0  # right-continuous: 0.5 from 12 on
    assert step.covers_until() == 24.0 and step.covers_until("days") == 24.0 * MONTH_DAYS
    assert np.isnan(step.hazard([3.0, 13.0])).all()  # a step curve has no hazard rate
    linear = points([[6.0, 0.8], [12.0, 0.5], [24.0, 0.2]], "linear")
    assert linear.median() == 12.0
    assert linear.quantile(0.35) == pytest.approx(18.0)
    # h = slope / S inside a segment; nothing past the last point
    np.testing.assert_allclose(linear.hazard([9.0]), [(0.3 / 6) / 0.65])
    assert np.isnan(linear.hazard([30.0])).all()
    assert points([[6.0, 0.8]]).median() is None  # never reaches 0.5 within what it states
    reaches_zero = points([[6.0, 0.5], [10.0, 0.0]], "linear")
    assert reaches_zero.covers_until() == math.inf  # 0 from 10 on: it states every time
    assert reaches_zero.mean() == pytest.approx(6 * 0.75 + 4 * 0.25)
    assert step.mean() == math.inf
    np.testing.assert_allclose(step.area([0.0, 5.0], [30.0, 13.0]),
                               [6 + 4.8 + 6 + 1.2, 1.0 + 6 * 0.8 + 0.5])


def test_the_spec_is_checked_once_when_parsed() -> None:
    with pytest.raises(ValueError, match="must be > 0"):
        curve("weibull", scale=-1.0, shape=1.2)
    parsed = AssumedCurve.from_spec({"endpoint": "TTD", "distribution": "exponential",
                                     "parameters": {"rate": 0.1}, "time_unit": "days",
                                     "source": "HTA table 12"})
    assert (parsed.endpoint, parsed.source, parsed.unit) == ("TTD", "HTA table 12", "days")
    assert parsed.median("days") == pytest.approx(math.log(2) / 0.1)
