"""Data maturity: is there enough follow-up to decide, now and by the review date?

* :func:`median_follow_up` -- the reverse Kaplan-Meier median (censoring as the event, events as
  censoring): the median *potential* follow-up, which does not shrink because patients die;
* :func:`project` -- the events expected among the patients still followed, between the data cut
  and the review date, under the assumed curve, and the follow-up they would add;
* :func:`classify` -- the maturity rule and its code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tracker.analytics.counts import CountTable, prepare
from tracker.analytics.parametric import AssumedCurve
from tracker.analytics.survival import kaplan_meier

__all__ = ["MATURITY_RULES", "classify", "median_follow_up", "project", "reverse_kaplan_meier"]

#: The codes of :func:`classify`.
MATURITY_RULES: tuple[str, ...] = (
    "mature", "few_events", "short_follow_up", "few_events_short_follow_up",
)


def reverse_kaplan_meier(table: CountTable) -> pd.DataFrame:
    """Kaplan-Meier of the follow-up distribution: censorings are the events, events censor.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> reverse_kaplan_meier(count_table([1.0, 2.0, 3.0], [1, 0, 0]))["survival"].tolist()
    [1.0, 1.0, 0.5, 0.0]
    """
    p = prepare(table)
    swapped = pd.DataFrame({
        "time": p.time, "events": p.censored, "censored": p.events, "entered": p.entered,
    })
    return kaplan_meier(swapped)


def median_follow_up(table: CountTable) -> float | None:
    """Median follow-up by the reverse Kaplan-Meier method (None if it never falls to 0.5).

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> median_follow_up(count_table([1.0, 2.0, 3.0, 4.0], [1, 0, 0, 0]))
    3.0
    """
    p = prepare(table)
    # the product-limit of the censorings (events censor), as reverse_kaplan_meier computes it
    factor = np.ones_like(p.at_risk)
    np.divide(p.at_risk - p.censored, p.at_risk, out=factor, where=p.at_risk > 0)
    curve = np.cumprod(factor)
    hits = np.flatnonzero(curve <= 0.5 + 1e-12)  # the tolerance of median_survival
    return float(p.time[hits[0]]) if hits.size else None


def project(
    table: CountTable, curve: AssumedCurve, horizon: float, time_unit: str
) -> dict[str, float | None]:
    """What the patients still followed add by ``horizon`` more time units, under ``curve``.

    Each patient censored at ``x`` is alive at ``x``; under the assumed curve they have the
    event by ``x + horizon`` with probability ``1 - S(x + horizon) / S(x)`` and add
    ``integral_x^(x + horizon) S(u) du / S(x)`` of follow-up. This assumes every censored
    patient is still followed (administrative censoring at the data cut) and no new patients
    start.

    Returns
    -------
    dict
        ``expected_events`` (None if the assumed curve is 0 where patients are still alive),
        ``person_time_now`` and ``person_time_added``.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> exp = AssumedCurve.from_spec({"distribution": "exponential", "time_unit": "months",
    ...                               "parameters": {"rate": math.log(2) / 6}})
    >>> out = project(count_table([3.0, 6.0], [1, 0]), exp, 6.0, "months")
    >>> round(out["expected_events"], 6), out["person_time_now"]
    (0.5, 9.0)
    """
    p = prepare(table)
    h = float(horizon)
    if not (np.isfinite(h) and h >= 0):
        raise ValueError(f"horizon must be a finite time >= 0, got {horizon!r}.")
    person_time_now = float(p.removed @ p.time - p.entered @ p.time)
    rows = p.censored > 0
    x, c = p.time[rows], p.censored[rows]
    if h == 0 or not rows.any():
        return {"expected_events": 0.0, "person_time_now": person_time_now,
                "person_time_added": 0.0}
    s_now = curve.survival(x, time_unit)
    if (s_now <= 0).any():
        return {"expected_events": None, "person_time_now": person_time_now,
                "person_time_added": None}
    s_then = curve.survival(x + h, time_unit)
    added = curve.area(x, x + h, time_unit) / s_now
    return {
        "expected_events": float(c @ (1.0 - s_then / s_now)),
        "person_time_now": person_time_now,
        "person_time_added": float(c @ added),
    }


def classify(
    *, events: float, median_follow_up: float | None, max_follow_up: float,
    first_landmark: float, min_events: int = 20,
) -> dict[str, Any]:
    """The maturity rule: at least ``min_events`` events and a median follow-up (reverse
    Kaplan-Meier; the longest follow-up when that median is not reached) of at least the first
    landmark.

    Examples
    --------
    >>> classify(events=12, median_follow_up=14.0, max_follow_up=30.0, first_landmark=12.0)
    {'rule': 'few_events', 'immature': True, 'follow_up': 14.0}
    """
    follow_up = max_follow_up if median_follow_up is None else float(median_follow_up)
    few = events < min_events
    short = follow_up < first_landmark or math.isnan(follow_up)
    if few and short:
        rule = "few_events_short_follow_up"
    elif few:
        rule = "few_events"
    elif short:
        rule = "short_follow_up"
    else:
        rule = "mature"
    return {"rule": rule, "immature": rule != "mature", "follow_up": follow_up}
