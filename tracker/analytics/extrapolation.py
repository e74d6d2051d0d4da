"""The extrapolation check: how much of the model's mean survival lies beyond the data.

A health-economic model values a method by the area under its assumed curve over the model's
horizon, most of which is usually beyond any follow-up. The check sets the observed restricted
mean (to the longest follow-up ``tau``) beside the assumed one to the same ``tau`` and beside the
assumed mean, and says what the rest of the curve would have to do for the model's mean to hold:
the area it must add after ``tau`` and the constant hazard from the observed ``S(tau)`` that adds
exactly that area.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from tracker.analytics.parametric import AssumedCurve, convert_time
from tracker.analytics.survival import rmst

__all__ = ["CHECK_RULES", "HORIZON_CAP_YEARS", "constant_hazard_for_area", "model_horizon",
           "check"]

#: Horizon used when the assumed mean diverges (a cure curve, a log-logistic of shape <= 1).
HORIZON_CAP_YEARS = 40.0

#: The codes of :func:`check`.
CHECK_RULES: tuple[str, ...] = (
    "already_reached", "needs_constant_hazard", "cannot_hold", "within_follow_up",
)


def model_horizon(curve: AssumedCurve, time_unit: str) -> tuple[float, str]:
    """The horizon over which the assumed mean is taken, and the rule that chose it.

    ``"lifetime"`` (inf) when the assumed mean is finite; ``"curve_end"`` (the last point) for
    a ``points`` curve, which assumes nothing after it; ``"capped"`` (``HORIZON_CAP_YEARS``)
    when the mean diverges.

    Examples
    --------
    >>> model_horizon(AssumedCurve.from_spec({"distribution": "exponential",
    ...     "time_unit": "months", "parameters": {"rate": 0.1}}), "months")
    (inf, 'lifetime')
    """
    if curve.distribution == "points":
        end = convert_time(float(curve.point_times[-1]), curve.unit, time_unit)
        return end, "curve_end"
    if math.isfinite(curve.mean(time_unit)):
        return math.inf, "lifetime"
    return convert_time(HORIZON_CAP_YEARS * 12.0, "months", time_unit), "capped"


def constant_hazard_for_area(start: float, area: float, length: float) -> float | None:
    """The constant hazard ``lam`` with ``start (1 - exp(-lam length)) / lam == area``.

    A curve at ``start`` falling at a constant hazard for ``length`` (inf: for ever) has that
    area under it. None when no such hazard exists: ``area >= start * length`` (even no more
    events would not give it) or ``area <= 0``.

    Examples
    --------
    >>> constant_hazard_for_area(0.5, 5.0, math.inf)
    0.1
    """
    if area <= 0 or start <= 0:
        return None
    if math.isinf(length):
        return start / area
    if area >= start * length:
        return None

    def gap(log_lam: float) -> float:
        lam = math.exp(log_lam)
        return start * -math.expm1(-lam * length) / lam - area

    low, high = -60.0, 60.0
    return math.exp(brentq(gap, low, high, xtol=1e-14, rtol=1e-13))


def check(
    km: pd.DataFrame, curve: AssumedCurve, tau: float, time_unit: str,
) -> dict[str, Any]:
    """Observed against assumed area to ``tau``, the assumed mean, and what the tail must do.

    Parameters
    ----------
    km : pandas.DataFrame
        Result of ``kaplan_meier``.
    curve : AssumedCurve
        The assumed curve.
    tau : float
        The longest follow-up (> 0), in ``time_unit``.

    Returns
    -------
    dict
        ``tau, horizon, horizon_rule, assumed_mean, observed_rmst (rmst, se, ci_lower,
        ci_upper), assumed_rmst, observed_survival, assumed_survival, assumed_tail (assumed
        area after tau), required_tail (the area after tau the model's mean needs given the
        data), share_beyond (assumed_tail / assumed_mean), required_hazard and assumed_hazard
        (the constant hazards from S(tau) that give those areas), assumed_hazard_at_tau`` and
        ``rule`` (one of :data:`CHECK_RULES`). With a horizon within the follow-up (a points
        curve that ends early) the areas are to the horizon and the tail fields are None.
    """
    horizon, horizon_rule = model_horizon(curve, time_unit)
    end = min(float(tau), horizon)
    observed = rmst(km, end)
    assumed_rmst = curve.restricted_mean(end, time_unit)
    if math.isinf(horizon):
        assumed_mean = curve.mean(time_unit)
    else:
        assumed_mean = curve.restricted_mean(horizon, time_unit)
    # the step function at `end` (the value after the events there), as survival_at reads it
    steps = km["time"].to_numpy(dtype=np.float64)
    s_obs = float(km["survival"].to_numpy()[np.searchsorted(steps, end, side="right") - 1])
    s_ass = float(curve.survival([end], time_unit)[0])
    out: dict[str, Any] = {
        "tau": end, "horizon": horizon, "horizon_rule": horizon_rule,
        "assumed_mean": assumed_mean, "observed_rmst": observed, "assumed_rmst": assumed_rmst,
        "observed_survival": s_obs, "assumed_survival": s_ass,
        "assumed_tail": None, "required_tail": None, "share_beyond": None,
        "required_hazard": None, "assumed_hazard": None,
        "assumed_hazard_at_tau": _finite(float(curve.hazard([end], time_unit)[0])),
    }
    if horizon <= tau:
        out["rule"] = "within_follow_up"
        return out
    length = horizon - end
    assumed_tail = assumed_mean - assumed_rmst
    required_tail = assumed_mean - observed["rmst"]
    out.update({
        "assumed_tail": assumed_tail,
        "required_tail": required_tail,
        "share_beyond": assumed_tail / assumed_mean if assumed_mean > 0 else None,
        "required_hazard": constant_hazard_for_area(s_obs, required_tail, length),
        "assumed_hazard": constant_hazard_for_area(s_ass, assumed_tail, length),
    })
    if required_tail <= 0:
        out["rule"] = "already_reached"
    elif out["required_hazard"] is None:
        out["rule"] = "cannot_hold"
    else:
        out["rule"] = "needs_constant_hazard"
    return out


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None
