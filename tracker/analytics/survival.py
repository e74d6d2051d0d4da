"""Kaplan-Meier estimation on aggregated count tables.

All estimators take a *count table* (see :mod:`tracker.analytics.counts`) so that the database
layer can aggregate patients with ``GROUP BY`` and never build a Python object per patient.
This module also re-exports the rest of the public API (count tables, one-sample log-rank,
thinning, verdict) so that callers can import everything from one place.

Conventions
-----------
* Risk set: a patient entering at ``e`` and exiting at ``x`` is at risk at event time ``t``
  when ``e < t <= x``; patients entering at time 0 are at risk at time 0 (see
  :mod:`tracker.analytics.counts`). Censored patients are at risk at their censoring time.
* Confidence band: pointwise Greenwood variance with the log(-log) transform (lifelines'
  "exponential Greenwood", R's ``conf.type = "log-log"``). Where the estimate is 1 the band is
  [1, 1]; where it is 0 (everybody at risk died) the band is [0, 0] (lifelines' choice; R
  reports NA there), and :func:`median_survival` reads no confidence limit off it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracker.analytics._common import (
    KM_COLUMNS,
    FloatArray,
    StatisticalWarning,
    as_float_array,
    check_alpha,
    check_times,
    loglog_band,
    warn,
    z_value,
)
from tracker.analytics.comparison import one_sample_logrank, verdict
from tracker.analytics.counts import (
    CountTable,
    PreparedTable,
    count_table,
    merge_count_tables,
    numbers_at_risk,
    prepare,
)
from tracker.analytics.thinning import thin_curve

__all__ = [
    "StatisticalWarning",
    "count_table",
    "default_tau",
    "kaplan_meier",
    "median_survival",
    "merge_count_tables",
    "numbers_at_risk",
    "one_sample_logrank",
    "rmst",
    "survival_at",
    "thin_curve",
    "verdict",
]


def _greenwood_terms(at_risk: FloatArray, events: FloatArray) -> FloatArray:
    """``d / (n (n - d))`` per row; 0 where there are no events or everybody died (n == d)."""
    terms = np.zeros_like(at_risk)
    ok = (events > 0) & (at_risk > events)
    terms[ok] = events[ok] / (at_risk[ok] * (at_risk[ok] - events[ok]))
    return terms


def kaplan_meier(table: CountTable, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan-Meier estimate with a pointwise log(-log) Greenwood confidence band.

    Parameters
    ----------
    table : pandas.DataFrame or PreparedTable
        Count table (``time, events, censored, entered``), or the same once prepared.
    alpha : float, default 0.05
        The band has pointwise coverage ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, at_risk, events, censored, survival, ci_lower, ci_upper``: a first row at
        time 0 and one row per time with events or censorings. ``survival`` is right-continuous
        (value just after the events at ``time``); if there are events at time 0 the first row
        already includes them. ``at_risk`` follows the risk-set convention of the module.

    Warns
    -----
    StatisticalWarning
        If, with delayed entry, the risk set is exhausted (empty, or everybody at risk died)
        while patients still enter or die later: the estimate after that time is unreliable.

    Examples
    --------
    >>> km = kaplan_meier(count_table([2.0, 3.0, 3.0, 5.0], [1, 1, 0, 0]))
    >>> km["survival"].round(3).tolist()
    [1.0, 0.75, 0.5, 0.5]
    """
    alpha = check_alpha(alpha)
    p = prepare(table)
    removed = p.removed
    keep = removed > 0
    keep[0] |= p.time[0] == 0
    time, n, d, c = p.time[keep], p.at_risk[keep], p.events[keep], p.censored[keep]
    if time[0] > 0:
        time, n, d, c = (np.concatenate(([0.0], a)) for a in (time, n, d, c))
    factor = np.ones_like(n)
    np.divide(n - d, n, out=factor, where=n > 0)
    survival: FloatArray = np.cumprod(factor, dtype=np.float64)
    lower, upper = loglog_band(survival, np.cumsum(_greenwood_terms(n, d)), alpha)
    _warn_exhausted_risk_set(p.time, p.at_risk, p.events, p.entered, removed)
    return pd.DataFrame(
        {
            "time": time,
            "at_risk": np.round(n).astype(np.int64),
            "events": np.round(d).astype(np.int64),
            "censored": np.round(c).astype(np.int64),
            "survival": survival,
            "ci_lower": lower,
            "ci_upper": upper,
        },
        columns=list(KM_COLUMNS),
    )


