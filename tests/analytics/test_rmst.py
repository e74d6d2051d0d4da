"""Restricted mean survival time and its standard error."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung
from lifelines.utils import restricted_mean_survival_time

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import StatisticalWarning
from tracker.analytics.survival import count_table, default_tau, kaplan_meier, rmst


def naive_rmst(
    durations: npt.NDArray[np.float64],
    events: npt.NDArray[np.int64],
    entry: npt.NDArray[np.float64],
    tau: float,
) -> tuple[float, float]:
    """Per-patient implementation: risk sets by scanning patients, integrals by summing steps.

    Klein & Moeschberger (2003), eq. 4.5.2:
    Var = sum_{t_i <= tau} (int_{t_i}^tau S)^2 d_i / (Y_i (Y_i - d_i)).
    """
    event_times = sorted({float(t) for t, e in zip(durations, events, strict=True) if e})
    steps: list[tuple[float, float]] = [(0.0, 1.0)]
    risk: list[tuple[float, int, int]] = []
    s = 1.0
    for t in event_times:
        at_risk = sum(1 for x, e0 in zip(durations, entry, strict=True) if e0 < t <= x)
        died = sum(1 for x, e in zip(durations, events, strict=True) if x == t and e)
        s *= 1.0 - died / at_risk
        steps.append((t, s))
        risk.append((t, at_risk, died))

    def area(start: float) -> float:
        total = 0.0
        for k, (t, value) in enumerate(steps):
            end = steps[k + 1][0] if k + 1 < len(steps) else np.inf
            lo, hi = max(t, start), min(end, tau)
            if hi > lo:
                total += value * (hi - lo)
        return total

    variance = 0.0
    for t, y, d in risk:
        if t <= tau and y > d:
            variance += area(t) ** 2 * d / (y * (y - d))
    return area(0.0), float(np.sqrt(variance))


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_rmst_value_matches_lifelines(seed: int) -> None:
    durations, events, _ = weibull_cohort(300, seed, round_to=1.0)
    km = kaplan_meier(count_table(durations, events))
    kmf = KaplanMeierFitter().fit(durations, events)
    for tau in (6.0, 12.5, 20.0, float(durations.max())):
        expected = restricted_mean_survival_time(kmf, t=tau)
        assert rmst(km, tau)["rmst"] == pytest.approx(expected, rel=1e-12)


def test_rmst_matches_published_r_lung_by_sex() -> None:
    # R: summary(survfit(Surv(time, status) ~ sex, data = lung))$table, rmean "common" upper
    # limit = 1022 (largest time in the data): sex=1 rmean 326.0841 se 22.91156,
    # sex=2 rmean 460.6473 se 34.68985.
    lung = load_lung()
    assert lung["time"].max() == 1022
    published = {1: (326.0841, 22.91156), 2: (460.6473, 34.68985)}
    for sex, (mean, se) in published.items():
        group = lung[lung["sex"] == sex]
        km = kaplan_meier(count_table(group["time"], group["status"]))
        if km["time"].iloc[-1] < 1022:
            with pytest.warns(StatisticalWarning, match="beyond the last follow-up"):
                result = rmst(km, 1022.0)
        else:
            result = rmst(km, 1022.0)
        assert result["rmst"] == pytest.approx(mean, abs=5e-5)
        assert result["se"] == pytest.approx(se, abs=5e-6)


@pytest.mark.parametrize("delayed", [False, True])
def test_rmst_se_matches_a_naive_per_patient_implementation(delayed: bool) -> None:
    durations, events, entry = weibull_cohort(120, 34, round_to=1.0, delayed_entry=delayed)
    table = count_table(durations, events, entry)
    entry_arr = np.zeros_like(durations) if entry is None else entry
    for tau in (5.0, 15.0, 24.0):
        value, se = naive_rmst(durations, events, entry_arr, tau)
        result = rmst(table, tau)
        assert result["rmst"] == pytest.approx(value, rel=1e-12)
        assert result["se"] == pytest.approx(se, rel=1e-10)


def test_rmst_se_without_censoring_is_the_plug_in_standard_error() -> None:
    # Without censoring the Greenwood covariance of the KM is the empirical-process covariance
    # S(v)(1 - S(u))/n (u <= v), so the formula must equal the plug-in variance of
    # min(T, tau) divided by n (ddof=0) - an independent closed form.
    rng = np.random.default_rng(35)
    durations = np.round(rng.weibull(1.3, 250) * 10.0, 1)
    for tau in (4.0, 9.0, float(durations.max()) + 1.0):
        capped = np.minimum(durations, tau)
        table = count_table(durations, np.ones(250, dtype=int))
        if tau > durations.max():
            with pytest.warns(StatisticalWarning):
                result = rmst(table, tau)
        else:
            result = rmst(table, tau)
        assert result["rmst"] == pytest.approx(capped.mean(), rel=1e-12)
        assert result["se"] == pytest.approx(capped.std(ddof=0) / np.sqrt(250), rel=1e-9)


def test_rmst_se_agrees_with_a_bootstrap() -> None:
    durations, events, _ = weibull_cohort(300, 36, censor_rate=0.05)
    tau = 15.0
    result = rmst(count_table(durations, events), tau)
    rng = np.random.default_rng(37)
    boot = []
    for _ in range(300):
        idx = rng.integers(0, 300, 300)
        boot.append(rmst(count_table(durations[idx], events[idx]), tau)["rmst"])
    assert result["se"] == pytest.approx(np.std(boot, ddof=1), rel=0.15)


def test_rmst_interval_and_inputs() -> None:
    durations, events, _ = weibull_cohort(200, 38)
    table = count_table(durations, events)
    result = rmst(table, 10.0, alpha=0.10)
    assert result["tau"] == 10.0
    half = result["ci_upper"] - result["rmst"]
    assert half == pytest.approx(1.6448536269514722 * result["se"])
    assert result == rmst(kaplan_meier(table), 10.0, alpha=0.10)
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="tau"):
            rmst(table, bad)


def test_rmst_when_everybody_at_risk_dies() -> None:
    table = count_table([1.0, 2.0, 3.0], [1, 1, 1])
    result = rmst(table, 3.0)
    assert result["rmst"] == pytest.approx(2.0)
    assert np.isfinite(result["se"])


def test_default_tau_is_last_time_with_ten_percent_at_risk() -> None:
    durations, events, _ = weibull_cohort(500, 39, round_to=1.0)
    km = kaplan_meier(count_table(durations, events))
    tau = default_tau(km)
    assert (durations >= tau).sum() >= 50
    later = km["time"] > tau
    assert ((durations[None, :] >= km["time"][later].to_numpy()[:, None]).sum(1) < 50).all()
    assert default_tau(km, 0.5) <= tau
    assert default_tau(km, 0.2, n_total=1000) <= default_tau(km, 0.2)
    with pytest.raises(ValueError, match="min_at_risk_fraction"):
        default_tau(km, 0.0)
