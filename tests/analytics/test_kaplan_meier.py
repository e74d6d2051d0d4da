"""Kaplan-Meier on count tables against lifelines, statsmodels and published R output."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung
from lifelines.utils import median_survival_times
from scipy.stats import norm
from statsmodels.duration.survfunc import SurvfuncRight

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import StatisticalWarning
from tracker.analytics.survival import (
    count_table,
    kaplan_meier,
    median_survival,
    survival_at,
)

Z = norm.ppf(0.975)


def _lifelines(durations, events, entry=None) -> KaplanMeierFitter:
    return KaplanMeierFitter().fit(durations, events, entry=entry)


def _as_none(x: float) -> float | None:
    return None if np.isinf(x) else float(x)


def assert_matches_lifelines(durations, events, entry=None, lifelines_entry=None) -> pd.DataFrame:
    """Survival, band, at-risk and median (with CI) equal lifelines' at every row."""
    km = kaplan_meier(count_table(durations, events, entry))
    kmf = _lifelines(durations, events, entry if lifelines_entry is None else lifelines_entry)
    rows = km[km["time"].isin(kmf.survival_function_.index)]
    assert len(rows) >= len(km) - 1  # only a synthetic time-0 row may be absent from lifelines
    times = rows["time"].to_numpy()
    np.testing.assert_allclose(
        rows["survival"], kmf.survival_function_.loc[times].iloc[:, 0], rtol=0, atol=1e-12
    )
    band = kmf.confidence_interval_.loc[times].to_numpy()
    np.testing.assert_allclose(rows["ci_lower"], band[:, 0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(rows["ci_upper"], band[:, 1], rtol=0, atol=1e-10)
    if lifelines_entry is None:
        np.testing.assert_array_equal(rows["at_risk"], kmf.event_table.loc[times, "at_risk"])
    med = median_survival(km)
    ll_ci = median_survival_times(kmf.confidence_interval_).to_numpy()[0]
    assert med["median"] == _as_none(kmf.median_survival_time_)
    assert med["ci_lower"] == _estimable(ll_ci[0], km)
    assert med["ci_upper"] == _estimable(ll_ci[1], km)
    return km


def _estimable(limit: float, km: pd.DataFrame) -> float | None:
    """lifelines' median limit, or None where it reads it off the [0, 0] band at S == 0 (R: NA)."""
    value = _as_none(limit)
    if value is not None and km.loc[km["time"] == value, "survival"].iloc[0] == 0.0:
        return None
    return value


def assert_matches_statsmodels(durations, events, entry=None) -> None:
    """Survival, at-risk and Greenwood SE (through the log-log band) equal statsmodels'."""
    km = kaplan_meier(count_table(durations, events, entry))
    sm = SurvfuncRight(
        np.asarray(durations, float),
        np.asarray(events, float),
        entry=None if entry is None else np.asarray(entry, float),
    )
    rows = km[km["events"] > 0]
    np.testing.assert_allclose(rows["time"], sm.surv_times)
    np.testing.assert_allclose(rows["survival"], sm.surv_prob, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(rows["at_risk"], sm.n_risk)
    # log-log band built from statsmodels' survival and standard error (textbook formula)
    s, se = sm.surv_prob, sm.surv_prob_se
    inner = (s > 0) & (s < 1)
    half = Z * se[inner] / (s[inner] * np.abs(np.log(s[inner])))
    np.testing.assert_allclose(rows["ci_lower"].to_numpy()[inner], s[inner] ** np.exp(half))
    np.testing.assert_allclose(rows["ci_upper"].to_numpy()[inner], s[inner] ** np.exp(-half))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heavy_ties_match_lifelines_and_statsmodels(seed: int) -> None:
    durations, events, _ = weibull_cohort(400, seed, round_to=1.0)  # integer months: many ties
    table = count_table(durations, events)
    assert (table["events"] > 1).any() and ((table["events"] > 0) & (table["censored"] > 0)).any()
    assert_matches_lifelines(durations, events)
    assert_matches_statsmodels(durations, events)


def test_censoring_at_an_event_time_keeps_censored_in_the_risk_set() -> None:
    durations = [1, 2, 2, 2, 3, 4, 4]
    events = [1, 1, 0, 1, 0, 1, 0]
    km = assert_matches_lifelines(durations, events)
    assert_matches_statsmodels(durations, events)
    row = km.set_index("time").loc[2.0]
    assert (row["at_risk"], row["events"], row["censored"]) == (6, 2, 1)
    assert row["survival"] == pytest.approx((6 / 7) * (4 / 6))


@pytest.mark.parametrize("seed", [4, 5])
def test_delayed_entry_matches_lifelines_and_statsmodels(seed: int) -> None:
    durations, events, entry = weibull_cohort(300, seed, round_to=1.0, delayed_entry=True)
    assert entry is not None and (entry > 0).mean() > 0.3
    assert_matches_lifelines(durations, events, entry)
    assert_matches_statsmodels(durations, events, entry)


def test_entry_tied_with_event_time_follows_the_strict_convention() -> None:
    # patients entering exactly at another patient's event time are not in that risk set:
    # statsmodels uses the same convention; lifelines uses entry <= t, so shift its entries.
    rng = np.random.default_rng(11)
    durations = rng.integers(2, 25, 200).astype(float)
    events = rng.integers(0, 2, 200)
    entry = np.floor(rng.uniform(0, 1, 200) * durations) * (rng.uniform(size=200) < 0.6)
    assert np.isin(entry[entry > 0], durations[events == 1]).any()
    assert_matches_statsmodels(durations, events, entry)
    assert_matches_lifelines(durations, events, entry, lifelines_entry=entry + 1e-9)


def test_single_patient_and_all_events() -> None:
    km = assert_matches_lifelines([5.0], [1])
    assert km["survival"].tolist() == [1.0, 0.0]
    assert km[["ci_lower", "ci_upper"]].iloc[-1].tolist() == [0.0, 0.0]  # S == 0: band [0, 0]
    km = assert_matches_lifelines([5.0], [0])
    assert km["survival"].tolist() == [1.0, 1.0]
    durations = [1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 9.0]
    km = assert_matches_lifelines(durations, [1] * 7)
    assert_matches_statsmodels(durations, [1] * 7)
    assert km["survival"].iloc[-1] == 0.0 and not km.isna().any().any()


def test_median_when_the_curve_is_exactly_one_half() -> None:
    # 3 of 6 dead at t=2: S(2) = 1/2 exactly, so the median is 2 by definition (smallest t
    # with S(t) <= 0.5). lifelines gets 3 because exp(log(5/6) + log(3/5)) > 0.5 in floating
    # point; R would report the midpoint 2.5 of the flat part.
    km = kaplan_meier(count_table([1.0, 2.0, 2.0, 3.0, 5.0, 8.0], [1] * 6))
    assert median_survival(km)["median"] == 2.0


def test_group_without_events() -> None:
    km = assert_matches_lifelines([3.0, 4.0, 4.0, 9.0], [0, 0, 0, 0])
    assert (km["survival"] == 1).all() and (km["ci_lower"] == 1).all()
    assert median_survival(km) == {"median": None, "ci_lower": None, "ci_upper": None}


def test_event_at_time_zero_counts_the_whole_cohort() -> None:
    durations, events = [0.0, 0.0, 1.0, 2.0, 3.0], [1, 0, 1, 0, 1]
    km = assert_matches_lifelines(durations, events)
    assert km["time"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert km["at_risk"].iloc[0] == 5 and km["survival"].iloc[0] == pytest.approx(0.8)


def test_entered_column_may_be_zero_or_explicit() -> None:
    durations, events, _ = weibull_cohort(150, 6, round_to=1.0)
    implicit = count_table(durations, events)
    explicit = count_table(durations, events, entry=np.zeros_like(durations))
    assert implicit["entered"].sum() == 0 and explicit["entered"].sum() == 150
    pd.testing.assert_frame_equal(kaplan_meier(implicit), kaplan_meier(explicit))
    without_column = implicit.drop(columns="entered")
    pd.testing.assert_frame_equal(kaplan_meier(without_column), kaplan_meier(explicit))


def test_alpha_changes_the_band_like_lifelines() -> None:
    durations, events, _ = weibull_cohort(200, 7)
    km = kaplan_meier(count_table(durations, events), alpha=0.10)
    kmf = KaplanMeierFitter(alpha=0.10).fit(durations, events)
    band = kmf.confidence_interval_.loc[km["time"]].to_numpy()
    np.testing.assert_allclose(km["ci_lower"], band[:, 0], atol=1e-10)
    med = median_survival(km, alpha=0.10)
    ll = median_survival_times(kmf.confidence_interval_).to_numpy()[0]
    assert (med["ci_lower"], med["ci_upper"]) == (_as_none(ll[0]), _as_none(ll[1]))


def test_exhausted_risk_set_with_later_entries_warns() -> None:
    with pytest.warns(StatisticalWarning, match="risk set is exhausted"):
        kaplan_meier(count_table([2.0, 10.0, 12.0], [1, 1, 0], entry=[0.0, 5.0, 5.0]))


# --- lung data: published R survival output ------------------------------------------------
# R: survfit(Surv(time, status) ~ 1, data = lung); print -> median 310;
# summary(fit, times = 365.25) -> n.risk 65, n.event 121, survival 0.409, std.err 0.0358,
# log-transformed ("log", R's default) 95% CI 0.345-0.486.


@pytest.fixture(scope="module")
def lung() -> pd.DataFrame:
    data = load_lung()
    assert set(data["status"].unique()) == {0, 1}  # lifelines recodes R's 1/2 to 0/1
    return data


def _greenwood_se(row: pd.Series) -> float:
    """Standard error of S recovered from the log-log band half-width."""
    s = row["survival"]
    half = np.log(np.log(row["ci_lower"]) / np.log(s))
    return float(s * half * abs(np.log(s)) / Z)


def test_lung_against_published_r_output(lung: pd.DataFrame) -> None:
    table = count_table(lung["time"], lung["status"])
    km = kaplan_meier(table)
    assert median_survival(km)["median"] == 310.0
    at = survival_at(km, [365.25]).iloc[0]
    assert at["survival"] == pytest.approx(0.409, abs=0.001)
    assert at["at_risk"] == 65
    assert km.loc[km["time"] <= 365.25, "events"].sum() == 121
    se = _greenwood_se(at)
    assert se == pytest.approx(0.0358, abs=0.00005)
    # R's default log-transformed interval from the same Greenwood standard error
    log_ci = at["survival"] * np.exp(np.array([-Z, Z]) * se / at["survival"])
    np.testing.assert_allclose(log_ci, [0.345, 0.486], atol=0.0005)
    pd.testing.assert_frame_equal(survival_at(km, [365.25]), survival_at(km, [365.25], table=table))


def test_lung_median_ci_matches_lifelines(lung: pd.DataFrame) -> None:
    assert_matches_lifelines(lung["time"], lung["status"])
    km = kaplan_meier(count_table(lung["time"], lung["status"]))
    assert median_survival(km) == {"median": 310.0, "ci_lower": 284.0, "ci_upper": 361.0}


# --- survival_at ---------------------------------------------------------------------------


def test_survival_at_is_the_step_function_of_lifelines() -> None:
    durations, events, _ = weibull_cohort(250, 8, round_to=0.5)
    km = kaplan_meier(count_table(durations, events))
    kmf = _lifelines(durations, events)
    times = np.concatenate(([0.0], km["time"].to_numpy(), np.linspace(0, 80, 161)))
    at = survival_at(km, times)
    np.testing.assert_allclose(at["survival"], kmf.survival_function_at_times(times), atol=1e-12)
    brute: npt.NDArray[np.int64] = (durations[None, :] >= times[:, None]).sum(axis=1)
    np.testing.assert_array_equal(at["at_risk"], brute)


def test_survival_at_with_delayed_entry_needs_the_table() -> None:
    durations, events, entry = weibull_cohort(120, 9, delayed_entry=True)
    table = count_table(durations, events, entry)
    km = kaplan_meier(table)
    with pytest.raises(ValueError, match="table=table"):
        survival_at(km, [5.0])
    times = np.array([0.0, 1.0, 5.0, 10.0, 30.0])
    at = survival_at(km, times, table=table)
    assert entry is not None
    brute = ((entry[None, :] <= times[:, None]) & (durations[None, :] >= times[:, None])).sum(1)
    np.testing.assert_array_equal(at["at_risk"], brute)


def test_survival_at_rejects_negative_times() -> None:
    km = kaplan_meier(count_table([1.0, 2.0], [1, 0]))
    with pytest.raises(ValueError, match=">= 0"):
        survival_at(km, [-1.0])
