"""Survival curves assumed by health-economic models.

An assumption is a mapping such as::

    {"endpoint": "OS", "distribution": "weibull",
     "parameters": {"scale": 14.0, "shape": 1.2}, "time_unit": "months"}

Supported distributions (``t`` in the spec's ``time_unit``):

=============  ======================  ===========================================
distribution   parameters              survival S(t)
=============  ======================  ===========================================
exponential    rate > 0                exp(-rate t)
weibull        scale > 0, shape > 0    exp(-(t / scale)^shape)
lognormal      mu, sigma > 0           1 - Phi((ln t - mu) / sigma), S(0) = 1
loglogistic    scale > 0, shape > 0    1 / (1 + (t / scale)^shape)
gompertz       rate > 0, shape         exp(-(rate / shape)(exp(shape t) - 1)),
                                       shape = 0 gives exp(-rate t)
points         see below               piecewise curve through given points
=============  ======================  ===========================================

A ``"points"`` spec is ``{"distribution": "points", "points": [[t, S], ...],
"interpolation": "step" | "linear", "time_unit": ...}``: times distinct and increasing,
survival in [0, 1] and non-increasing; ``S(0) = 1`` is implied when the first point has
``t > 0``. ``"step"`` (the default) is right-continuous: the value of the last point with
``t_i <= t``. ``"linear"`` interpolates S linearly between points. Beyond the last point
both hold the last value. A month is ``MONTH_DAYS = 30.4375`` days.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from tracker.analytics._common import FloatArray, check_times

__all__ = [
    "DISTRIBUTIONS",
    "MONTH_DAYS",
    "TIME_UNITS",
    "convert_time",
    "cumulative_hazard",
    "restricted_mean",
    "survival",
]

MONTH_DAYS = 30.4375
_GAUSS_LEGENDRE = np.polynomial.legendre.leggauss(48)
TIME_UNITS: dict[str, float] = {"days": 1.0, "months": MONTH_DAYS}  # length in days

#: Parameters of each parametric distribution (``points`` has no parameters).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "exponential": ("rate",),
    "weibull": ("scale", "shape"),
    "lognormal": ("mu", "sigma"),
    "loglogistic": ("scale", "shape"),
    "gompertz": ("rate", "shape"),
    "points": (),
}
_POSITIVE = {"rate", "scale", "sigma"}


def _unit_factor(unit: str, name: str) -> float:
    if unit not in TIME_UNITS:
        raise ValueError(f"{name} must be one of {sorted(TIME_UNITS)}, got {unit!r}.")
    return TIME_UNITS[unit]


@overload
def convert_time(values: float, from_unit: str, to_unit: str) -> float: ...
@overload
def convert_time(values: npt.ArrayLike, from_unit: str, to_unit: str) -> FloatArray: ...
def convert_time(values: Any, from_unit: str, to_unit: str) -> Any:
    """Convert times between ``"days"`` and ``"months"`` (1 month = 30.4375 days).

    A Python/NumPy scalar gives a float, anything else a float array.

    Examples
    --------
    >>> convert_time(12.0, "months", "days")
    365.25
    """
    factor = _unit_factor(from_unit, "from_unit") / _unit_factor(to_unit, "to_unit")
    if isinstance(values, int | float | np.number):
        return float(values) * factor
    return np.asarray(values, dtype=np.float64) * factor


def _params(spec: Mapping[str, Any]) -> tuple[str, dict[str, float]]:
    if not isinstance(spec, Mapping):
        raise ValueError(f"spec must be a mapping (parsed JSON), got {type(spec).__name__}.")
    dist = spec.get("distribution")
    if dist not in DISTRIBUTIONS:
        raise ValueError(f"unknown distribution {dist!r}; expected one of {sorted(DISTRIBUTIONS)}.")
    _unit_factor(spec.get("time_unit"), "spec['time_unit']")  # type: ignore[arg-type]
    if dist == "points":
        return dist, {}
    raw = spec.get("parameters")
    if not isinstance(raw, Mapping):
        raise ValueError(f"{dist} spec needs a 'parameters' mapping with {DISTRIBUTIONS[dist]}.")
    expected = set(DISTRIBUTIONS[dist])
    if set(raw) != expected:
        raise ValueError(
            f"{dist} parameters must be exactly {sorted(expected)}, got {sorted(raw)}; "
            "check the spelling and the parameterisation in the module docstring."
        )
    params: dict[str, float] = {}
    for key in sorted(expected):
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            raise ValueError(f"{dist} parameter {key!r} must be a finite number, got {value!r}.")
        if key in _POSITIVE or (key == "shape" and dist != "gompertz"):
            if value <= 0:
                raise ValueError(f"{dist} parameter {key!r} must be > 0, got {value!r}.")
        params[key] = float(value)
    return dist, params


def _points(spec: Mapping[str, Any]) -> tuple[FloatArray, FloatArray, str]:
    try:
        pts = np.asarray(spec.get("points", []), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"'points' must be a list of [time, survival] number pairs ({exc})."
        ) from exc
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] == 0:
        raise ValueError("'points' must be a non-empty list of [time, survival] pairs.")
    t, s = pts[:, 0], pts[:, 1]
    if not np.all(np.isfinite(pts)) or (t < 0).any() or (np.diff(t) <= 0).any():
        raise ValueError("point times must be finite, >= 0, distinct and increasing.")
    if (s < 0).any() or (s > 1).any() or (np.diff(s) > 0).any():
        raise ValueError("point survivals must lie in [0, 1] and be non-increasing in time.")
    interpolation = spec.get("interpolation", "step")
    if interpolation not in ("step", "linear"):
        raise ValueError(f"interpolation must be 'step' or 'linear', got {interpolation!r}.")
    if t[0] > 0:
        t, s = np.concatenate(([0.0], t)), np.concatenate(([1.0], s))
    return t, s, str(interpolation)


def _points_survival(spec: Mapping[str, Any], t: FloatArray) -> FloatArray:
    pt, ps, interpolation = _points(spec)
    if interpolation == "linear":
        return np.interp(t, pt, ps)
    # every t >= 0 = pt[0], so the index is never -1
    return ps[np.searchsorted(pt, t, side="right") - 1]


def _spec_times(spec: Mapping[str, Any], t: npt.ArrayLike, time_unit: str) -> FloatArray:
    times = np.asarray(t, dtype=np.float64)
    flat = check_times(times.ravel(), "t")
    return convert_time(flat, time_unit, spec["time_unit"]).reshape(times.shape)


def _cumhaz(dist: str, p: dict[str, float], t: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", over="ignore"):
        if dist == "exponential":
            return p["rate"] * t
        if dist == "weibull":
            return (t / p["scale"]) ** p["shape"]
        if dist == "loglogistic":
            return np.log1p((t / p["scale"]) ** p["shape"])
        if dist == "gompertz":
            shape = p["shape"]
            if shape == 0:
                return p["rate"] * t
            return p["rate"] * np.expm1(shape * t) / shape
        # lognormal
        z = (np.log(t) - p["mu"]) / p["sigma"]
        return -norm.logsf(z)


def _survival_in_spec_unit(
    spec: Mapping[str, Any], dist: str, params: dict[str, float], ts: FloatArray
) -> FloatArray:
    if dist == "points":
        return _points_survival(spec, ts)
    if dist == "lognormal":
        with np.errstate(divide="ignore"):
            return norm.sf((np.log(ts) - params["mu"]) / params["sigma"])
    return np.exp(-_cumhaz(dist, params, ts))


def survival(spec: Mapping[str, Any], t: npt.ArrayLike, time_unit: str = "months") -> FloatArray:
    """Assumed survival probability at times ``t`` (given in ``time_unit``).

    Examples
    --------
    >>> spec = {"distribution": "exponential", "parameters": {"rate": 0.1}, "time_unit": "months"}
    >>> survival(spec, [0.0, 10.0]).round(4).tolist()
    [1.0, 0.3679]
    """
    dist, params = _params(spec)
    return _survival_in_spec_unit(spec, dist, params, _spec_times(spec, t, time_unit))


def cumulative_hazard(
    spec: Mapping[str, Any], t: npt.ArrayLike, time_unit: str = "months"
) -> FloatArray:
    """Assumed cumulative hazard ``-log S(t)`` at times ``t`` (given in ``time_unit``).

    Closed forms are used (lognormal via ``scipy.stats.norm.logsf`` for numerical stability);
    where the survival is 0 the cumulative hazard is ``inf``.

    Examples
    --------
    >>> spec = {"distribution": "weibull", "parameters": {"scale": 10.0, "shape": 2.0},
    ...         "time_unit": "months"}
    >>> cumulative_hazard(spec, [5.0, 20.0]).tolist()
    [0.25, 4.0]
    """
    dist, params = _params(spec)
    ts = _spec_times(spec, t, time_unit)
    if dist == "points":
        with np.errstate(divide="ignore"):
            return -np.log(_points_survival(spec, ts))
    return _cumhaz(dist, params, ts) + 0.0  # + 0.0 turns -0.0 into 0.0


def _points_restricted_mean(spec: Mapping[str, Any], tau: float) -> float:
    pt, ps, interpolation = _points(spec)
    inside = pt < tau
    knots = np.append(pt[inside], tau)
    widths = np.diff(knots)
    left = ps[inside]
    if interpolation == "step":
        return float(np.dot(left, widths))
    right = _points_survival(spec, knots[1:])
    return float(np.dot(0.5 * (left + right), widths))


def restricted_mean(spec: Mapping[str, Any], tau: float, time_unit: str = "months") -> float:
    """Restricted mean survival ``integral_0^tau S(t) dt``, in ``time_unit``.

    Exact for ``points`` curves; composite 48-point Gauss-Legendre quadrature on geometrically
    refined segments for the parametric distributions.

    Examples
    --------
    >>> spec = {"distribution": "points", "points": [[6, 0.5]], "interpolation": "step",
    ...         "time_unit": "months"}
    >>> restricted_mean(spec, 12.0)
    9.0
    """
    dist, params = _params(spec)
    tau_spec = float(_spec_times(spec, [tau], time_unit)[0])
    if not np.isfinite(tau_spec):
        raise ValueError(f"tau must be finite, got {tau!r}.")
    if tau_spec == 0:
        return 0.0
    if dist == "points":
        value = _points_restricted_mean(spec, tau_spec)
    else:
        # Composite Gauss-Legendre on a geometric grid of segments, so that curves falling
        # quickly compared with tau (or with an infinite slope at 0, Weibull shape < 1) are
        # resolved; one vectorised evaluation of S instead of an adaptive loop.
        edges = np.concatenate(([0.0], tau_spec * np.logspace(-8, -1, 8), [tau_spec]))
        half = np.diff(edges)[:, None] / 2.0
        mid = (edges[:-1] + edges[1:])[:, None] / 2.0
        nodes, weights = _GAUSS_LEGENDRE
        points = (mid + half * nodes[None, :]).ravel()
        surv = _survival_in_spec_unit(spec, dist, params, points)
        value = float(np.dot(surv, (half * weights[None, :]).ravel()))
    return convert_time(float(value), spec["time_unit"], time_unit)