def _warn_exhausted_risk_set(
    time: FloatArray,
    at_risk: FloatArray,
    events: FloatArray,
    entered: FloatArray,
    removed: FloatArray,
) -> None:
    cum_entered = np.cumsum(entered)
    after = cum_entered - np.cumsum(removed)
    later_entries = cum_entered[-1] - cum_entered
    later_events = events.sum() - np.cumsum(events)
    empty = (after <= 0) & (later_entries > 0) & (cum_entered > 0)
    wiped = (events > 0) & (events >= at_risk) & (later_events > 0)
    bad = empty | wiped
    if bad.any():
        t = time[int(np.flatnonzero(bad)[0])]
        warn(
            f"the risk set is exhausted at time {t:g} (nobody left at risk, or everybody at risk "
            "died) while patients still enter or die later; with delayed entry the Kaplan-Meier "
            "estimate after that time is not identifiable (it stays constant or at 0). Consider "
            "restricting the analysis to times before the gap or a later landmark."
        )


def _check_km(km: pd.DataFrame) -> None:
    if not isinstance(km, pd.DataFrame):
        raise ValueError(f"expected the DataFrame returned by kaplan_meier, got {type(km)}.")
    missing = [c for c in ("time", "at_risk", "events", "survival") if c not in km.columns]
    if missing:
        raise ValueError(
            f"Kaplan-Meier frame is missing column(s) {missing}; pass the result of "
            "kaplan_meier(table) (not a count table or a thinned curve's subset of columns)."
        )
    time = km["time"].to_numpy(dtype=np.float64)
    if len(km) == 0 or time[0] != 0 or (np.diff(time) <= 0).any():
        raise ValueError(
            "Kaplan-Meier frame must start at time 0 with distinct, sorted times; pass the "
            "unmodified result of kaplan_meier(table)."
        )


def _km_from(km_or_table: pd.DataFrame | PreparedTable) -> pd.DataFrame:
    if isinstance(km_or_table, PreparedTable) or "survival" not in km_or_table.columns:
        return kaplan_meier(km_or_table)
    _check_km(km_or_table)
    return km_or_table


def _first_time_at_or_below(
    time: FloatArray,
    curve: FloatArray,
    level: float,
    undefined: npt.NDArray[np.bool_] | None = None,
) -> float | None:
    # the tolerance makes a curve that is exactly 0.5 in exact arithmetic (e.g. 3 of 6 died)
    # count as reaching 0.5 whatever the floating-point rounding of the product
    hits = np.flatnonzero(curve <= level + 1e-12)
    if not hits.size:
        return None
    first = int(hits[0])
    if undefined is not None and undefined[first]:
        return None  # read off a band that is not estimable there (R: NA)
    return float(time[first])


