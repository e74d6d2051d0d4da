"""Shared warning class and input guards for the analytics package.

The guards follow the lifelines style: invalid data raise :class:`ValueError` with a message
that says what is wrong, where, and how to fix it; valid but dubious data emit a
:class:`StatisticalWarning`.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
from scipy.special import gammaincinv, ndtri

FloatArray = npt.NDArray[np.float64]

#: The columns of a count table, in order.
COUNT_COLUMNS: tuple[str, ...] = ("time", "events", "censored", "entered")

#: The columns of a Kaplan-Meier result, in order.
KM_COLUMNS: tuple[str, ...] = (
    "time",
    "at_risk",
    "events",
    "censored",
    "survival",
    "ci_lower",
    "ci_upper",
)


class StatisticalWarning(UserWarning):
    """Warning for data that are valid but make a statistical result fragile or dubious."""


def warn(message: str) -> None:
    """Emit a :class:`StatisticalWarning` attributed to the caller of the public function."""
    warnings.warn(message, StatisticalWarning, stacklevel=3)


def describe_indices(mask: npt.NDArray[np.bool_], limit: int = 5) -> str:
    """Describe which positions of ``mask`` are True, e.g. ``"3 rows (indices 0, 4, 9)"``."""
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(i) for i in idx[:limit])
    more = f", ... ({idx.size - limit} more)" if idx.size > limit else ""
    noun = "row" if idx.size == 1 else "rows"
    return f"{idx.size} {noun} (index {shown}{more})"


def as_float_array(values: npt.ArrayLike, name: str) -> FloatArray:
    """Convert ``values`` to a 1-d float array, rejecting NaN and non-numeric input."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be numeric; convert it with pd.to_numeric(...) first ({exc})."
        ) from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}.")
    nan = np.isnan(arr)
    if nan.any():
        raise ValueError(
            f"{name} contains NaN in {describe_indices(nan)}. Drop or impute those patients "
            "before estimating; missing times cannot be treated as censored automatically."
        )
    return arr


def check_times(values: npt.ArrayLike, name: str = "times") -> FloatArray:
    """Validate evaluation times: finite or +inf, non-negative."""
    arr = as_float_array(values, name)
    bad = (arr < 0) | np.isneginf(arr)
    if bad.any():
        raise ValueError(
            f"{name} must be >= 0 (time since treatment start); {describe_indices(bad)} "
            "is negative."
        )
    return arr


def check_alpha(alpha: float) -> float:
    """Validate a significance level and return it as float."""
    alpha = float(alpha)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be strictly between 0 and 1 (e.g. 0.05), got {alpha}.")
    return alpha


def z_value(alpha: float) -> float:
    """Two-sided standard normal quantile for level ``alpha`` (``norm.ppf(1 - alpha / 2)``).

    ``scipy.special.ndtri`` is what ``scipy.stats.norm.ppf`` evaluates, without the
    distribution machinery's argument checks (a few microseconds instead of 60).
    """
    return float(ndtri(1.0 - check_alpha(alpha) / 2.0))


def poisson_limits(count: npt.ArrayLike, alpha: float) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) ``1 - alpha`` limits for a Poisson mean, given the observed ``count``.

    ``chi2.ppf(alpha / 2, 2 d) / 2`` (0 for ``d = 0``) and ``chi2.ppf(1 - alpha / 2, 2 (d + 1))
    / 2``, evaluated as ``gammaincinv(d, q)``: the same function ``scipy.stats.chi2.ppf``
    evaluates (``chi2.ppf(q, 2 d) = 2 gammaincinv(d, q)``), for whole arrays at once.

    Examples
    --------
    >>> lower, upper = poisson_limits([0, 10], 0.05)
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 4.7954], [3.6889, 18.3904])
    """
    d = np.asarray(count, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # gammaincinv(0, q) is undefined: the limit is 0
        lower = np.where(d > 0, gammaincinv(np.maximum(d, 1.0), alpha / 2.0), 0.0)
    upper = np.asarray(gammaincinv(d + 1.0, 1.0 - alpha / 2.0), dtype=np.float64)
    return lower, upper


def loglog_band(
    survival: FloatArray, greenwood: FloatArray, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Pointwise log(-log) ("exponential Greenwood") confidence band.

    ``greenwood`` is the cumulative Greenwood sum ``sum d / (n (n - d))`` (without the S**2
    factor). Where ``survival == 1`` the band is ``[1, 1]`` and where ``survival == 0`` it is
    ``[0, 0]`` (the transform is undefined at both ends; this matches lifelines).
    """
    z = z_value(alpha)
    lower = survival.copy()
    upper = survival.copy()
    inner = (survival > 0.0) & (survival < 1.0)
    log_s = np.log(survival[inner])
    half_width = z * np.sqrt(greenwood[inner]) / np.abs(log_s)
    # lower band: larger cumulative hazard -log S
    lower[inner] = np.exp(log_s * np.exp(half_width))
    upper[inner] = np.exp(log_s * np.exp(-half_width))
    return lower, upper
