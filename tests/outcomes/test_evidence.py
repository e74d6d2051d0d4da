"""Hazards, the log-cumulative-hazard plot, the extrapolation check, data maturity and the
evidence over time, through the outcomes API, against lifelines, statsmodels, scipy and
per-patient sums on the lung data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from lifelines import KaplanMeierFitter, NelsonAalenFitter
from lifelines.datasets import load_lung
from lifelines.utils import restricted_mean_survival_time
from scipy import stats
from scipy.integrate import quad
from statsmodels.stats.rates import confint_poisson

from tests.factories import create_temporary_introduction
from tests.flags.helpers import flags, sweep
from tests.outcomes.helpers import MONTH, START, extract, import_extract, put_curve

SCALE, SHAPE = 14.0, 1.3  # Weibull(14, 1.3) months, the lung example
WEIBULL = stats.weibull_min(c=SHAPE, scale=SCALE * MONTH)  # in days


@pytest.fixture(scope="module")
def lung():
    data = load_lung()
    return data["time"].to_numpy(dtype=float), data["status"].to_numpy() == 1


@pytest.fixture
def intro(client):
    intro = create_temporary_introduction(client)
    put_curve(client, intro, "OS", {"distribution": "weibull", "time_unit": "months",
                                    "parameters": {"scale": SCALE, "shape": SHAPE}})
    return intro


def _get(client, intro, query="endpoint=OS&time_unit=days"):
    response = client.get(f"/api/v1/introductions/{intro['id']}/outcomes?{query}")
    assert response.status_code == 200, response.json
    return response.json


def test_hazards_per_interval_and_smoothed_against_the_assumed_hazard(client, intro, lung):
    days, died = lung
    import_extract(client, intro["id"], *extract(days, died))
    hz = _get(client, intro)["hazards"]
    step = 6 * MONTH
    assert hz["interval_length"] == pytest.approx(step)
    intervals = hz["intervals"]
    assert intervals[0]["start"] == 0 and intervals[-1]["end"] == 1022
    assert sum(i["events"] for i in intervals) == 165
    for i in intervals:
        a, b = i["start"], i["end"]
        assert i["events"] == int((died & (days > a) & (days <= b)).sum())
        assert i["person_time"] == pytest.approx(float(np.clip(days - a, 0, b - a).sum()))
        lower, upper = confint_poisson(i["events"], i["person_time"], method="exact-c")
        assert (i["ci_lower"], i["ci_upper"]) == (pytest.approx(lower), pytest.approx(upper))
        average = (WEIBULL.logsf(a) - WEIBULL.logsf(b)) / (b - a)
        assert i["assumed"] == pytest.approx(average, rel=1e-9)
    bandwidth = 1022 / 8
    assert hz["bandwidth"] == pytest.approx(bandwidth)
    grid = np.array([p["time"] for p in hz["smoothed"]])
    fit = NelsonAalenFitter(nelson_aalen_smoothing=False).fit(
        days, died, timeline=np.union1d(grid, days))
    reference = fit.smoothed_hazard_(bandwidth).iloc[:, 0].loc[grid].to_numpy()
    np.testing.assert_allclose([p["hazard"] for p in hz["smoothed"]], reference, rtol=1e-9)
    inner = grid[1:]  # h(0) of a Weibull with shape > 1 is 0
    np.testing.assert_allclose([p["assumed"] for p in hz["smoothed"]][1:],
                               WEIBULL.pdf(inner) / WEIBULL.sf(inner), rtol=1e-9)
    assert [p["edge"] for p in hz["smoothed"]] == list((grid < bandwidth) |
                                                       (grid > 1022 - bandwidth))


def test_log_cumulative_hazard_observed_and_the_assumed_straight_line(client, intro, lung):
    days, died = lung
    import_extract(client, intro["id"], *extract(days, died))
    plot = _get(client, intro)["log_cumulative_hazard"]
    kmf = KaplanMeierFitter().fit(days, died)
    observed = plot["observed"]
    assert 20 < len(observed) <= 400
    s = kmf.survival_function_.iloc[:, 0].loc[[p["time"] for p in observed]].to_numpy()
    np.testing.assert_allclose([p["log_cumulative_hazard"] for p in observed],
                               np.log(-np.log(s)), atol=1e-9)
    assert plot["assumed_slope"] == SHAPE
    for p in plot["assumed"]:  # log H = shape (log t - log scale): a straight line
        assert p["log_cumulative_hazard"] == pytest.approx(
            SHAPE * (p["log_time"] - math.log(SCALE * MONTH)), abs=1e-9)


def test_the_extrapolation_check(client, intro, lung):
    days, died = lung
    import_extract(client, intro["id"], *extract(days, died))
    check = _get(client, intro)["extrapolation"]
    assert check["horizon"] is None and check["horizon_rule"] == "lifetime"
    assert check["assumed_mean"] == pytest.approx(WEIBULL.mean(), rel=1e-9)
    kmf = KaplanMeierFitter().fit(days, died)
    assert check["tau"] == 1022
    assert check["observed_rmst"]["rmst"] == pytest.approx(
        restricted_mean_survival_time(kmf, t=1022), rel=1e-9)
    assert check["assumed_rmst"] == pytest.approx(quad(WEIBULL.sf, 0, 1022)[0], rel=1e-8)
    tail = WEIBULL.mean() - quad(WEIBULL.sf, 0, 1022)[0]
    assert check["assumed_tail"] == pytest.approx(tail, rel=1e-6)
    assert check["share_beyond"] == pytest.approx(tail / WEIBULL.mean(), rel=1e-6)
    required = WEIBULL.mean() - restricted_mean_survival_time(kmf, t=1022)
    assert check["required_tail"] == pytest.approx(required, rel=1e-8)
    s_tau = float(kmf.survival_function_at_times(1022).iloc[0])
    assert check["rule"] == "needs_constant_hazard"  # lung ends on a censoring: S(1022) > 0
    assert s_tau / check["required_hazard"] == pytest.approx(required, rel=1e-9)
    assert check["assumed_hazard_at_tau"] == pytest.approx(WEIBULL.pdf(1022) / WEIBULL.sf(1022))
    # drawn past the follow-up, marked as extrapolated there
    curve = check["curve"]
    assert curve[-1]["time"] >= 2 * 1022
    assert all(p["extrapolated"] == (p["time"] > 1022) for p in curve)
    assert "Modellens gjennomsnitt" in check["text_nb"] and "Model mean" in check["text"]


def test_maturity_now_and_by_the_review_date(client, intro, lung):
    days, died = lung
    content, cut = extract(days, died, extra={"sex": ["M", ""] * 114})
    import_extract(client, intro["id"], content, cut)
    m = _get(client, intro)["maturity"]
    assert (m["n_patients"], m["events"], m["still_at_risk"]) == (228, 165, 63)
    assert m["event_share"] == pytest.approx(165 / 228)
    reverse = KaplanMeierFitter().fit(days, ~died)
    assert m["median_follow_up"] == reverse.median_survival_time_
    assert m["person_time"] == pytest.approx(days.sum())
    review = date.fromisoformat(intro["review_date"])
    assert m["data_cut"] == cut.isoformat() and m["review_date"] == review.isoformat()
    delta = (review - cut).days
    assert m["time_to_review"] == delta
    alive = days[~died]
    expected = float(np.sum(1 - WEIBULL.sf(alive + delta) / WEIBULL.sf(alive)))
    assert m["expected_events_by_review"] == pytest.approx(expected, rel=1e-9)
    assert m["events_by_review"] == pytest.approx(165 + expected)
    added = sum(quad(WEIBULL.sf, x, x + delta)[0] / WEIBULL.sf(x) for x in alive)
    assert m["person_time_by_review"] == pytest.approx(days.sum() + added, rel=1e-7)
    assert m["median_follow_up_by_review"] == pytest.approx(reverse.median_survival_time_ + delta)
    assert m["now"]["rule"] == "mature" and m["warning"] is False
    completeness = {c["variable"]: c for c in m["completeness"]}
    assert completeness["region"] == {"variable": "region", "missing": 0, "share": 0.0,
                                      "flagged": False}
    assert completeness["sex"]["missing"] == 114 and completeness["sex"]["flagged"] is True
    assert completeness["birth_year"]["share"] == 1.0
    assert completeness["stop_reason"]["share"] is None  # nobody stopped


def test_immature_data_are_warned_about_before_the_review(client, intro):
    # 40 patients followed 2 to 5 months, 6 deaths; review a month after the cut.
    rng = np.random.default_rng(4)
    days = rng.integers(60, 150, 40)
    died = np.arange(40) < 6
    cut = START + timedelta(days=int(days.max()))
    patched = client.patch(f"/api/v1/introductions/{intro['id']}", json={
        "review_date": (cut + timedelta(days=30)).isoformat(), "version": intro["version"],
        "review_date_reason": "test"})
    assert patched.status_code == 200, patched.json
    import_extract(client, intro["id"], *extract(days, died))
    m = _get(client, intro, "endpoint=OS")["maturity"]
    assert m["now"]["rule"] == "few_events_short_follow_up" and m["now"]["immature"]
    assert m["at_review"]["immature"] and m["warning"] is True
    assert m["at_review"]["text_nb"].startswith("Umodne data ved revurderingsdatoen")


def test_the_evidence_over_time_data_cut_by_data_cut(client, intro, lung):
    days, died = lung
    early = 400  # the first delivery: the same patients, cut after 400 days
    first_days, first_died = np.minimum(days, early), died & (days <= early)
    import_extract(client, intro["id"], *extract(first_days, first_died), name="første.csv")
    import_extract(client, intro["id"], *extract(days, died), name="andre.csv")
    history = _get(client, intro)["history"]
    old, new = history["deliveries"]
    assert (old["current"], new["current"]) == (False, True)
    assert old["superseded_at"] is not None and old["delivery"]["file_name"] == "første.csv"
    expected = float(np.sum(-WEIBULL.logsf(first_days)))
    assert old["one_sample_logrank"]["observed"] == int(first_died.sum())
    assert old["one_sample_logrank"]["expected"] == pytest.approx(expected, rel=1e-9)
    kmf = KaplanMeierFitter().fit(first_days, first_died)
    assert old["landmarks"][0]["km"] == pytest.approx(
        float(kmf.survival_function_at_times(365.25).iloc[0]))
    assert old["verdict"]["code"] in {"oe_above", "oe_below", "oe_includes"}
    assert new["one_sample_logrank"]["expected"] == pytest.approx(
        float(np.sum(-WEIBULL.logsf(days))), rel=1e-9)
    # every patient started on the same day: O/E at a calendar date is O/E of the data cut then
    for point in history["calendar"]:
        t = (date.fromisoformat(point["date"]) - START).days
        followed = np.minimum(days, t)
        assert point["observed"] == int((died & (days <= t)).sum())
        assert point["expected"] == pytest.approx(float(np.sum(-WEIBULL.logsf(followed))),
                                                  rel=1e-9)
    assert history["calendar"][-1]["date"] == (START + timedelta(days=1022)).isoformat()


def test_calendar_o_e_with_patients_starting_over_two_years(client, intro):
    rng = np.random.default_rng(21)
    n = 300
    starts = rng.integers(0, 730, n)
    death = np.ceil(WEIBULL.rvs(size=n, random_state=rng)).astype(int) + 1
    cut_day = 1000
    days = np.minimum(death, cut_day - starts)
    died = death <= cut_day - starts
    content, cut = extract(days, died, starts=starts, cut=START + timedelta(days=cut_day))
    import_extract(client, intro["id"], content, cut)
    calendar = _get(client, intro)["history"]["calendar"]
    assert calendar[0]["date"] == "2020-03-31" and calendar[-1]["date"] == cut.isoformat()
    for point in calendar:
        c = (date.fromisoformat(point["date"]) - START).days
        available = c - starts
        seen = available > 0
        followed = np.minimum(days, available)[seen]
        events = int((died & (days <= available))[seen].sum())
        expected = float(np.sum(-WEIBULL.logsf(followed)))
        assert point["observed"] == events
        assert point["expected"] == pytest.approx(expected, rel=1e-9)
        if events:
            lower, upper = stats.chi2.ppf([0.025, 0.975], [2 * events, 2 * events + 2]) / 2
            assert point["ratio_ci"] == [pytest.approx(lower / expected),
                                         pytest.approx(upper / expected)]


def test_time_on_treatment_longer_than_assumed_is_not_better_and_is_flagged(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01", milestones=[])
    put_curve(client, intro, "TTD", {"distribution": "exponential", "time_unit": "months",
                                     "parameters": {"rate": math.log(2) / 4.0}})  # median 4
    rng = np.random.default_rng(8)
    n = 200
    stop = np.ceil(rng.exponential(10.0 * MONTH / math.log(2), n)).astype(int) + 1  # median 10
    follow = np.minimum(stop + 30, 900)
    stops = [int(s) if s <= 900 else None for s in stop]
    import_extract(client, intro["id"], *extract(follow, np.zeros(n, bool), stops=stops))
    out = _get(client, intro, "endpoint=TTD")
    v = out["verdict"]
    assert (v["kind"], v["code"], v["meaning"], v["concern"]) == (
        "fewer_events", "oe_below", "longer_treatment", True)
    assert v["label"] == "Lengre behandlingstid enn antatt"
    assert v["label_en"] == "Longer time on treatment than assumed"
    assert "legemiddelkostnaden blir høyere enn beregnet" in v["rule_nb"]
    assert "Bedre" not in v["rule_nb"] and "dødsfall" not in v["rule_nb"]
    sweep(client, "2026-07-01")
    [flag] = flags(client, kind="outcome_divergence")
    assert flag["subject_id"] == intro["id"]
    assert "viser for tid på behandling (TTD): lengre behandlingstid enn antatt" in (
        flag["message"])
    assert "dårligere" not in flag["message"]
    assert flag["facts"]["meanings"] == {"TTD": "longer_treatment"}