def median_survival(km: pd.DataFrame, alpha: float = 0.05) -> dict[str, float | None]:
    """Median survival time with a confidence interval from inverting the band.

    The median is the smallest time with ``survival <= 0.5``. The interval is the one of
    ``lifelines.utils.median_survival_times(kmf.confidence_interval_)``: the lower limit is the
    first time the lower band is <= 0.5, the upper limit the first time the upper band is
    <= 0.5 (Brookmeyer-Crowley style with the log(-log) band at level ``alpha``, recomputed
    from the frame's ``at_risk`` and ``events``). Limits never reached are ``None`` (lifelines
    returns ``inf``), and so is a limit that would be read where the estimate is 0: the band is
    not estimable there (R's NA; lifelines reads a finite limit off its [0, 0] convention).
    Comparisons use a 1e-12 tolerance, so a curve that is exactly 0.5 (e.g. 3 of 6 patients
    died) gives the time it reaches 0.5; lifelines may return the next time there because of
    floating-point rounding, and R returns the midpoint of the flat part.

    ``km`` must be the full result of :func:`kaplan_meier` (not a thinned curve).

    Examples
    --------
    >>> km = kaplan_meier(count_table([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1]))
    >>> median_survival(km)["median"]
    2.0
    """
    _check_km(km)
    time = km["time"].to_numpy(dtype=np.float64)
    survival = km["survival"].to_numpy(dtype=np.float64)
    greenwood = np.cumsum(
        _greenwood_terms(
            km["at_risk"].to_numpy(dtype=np.float64), km["events"].to_numpy(dtype=np.float64)
        )
    )
    lower, upper = loglog_band(survival, greenwood, alpha)
    # Where the estimate is 0 the log(-log) band is not estimable (it is [0, 0] only by
    # convention): a limit that would be read there is None, as R reports NA.
    undefined = survival <= 0.0
    return {
        "median": _first_time_at_or_below(time, survival, 0.5),
        "ci_lower": _first_time_at_or_below(time, lower, 0.5, undefined),
        "ci_upper": _first_time_at_or_below(time, upper, 0.5, undefined),
    }


def survival_at(
    km: pd.DataFrame, times: npt.ArrayLike, table: CountTable | None = None
) -> pd.DataFrame:
    """Evaluate the Kaplan-Meier step function (and its band) at arbitrary times.

    Parameters
    ----------
    km : pandas.DataFrame
        Result of :func:`kaplan_meier`.
    times : array_like
        Times >= 0. Beyond the last row the last value is held (as lifelines does); check
        ``at_risk == 0`` there, the estimate is an extrapolation.
    table : pandas.DataFrame, optional
        The count table ``km`` was estimated from. Required with delayed entry to count the
        patients at risk; without delayed entry the counts are recovered from ``km``.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, survival, ci_lower, ci_upper, at_risk``. ``at_risk`` is the number of
        patients who entered at or before ``t`` and had not exited before ``t`` (see
        :func:`numbers_at_risk`).

    Examples
    --------
    >>> table = count_table([2.0, 3.0, 3.0, 5.0], [1, 1, 0, 0])
    >>> survival_at(kaplan_meier(table), [1.0, 2.0, 4.0])[["survival", "at_risk"]].values.tolist()
    [[1.0, 4.0], [0.75, 4.0], [0.5, 1.0]]
    """
    _check_km(km)
    t = check_times(times)
    km_time = km["time"].to_numpy(dtype=np.float64)
    row = np.searchsorted(km_time, t, side="right") - 1
    if table is not None:
        at_risk = numbers_at_risk(table, t)
    else:
        if "censored" not in km.columns:
            raise ValueError("km has no 'censored' column; pass the result of kaplan_meier.")
        n = km["at_risk"].to_numpy(dtype=np.float64)
        removed = km[["events", "censored"]].to_numpy(dtype=np.float64).sum(axis=1)
        if not np.array_equal(n[1:], n[:-1] - removed[:-1]):
            raise ValueError(
                "the at-risk counts in km show delayed entry; pass the count table as "
                "survival_at(km, times, table=table) to count the patients at risk exactly."
            )
        nxt = np.searchsorted(km_time, t, side="left")
        at_risk = np.zeros(t.size, dtype=np.int64)
        inside = nxt < km_time.size
        at_risk[inside] = np.round(n[nxt[inside]]).astype(np.int64)
    out: dict[str, Any] = {"time": t, "survival": km["survival"].to_numpy(dtype=np.float64)[row]}
    for col in ("ci_lower", "ci_upper"):
        out[col] = (km[col].to_numpy(dtype=np.float64)[row] if col in km.columns
                    else np.full(t.size, np.nan))
    out["at_risk"] = at_risk
    return pd.DataFrame(out)


