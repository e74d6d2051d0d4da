"""Numbers that are right at the edges, through the API (issue 15, item 6).

Each case was found against R's survival package; the expected values are R's or an
independent closed form, never our own numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung
from lifelines.utils import median_survival_times
from scipy import stats
from scipy.optimize import brentq

from tests.factories import create_temporary_introduction
from tests.outcomes.helpers import MONTH, extract, import_extract, put_curve


@pytest.fixture
def intro(client):
    return create_temporary_introduction(client)


def _outcomes(client, intro, query="endpoint=OS&time_unit=days"):
    response = client.get(f"/api/v1/introductions/{intro['id']}/outcomes?{query}")
    assert response.status_code == 200, response.json
    return response.json


def test_the_assumed_median_is_exact_not_a_grid_point(client, intro):
    # lung under Weibull(14, 1.3) months: the 241-point drawing grid put it 2.7 days late.
    put_curve(client, intro, "OS", {"distribution": "weibull", "time_unit": "months",
                                    "parameters": {"scale": 14.0, "shape": 1.3}})
    lung = load_lung()
    import_extract(client, intro["id"], *extract(lung["time"], lung["status"] == 1))
    out = _outcomes(client, intro)
    exact = 14.0 * math.log(2.0) ** (1 / 1.3) * MONTH  # S(m) = 1/2 in closed form
    assert out["assumed"]["median"] == pytest.approx(exact, rel=1e-12)
    months = _outcomes(client, intro, "endpoint=OS")
    assert months["assumed"]["median"] == pytest.approx(exact / MONTH, rel=1e-12)


# Every distribution an assumed curve may have, against scipy.stats' median (and a root of its
# survival function found by brentq): Gompertz as scipy's gompertz(c = rate / shape,
# scale = 1 / shape); log-logistic as scipy's fisk.
MEDIANS = [
    ({"distribution": "exponential", "parameters": {"rate": 0.05}},
     stats.expon(scale=1 / 0.05)),
    ({"distribution": "weibull", "parameters": {"scale": 14.0, "shape": 1.3}},
     stats.weibull_min(c=1.3, scale=14.0)),
    ({"distribution": "lognormal", "parameters": {"mu": 2.5, "sigma": 0.9}},
     stats.lognorm(s=0.9, scale=math.exp(2.5))),
    ({"distribution": "loglogistic", "parameters": {"scale": 12.0, "shape": 2.1}},
     stats.fisk(c=2.1, scale=12.0)),
    ({"distribution": "gompertz", "parameters": {"rate": 0.02, "shape": 0.08}},
     stats.gompertz(c=0.02 / 0.08, scale=1 / 0.08)),
]


# The closed forms are arithmetic on the stored curve: SQLite is enough (the API path runs on
# PostgreSQL in the tests above).
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


@SQLITE_ONLY
@pytest.mark.parametrize(("spec", "dist"), MEDIANS, ids=[m[0]["distribution"] for m in MEDIANS])
def test_the_assumed_median_of_every_distribution_is_exact(client, intro, spec, dist):
    put_curve(client, intro, "OS", {**spec, "time_unit": "months"})
    lung = load_lung()
    import_extract(client, intro["id"], *extract(lung["time"], lung["status"] == 1))
    root = brentq(lambda t: float(dist.sf(t)) - 0.5, 1e-9, 1e4, xtol=1e-14)
    months = _outcomes(client, intro, "endpoint=OS")["assumed"]["median"]
    assert months == pytest.approx(dist.median(), rel=1e-12)
    assert months == pytest.approx(root, rel=1e-10)
    days = _outcomes(client, intro)["assumed"]["median"]
    assert days == pytest.approx(dist.median() * MONTH, rel=1e-12)


@SQLITE_ONLY
def test_the_assumed_median_of_a_points_curve_is_where_it_crosses_one_half(client, intro):
    lung = load_lung()
    import_extract(client, intro["id"], *extract(lung["time"], lung["status"] == 1))

    def median_with(curve, query="endpoint=OS"):
        stored = client.get(f"/api/v1/introductions/{intro['id']}").json  # its current version
        put_curve(client, stored, "OS", {"time_unit": "months", **curve})
        return _outcomes(client, intro, query)["assumed"]["median"]

    points = [[6.0, 0.8], [12.0, 0.6], [18.0, 0.3], [30.0, 0.1]]
    # Linear between (12, 0.6) and (18, 0.3): S = 0.5 at 12 + 6 (0.1 / 0.3) = 14 months.
    linear = {"distribution": "points", "points": points, "interpolation": "linear"}
    assert median_with(linear) == pytest.approx(14.0, rel=1e-12)
    assert _outcomes(client, intro)["assumed"]["median"] == pytest.approx(14.0 * MONTH)
    # A step curve is 0.6 until 18 months, then 0.3: its median is 18 months.
    assert median_with({**linear, "interpolation": "step"}) == 18.0
    # A Gompertz curve with a negative shape levels off at exp(rate / shape) = 0.61: never 0.5.
    assert median_with({"distribution": "gompertz",
                        "parameters": {"rate": 0.05, "shape": -0.1}}) is None


def test_a_median_limit_where_the_band_reaches_zero_is_null(client, intro):
    # Five deaths, none censored: the upper log-log limit falls to 0.5 only where S = 0, where
    # R reports NA (not estimable); lifelines reads 150 off its [0, 0] convention.
    days = [30, 60, 90, 120, 150]
    import_extract(client, intro["id"], *extract(days, [True] * 5))
    median = _outcomes(client, intro)["median"]
    assert median == {"value": 90.0, "ci_lower": 30.0, "ci_upper": None}
    kmf = KaplanMeierFitter().fit(days, [1] * 5)
    assert median_survival_times(kmf.confidence_interval_).to_numpy()[0].tolist() == [30, 150]
    steps = _outcomes(client, intro)["km"]["steps"]
    last = steps[-1]
    assert last["survival"] == 0.0 and last["ci_lower"] is None and last["ci_upper"] is None


def test_a_points_curve_is_not_read_past_its_end(client, intro):
    # The assumed curve is Weibull(14, 1.3) drawn as points to where 6 of lung's 165 deaths are
    # still to come. Held flat past its end, its hazard would be 0 and those deaths would add
    # nothing to E: the test covers the follow-up the curve covers, and says so.
    lung = load_lung()
    died = lung["status"].to_numpy() == 1
    days = lung["time"].to_numpy(dtype=float)
    deaths = np.sort(days[died])[::-1]
    end_days = (deaths[5] + deaths[6]) / 2.0  # 6 deaths after it
    end = end_days / MONTH

    def weibull(t):
        return np.exp(-((np.asarray(t) / 14.0) ** 1.3))

    knots = np.append(np.arange(1.0, end), end)
    points = [[float(t), float(weibull(t))] for t in knots]
    put_curve(client, intro, "OS", {"distribution": "points", "time_unit": "months",
                                    "points": points, "interpolation": "linear"})
    import_extract(client, intro["id"], *extract(days, died))
    out = _outcomes(client, intro)

    # By hand: follow-up cut at the curve's end; E = sum of H(min(x, end)), H = -log S(linear).
    grid_t, grid_s = np.append(0.0, knots) * MONTH, np.append(1.0, weibull(knots))
    followed = np.minimum(days, end_days)
    expected = float(np.sum(-np.log(np.interp(followed, grid_t, grid_s))))
    observed = int((died & (days <= end_days)).sum())
    assert observed == 159
    lr = out["one_sample_logrank"]
    assert lr["observed"] == observed and lr["expected"] == pytest.approx(expected, rel=1e-9)
    verdict = out["verdict"]
    assert verdict["restricted_to"] == pytest.approx(end_days, rel=1e-12)
    assert "6 hendelser etter det er ikke tatt med" in verdict["rule_nb"]
    assert "6 events after it are not counted" in verdict["rule"]
    # Past its end the curve assumes nothing: no assumed value there to compare with.
    assert out["assumed"]["covers_until"] == pytest.approx(end_days)
    assert all(p["time"] <= end_days * (1 + 1e-12) for p in out["assumed"]["curve"])
    beyond = [s for s in out["km"]["steps"] if s["time"] > end_days]
    assert beyond and all(s["assumed"] is None for s in beyond)


def test_a_landmark_past_the_longest_follow_up_is_0_once_everyone_has_died(client, intro):
    # Everyone dead within 300 days: R's summary(fit, times = c(365.25, 730.5, 1095.75),
    # extend = TRUE) gives survival 0 at each (with NA limits), not "unknown".
    rng = np.random.default_rng(15)
    days = rng.integers(20, 300, 40)
    import_extract(client, intro["id"], *extract(days, [True] * 40))
    landmarks = _outcomes(client, intro)["landmarks"]
    assert [lm["time"] for lm in landmarks] == pytest.approx([365.25, 730.5, 1095.75])
    for lm in landmarks:
        assert lm["km"] == 0.0 and lm["ci_lower"] is None and lm["ci_upper"] is None
        assert lm["at_risk"] == 0
    # With a patient still alive at the end, what lies beyond the follow-up is unknown.
    other = create_temporary_introduction(client)
    died = days != days.max()  # the patients followed longest are still alive
    import_extract(client, other["id"], *extract(days, died))
    assert all(lm["km"] is None for lm in _outcomes(client, other)["landmarks"])
