"""Hazards from count tables: where a wrong extrapolation shows first.

A survival curve hides the shape of its hazard; an assumed Weibull whose hazard rises while the
registry's falls fits the first year and misses the next ten. This module estimates the hazard
three ways, each comparable with the assumed curve's:

* :func:`piecewise_hazard` -- events / person-time per interval with the exact (Garwood)
  Poisson interval, the maximum-likelihood piecewise-exponential fit;
* :func:`smoothed_hazard` -- the Nelson-Aalen increments smoothed with the Epanechnikov kernel
  (Ramlau-Hansen), with a pointwise log-transformed interval;
* :func:`log_cumulative_hazard` -- ``log(-log S(t))`` against ``log t`` from the Kaplan-Meier
  estimate (R's ``fun = "cloglog"``), on which a Weibull is a straight line of slope ``shape``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracker.analytics._common import (
    FloatArray,
    check_alpha,
    check_times,
    poisson_limits,
    z_value,
)
from tracker.analytics.counts import CountTable, PreparedTable, prepare

__all__ = [
    "log_cumulative_hazard",
    "nelson_aalen",
    "person_time",
    "piecewise_hazard",
    "smoothed_hazard",
]


def _check_breaks(breaks: npt.ArrayLike) -> FloatArray:
    b = check_times(breaks, "breaks")
    if b.size < 2 or (np.diff(b) <= 0).any() or not np.isfinite(b).all():
        raise ValueError(
            "breaks must be at least two finite, increasing times, e.g. [0, 6, 12, 24]."
        )
    return b


def person_time(table: CountTable, breaks: npt.ArrayLike) -> FloatArray:
    """Time at risk within each interval ``[breaks[k], breaks[k+1])``, summed over patients.

    A patient entering at ``e`` and leaving at ``x`` is at risk on ``(e, x]``; their time in an
    interval ``[a, b)`` is ``clip(x - a, 0, b - a) - clip(e - a, 0, b - a)``. Grouping patients
    by exit and entry time makes this a sum over the count table.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> person_time(count_table([2.0, 5.0, 9.0], [1, 0, 1], entry=[0.0, 3.0, 0.0]), [0, 4, 10])
    array([7., 6.])
    """
    return _person_time(prepare(table), _check_breaks(breaks))


def _person_time(p: PreparedTable, b: FloatArray) -> FloatArray:
    start, width = b[:-1], np.diff(b)
    inside = np.clip(p.time[:, None] - start[None, :], 0.0, width[None, :])
    return (p.removed @ inside - p.entered @ inside).astype(np.float64)  # type: ignore[no-any-return]


def piecewise_hazard(
    table: CountTable, breaks: npt.ArrayLike, alpha: float = 0.05
) -> pd.DataFrame:
    """Piecewise-constant hazard: events / person-time per interval, exact Poisson interval.

    Interval ``k`` holds the events at times ``breaks[k] < t <= breaks[k+1]`` (the first also
    those at ``breaks[0]``) and the person-time of :func:`person_time`. Its hazard is the
    maximum-likelihood estimate of a piecewise-exponential model; the interval is Garwood's
    ``chi2.ppf(alpha/2, 2 d) / (2 PT)`` to ``chi2.ppf(1 - alpha/2, 2 (d + 1)) / (2 PT)``.

    Returns
    -------
    pandas.DataFrame
        ``start, end, events, person_time, hazard, ci_lower, ci_upper`` (hazard per one time
        unit of the table); an interval without person-time has NaN hazard and limits.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> h = piecewise_hazard(count_table([1.0, 2.0, 3.0, 8.0], [1, 1, 0, 1]), [0, 4, 10])
    >>> h[["events", "person_time", "hazard"]].to_numpy().tolist()
    [[2.0, 10.0, 0.2], [1.0, 4.0, 0.25]]
    """
    alpha = check_alpha(alpha)
    p = prepare(table)
    b = _check_breaks(breaks)
    pt = _person_time(p, b)
    # the interval of each time: (b[k], b[k+1]], the first closed at b[0]
    k = np.searchsorted(b, p.time, side="left") - 1
    k[p.time == b[0]] = 0
    ok = (k >= 0) & (k < b.size - 1)
    events = np.bincount(k[ok], weights=p.events[ok], minlength=b.size - 1)
    hazard = np.full(b.size - 1, np.nan)
    lower, upper = hazard.copy(), hazard.copy()
    at = pt > 0
    d = np.round(events[at])
    hazard[at] = d / pt[at]
    low, high = poisson_limits(d, alpha)
    lower[at] = low / pt[at]
    upper[at] = high / pt[at]
    return pd.DataFrame({
        "start": b[:-1], "end": b[1:], "events": events, "person_time": pt,
        "hazard": hazard, "ci_lower": lower, "ci_upper": upper,
    })


def nelson_aalen(table: CountTable) -> pd.DataFrame:
    """Nelson-Aalen cumulative hazard with the increments ``d / n`` at each event time.

    Returns
    -------
    pandas.DataFrame
        ``time, at_risk, events, increment, cumulative_hazard, variance``, one row per event
        time; ``variance`` is the cumulative ``sum d / n**2``. Ties count ``d / n`` (lifelines'
        ``nelson_aalen_smoothing=False``; R's ``survfit`` default).

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> nelson_aalen(count_table([1.0, 2.0, 2.0, 3.0], [1, 1, 1, 0]))["cumulative_hazard"].tolist()
    [0.25, 0.9166666666666666]
    """
    return _nelson_aalen(prepare(table))


def _nelson_aalen(p: PreparedTable) -> pd.DataFrame:
    rows = p.events > 0
    n, d = p.at_risk[rows], p.events[rows]
    increment = d / n
    return pd.DataFrame({
        "time": p.time[rows], "at_risk": n, "events": d, "increment": increment,
        "cumulative_hazard": np.cumsum(increment), "variance": np.cumsum(d / n**2),
    })


def _epanechnikov(u: FloatArray) -> FloatArray:
    """``0.75 (1 - u**2)`` for ``|u| < 1``, else 0 (in place: ``u`` is a scratch array)."""
    np.square(u, out=u)
    np.subtract(1.0, u, out=u)
    np.maximum(u, 0.0, out=u)
    u *= 0.75
    return u


def smoothed_hazard(
    table: CountTable, times: npt.ArrayLike, bandwidth: float, alpha: float = 0.05
) -> pd.DataFrame:
    """Kernel-smoothed hazard (Ramlau-Hansen) at ``times``, Epanechnikov kernel.

    ``h(t) = (1/b) sum_i K((t - t_i) / b) dH_i`` over the Nelson-Aalen increments, with
    ``Var h(t) = (1/b**2) sum_i K((t - t_i) / b)**2 d_i / n_i**2`` (Klein & Moeschberger,
    section 6.2) and the interval ``h exp(+/- z sd / h)``. No boundary correction: within one
    bandwidth of 0 and of the longest follow-up the estimate is biased downwards (column
    ``edge``), as in lifelines' ``smoothed_hazard_``.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> smoothed_hazard(count_table([1.0, 2.0, 3.0], [1, 1, 1]), [2.0], 2.0)["hazard"].round(4)
    0    0.5625
    Name: hazard, dtype: float64
    """
    z = z_value(alpha)
    t = check_times(times)
    b = float(bandwidth)
    if not (np.isfinite(b) and b > 0):
        raise ValueError(f"bandwidth must be a positive time, got {bandwidth!r}.")
    p = prepare(table)
    rows = p.events > 0
    n, d = p.at_risk[rows], p.events[rows]
    # Only event times within one bandwidth of a grid time carry weight (|u| < 1).
    near = (p.time[rows] > t.min() - b) & (p.time[rows] < t.max() + b)
    u = np.subtract.outer(t, p.time[rows][near])
    u /= b
    weights = _epanechnikov(u)
    hazard = weights @ (d / n)[near] / b
    np.square(weights, out=weights)
    variance = weights @ (d / n**2)[near] / b**2
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.exp(z * np.sqrt(variance) / hazard)
    positive = hazard > 0
    lower = np.where(positive, hazard / factor, 0.0)
    upper = np.where(positive, hazard * factor, 0.0)
    last = float(p.time.max())
    return pd.DataFrame({
        "time": t, "hazard": hazard, "ci_lower": lower, "ci_upper": upper,
        "edge": (t < b) | (t > last - b),
    })


def log_cumulative_hazard(km: pd.DataFrame) -> pd.DataFrame:
    """``log t`` and ``log(-log S(t))`` at the Kaplan-Meier steps with ``t > 0, 0 < S < 1``.

    On these axes a Weibull ``exp(-(t/scale)**shape)`` is the line ``shape (log t - log
    scale)`` and an exponential a line of slope 1; a bend shows where a constant-shape
    extrapolation would go wrong.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> from tracker.analytics.survival import kaplan_meier
    >>> km = kaplan_meier(count_table([1.0, 2.0, 4.0], [1, 1, 0]))
    >>> log_cumulative_hazard(km)["log_cumulative_hazard"].round(4).tolist()
    [-0.9027, 0.094]
    """
    time = km["time"].to_numpy(dtype=np.float64)
    s = km["survival"].to_numpy(dtype=np.float64)
    keep = (time > 0) & (s > 0) & (s < 1)
    if "events" in km.columns:
        keep &= km["events"].to_numpy() > 0  # rows of censorings only repeat the last value
    return pd.DataFrame({
        "time": time[keep],
        "log_time": np.log(time[keep]),
        "log_cumulative_hazard": np.log(-np.log(s[keep])),
    })