def default_tau(
    km: pd.DataFrame, min_at_risk_fraction: float = 0.10, n_total: int | None = None
) -> float:
    """Last time at which at least ``min_at_risk_fraction`` of the patients are still at risk.

    Parameters
    ----------
    km : pandas.DataFrame
        Result of :func:`kaplan_meier`.
    min_at_risk_fraction : float, default 0.10
        Fraction of ``n_total`` that must still be at risk.
    n_total : int, optional
        Number of patients. Defaults to the largest risk set in ``km``, which is the cohort size
        without delayed entry; with delayed entry pass the number of patients.

    Examples
    --------
    >>> km = kaplan_meier(count_table(np.arange(1.0, 21.0), np.ones(20)))
    >>> default_tau(km)
    19.0
    """
    _check_km(km)
    fraction = float(min_at_risk_fraction)
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"min_at_risk_fraction must be in (0, 1], got {fraction}.")
    at_risk = km["at_risk"].to_numpy(dtype=np.float64)
    total = float(at_risk.max()) if n_total is None else float(n_total)
    if total <= 0:
        raise ValueError("n_total must be positive (the number of patients in the cohort).")
    ok = np.flatnonzero(at_risk >= fraction * total)
    if ok.size == 0:
        raise ValueError(
            f"at no time are {fraction:.0%} of {total:.0f} patients at risk; lower "
            "min_at_risk_fraction or check n_total."
        )
    return float(km["time"].to_numpy(dtype=np.float64)[ok[-1]])


def rmst(
    km_or_table: pd.DataFrame | PreparedTable, tau: float, alpha: float = 0.05
) -> dict[str, float]:
    """Restricted mean survival time up to ``tau`` with its Greenwood-type standard error.

    ``rmst = integral_0^tau S(t) dt`` of the Kaplan-Meier step function, and (Klein &
    Moeschberger, section 4.5)
    ``Var = sum_{t_i <= tau, d_i > 0} A_i**2 d_i / (n_i (n_i - d_i))`` with
    ``A_i = integral_{t_i}^tau S(u) du``. A term with ``n_i == d_i`` has ``A_i == 0`` (the curve
    is 0 from ``t_i`` on) and contributes 0. The interval is ``rmst +/- z se``.

    Parameters
    ----------
    km_or_table : pandas.DataFrame
        Result of :func:`kaplan_meier`, or a count table.
    tau : float
        Truncation time (> 0), in the time unit of the table. See :func:`default_tau`.
    alpha : float, default 0.05
        Level of the confidence interval.

    Warns
    -----
    StatisticalWarning
        If ``tau`` is beyond the last observed time: the curve is held constant after it.

    Examples
    --------
    >>> result = rmst(count_table([2.0, 4.0], [1, 1]), tau=3.0)
    >>> result["rmst"]
    2.5
    """
    km = _km_from(km_or_table)
    z = z_value(alpha)
    tau_arr = as_float_array(tau, "tau")
    if tau_arr.size != 1 or not np.isfinite(tau_arr[0]) or tau_arr[0] <= 0:
        raise ValueError(f"tau must be a single finite time > 0, got {tau!r}.")
    tau_value = float(tau_arr[0])
    time = km["time"].to_numpy(dtype=np.float64)
    if tau_value > time[-1]:
        warn(
            f"tau={tau_value:g} is beyond the last follow-up time {time[-1]:g}; the Kaplan-Meier "
            "curve is held constant after it. Choose tau <= the last follow-up (default_tau)."
        )
    survival = km["survival"].to_numpy(dtype=np.float64)
    ends = np.append(time[1:], max(tau_value, time[-1]))
    width = np.clip(np.minimum(ends, tau_value) - time, 0.0, None)
    area = survival * width
    tail_area = np.cumsum(area[::-1])[::-1]  # A_i = integral from time_i to tau
    n = km["at_risk"].to_numpy(dtype=np.float64)
    d = km["events"].to_numpy(dtype=np.float64)
    use = time <= tau_value
    variance = float(np.sum((tail_area**2 * _greenwood_terms(n, d))[use]))
    value = float(area.sum())
    se = float(np.sqrt(variance))
    return {
        "tau": tau_value,
        "rmst": value,
        "se": se,
        "ci_lower": value - z * se,
        "ci_upper": value + z * se,
    }
