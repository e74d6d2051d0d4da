"""The extrapolation check against closed forms and lifelines' restricted mean."""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time

from tests.analytics._simulate import weibull_cohort
from tracker.analytics.counts import count_table
from tracker.analytics.extrapolation import check, constant_hazard_for_area, model_horizon
from tracker.analytics.parametric import AssumedCurve
from tracker.analytics.survival import kaplan_meier


def curve(distribution: str, **parameters: float) -> AssumedCurve:
    return AssumedCurve.from_spec({"distribution": distribution, "parameters": parameters,
                                   "time_unit": "months"})


def test_exponential_closed_forms_and_lifelines_rmst() -> None:
    rate = 0.06
    durations, events, _ = weibull_cohort(400, 81, scale=1 / rate, shape=1.0)
    km = kaplan_meier(count_table(durations, events))
    tau = 40.0
    out = check(km, curve("exponential", rate=rate), tau, "months")
    assert (out["horizon"], out["horizon_rule"]) == (math.inf, "lifetime")
    assert out["assumed_mean"] == pytest.approx(1 / rate)
    assert out["assumed_rmst"] == pytest.approx(-math.expm1(-rate * tau) / rate, rel=1e-9)
    kmf = KaplanMeierFitter().fit(durations, events)
    assert out["observed_rmst"]["rmst"] == pytest.approx(
        restricted_mean_survival_time(kmf, t=tau), rel=1e-9)
    assert out["required_tail"] == pytest.approx(1 / rate - out["observed_rmst"]["rmst"])
    assert out["share_beyond"] == pytest.approx(math.exp(-rate * tau), rel=1e-9)
    # an exponential's tail from S(tau) is again exponential with the same rate
    assert out["assumed_hazard"] == pytest.approx(rate, rel=1e-9)
    assert out["assumed_hazard_at_tau"] == pytest.approx(rate)
    # the required hazard adds exactly the required area from the observed S(tau)
    assert out["observed_survival"] / out["required_hazard"] == pytest.approx(
        out["required_tail"], rel=1e-12)
    assert out["rule"] == "needs_constant_hazard"


def test_a_weibull_tail_and_its_hazard_at_tau() -> None:
    durations, events, _ = weibull_cohort(300, 82)
    km = kaplan_meier(count_table(durations, events))
    weibull = curve("weibull", scale=14.0, shape=1.2)
    out = check(km, weibull, 30.0, "months")
    assert out["assumed_mean"] == pytest.approx(14.0 * math.gamma(1 + 1 / 1.2))
    assert out["assumed_hazard_at_tau"] == pytest.approx(1.2 / 14.0 * (30.0 / 14.0) ** 0.2)
    s_tau = math.exp(-((30.0 / 14.0) ** 1.2))
    assert out["assumed_survival"] == pytest.approx(s_tau)
    assert s_tau / out["assumed_hazard"] == pytest.approx(out["assumed_tail"], rel=1e-12)


def test_a_diverging_mean_is_taken_over_a_capped_horizon() -> None:
    heavy = curve("loglogistic", scale=12.0, shape=0.9)
    assert model_horizon(heavy, "months") == (480.0, "capped")
    km = kaplan_meier(count_table([1.0, 5.0, 9.0, 20.0], [1, 1, 1, 0]))
    out = check(km, heavy, 20.0, "months")
    assert out["assumed_mean"] == pytest.approx(heavy.restricted_mean(480.0))
    # finite length: S (1 - exp(-lam L)) / lam equals the required area
    lam, s, length = out["required_hazard"], out["observed_survival"], 460.0
    assert s * -math.expm1(-lam * length) / lam == pytest.approx(out["required_tail"], rel=1e-9)


def test_points_curves_and_the_rules_at_the_edges() -> None:
    ends_early = AssumedCurve.from_spec({"distribution": "points", "time_unit": "months",
                                         "points": [[6.0, 0.7], [12.0, 0.5]],
                                         "interpolation": "linear"})
    km = kaplan_meier(count_table(np.arange(1.0, 31.0), np.ones(30)))
    inside = check(km, ends_early, 30.0, "months")
    assert inside["rule"] == "within_follow_up" and inside["tau"] == 12.0
    assert inside["required_tail"] is None
    # everybody died within follow-up: no tail can bring the mean back
    assert check(km, curve("exponential", rate=0.01), 30.0, "months")["rule"] == "cannot_hold"
    # the data already hold more area than the whole assumed mean
    long_lived = kaplan_meier(count_table([100.0, 120.0], [0, 0]))
    assert check(long_lived, curve("exponential", rate=0.5), 120.0, "months")["rule"] == (
        "already_reached")


def test_constant_hazard_for_area() -> None:
    assert constant_hazard_for_area(0.5, 5.0, math.inf) == pytest.approx(0.1)
    lam = constant_hazard_for_area(0.4, 3.0, 12.0)
    assert lam is not None and 0.4 * -math.expm1(-lam * 12.0) / lam == pytest.approx(3.0)
    assert constant_hazard_for_area(0.4, 4.9, 12.0) is None  # more than no events at all give
    assert constant_hazard_for_area(0.0, 1.0, 12.0) is None
