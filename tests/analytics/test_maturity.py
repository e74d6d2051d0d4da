"""Data maturity: reverse Kaplan-Meier follow-up against lifelines, projections against
per-patient sums and the exponential's closed form, and the maturity rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung

from tests.analytics._simulate import weibull_cohort
from tracker.analytics.counts import count_table
from tracker.analytics.maturity import classify, median_follow_up, project, reverse_kaplan_meier
from tracker.analytics.parametric import AssumedCurve

WEIBULL = AssumedCurve.from_spec({"distribution": "weibull", "time_unit": "months",
                                  "parameters": {"scale": 14.0, "shape": 1.2}})


def test_median_follow_up_is_lifelines_reverse_kaplan_meier_on_lung() -> None:
    lung = load_lung()
    reverse = KaplanMeierFitter().fit(lung["time"], 1 - lung["status"])
    table = count_table(lung["time"], lung["status"])
    assert median_follow_up(table) == reverse.median_survival_time_
    km = reverse_kaplan_meier(table)
    rows = km[km["time"].isin(reverse.survival_function_.index)]
    np.testing.assert_allclose(rows["survival"],
                               reverse.survival_function_.loc[rows["time"]].iloc[:, 0], atol=1e-12)


def test_projection_is_the_per_patient_sum() -> None:
    durations, events, _ = weibull_cohort(500, 71, round_to=0.25)
    horizon = 9.0
    x = durations[events == 0]  # alive at their last follow-up
    s_now, s_then = WEIBULL.survival(x), WEIBULL.survival(x + horizon)
    out = project(count_table(durations, events), WEIBULL, horizon, "months")
    assert out["expected_events"] == pytest.approx(float(np.sum(1 - s_then / s_now)), rel=1e-12)
    assert out["person_time_now"] == pytest.approx(float(durations.sum()), rel=1e-12)
    added = WEIBULL.area(x, x + horizon) / s_now
    assert out["person_time_added"] == pytest.approx(float(added.sum()), rel=1e-12)


def test_projection_under_an_exponential_is_memoryless() -> None:
    rate = 0.05
    curve = AssumedCurve.from_spec({"distribution": "exponential", "time_unit": "months",
                                    "parameters": {"rate": rate}})
    table = count_table([2.0, 5.0, 8.0, 13.0, 21.0], [1, 0, 1, 0, 0])
    out = project(table, curve, 12.0, "months")
    assert out["expected_events"] == pytest.approx(3 * -math.expm1(-rate * 12.0), rel=1e-12)
    assert out["person_time_added"] == pytest.approx(3 * -math.expm1(-rate * 12) / rate, rel=1e-9)
    # in days: the same projection
    in_days = project(count_table(np.array([2.0, 5.0, 8.0, 13.0, 21.0]) * 30.4375,
                                  [1, 0, 1, 0, 0]), curve, 12.0 * 30.4375, "days")
    assert in_days["expected_events"] == pytest.approx(out["expected_events"], rel=1e-12)


def test_no_projection_where_the_assumed_curve_has_everyone_dead() -> None:
    dead_by_6 = AssumedCurve.from_spec({"distribution": "points", "time_unit": "months",
                                        "points": [[6.0, 0.0]], "interpolation": "linear"})
    out = project(count_table([3.0, 9.0], [1, 0]), dead_by_6, 6.0, "months")
    assert out["expected_events"] is None and out["person_time_added"] is None
    assert project(count_table([3.0, 9.0], [1, 0]), WEIBULL, 0.0, "months")["expected_events"] == 0


def test_the_maturity_rule() -> None:
    base = {"max_follow_up": 40.0, "first_landmark": 12.0}
    assert classify(events=25, median_follow_up=15.0, **base)["rule"] == "mature"
    assert classify(events=19, median_follow_up=15.0, **base)["rule"] == "few_events"
    assert classify(events=25, median_follow_up=11.0, **base)["rule"] == "short_follow_up"
    both = classify(events=3, median_follow_up=2.0, **base)
    assert both == {"rule": "few_events_short_follow_up", "immature": True, "follow_up": 2.0}
    # no median potential follow-up yet (few censored): the longest follow-up counts
    assert classify(events=25, median_follow_up=None, **base)["follow_up"] == 40.0
