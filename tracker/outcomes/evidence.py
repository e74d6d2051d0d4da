"""The blocks of the outcomes answer beyond the survival curve: hazards, the log-cumulative-hazard
plot, the extrapolation check and data maturity, each built from the count table the answer
uses (exact, or rounded for readers without small-count access) and the parsed assumed curve.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from pydantic import TypeAdapter

from tracker.analytics import extrapolation, hazards, maturity
from tracker.analytics.counts import CountTable, prepare
from tracker.analytics.parametric import AssumedCurve, convert_time
from tracker.outcomes import schemas as s
from tracker.outcomes import wording

HAZARD_STEP_MONTHS = 6.0
MIN_HAZARD_INTERVALS = 4
SMOOTHING_POINTS = 101
BANDWIDTH_FRACTION = 1.0 / 8.0
LOG_POINTS = 100
LOG_POINTS_DRAWN = 300
EXTRAPOLATION_POINTS = 121
MIN_EVENTS = 20

Hide = Callable[[Any], int | None]
# Lists are validated in one call each: a few hundred points per answer.
_INTERVALS = TypeAdapter(list[s.HazardInterval])
_POINTS = TypeAdapter(list[s.HazardPoint])
_LOG_POINTS = TypeAdapter(list[s.LogPoint])
_CURVE = TypeAdapter(list[s.CurvePoint])


def _floats(values: Any) -> list[float | None]:
    arr = np.asarray(values, dtype=np.float64)
    out: list[float | None] = arr.tolist()
    for i in np.flatnonzero(~np.isfinite(arr)).tolist():
        out[i] = None
    return out


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _covered(curve: AssumedCurve, end: float, unit: str) -> bool:
    return end <= curve.covers_until(unit)


def hazard_block(
    table: CountTable, curve: AssumedCurve | None, unit: str, max_follow_up: float,
    hide: Hide,
) -> s.Hazards | None:
    """Piecewise hazard per interval and the smoothed hazard, each beside the assumed hazard."""
    if max_follow_up <= 0:
        return None
    step = convert_time(HAZARD_STEP_MONTHS, "months", unit)
    while max_follow_up / step < MIN_HAZARD_INTERVALS and step > convert_time(1.0, "months", unit):
        step /= 2.0
    breaks = np.arange(0.0, max_follow_up, step)
    breaks = np.append(breaks, max_follow_up)
    pieces = hazards.piecewise_hazard(table, breaks)
    starts, ends = pieces["start"].to_numpy(), pieces["end"].to_numpy()
    assumed = np.full(starts.size, np.nan)
    if curve is not None:
        covered = ends <= curve.covers_until(unit)
        with np.errstate(invalid="ignore"):
            average = (curve.cumulative_hazard(ends, unit) - curve.cumulative_hazard(starts, unit)
                       ) / (ends - starts)
        assumed = np.where(covered, average, np.nan)
    intervals = _INTERVALS.validate_python([
        {"start": a, "end": b, "events": hide(d), "person_time": pt, "hazard": h,
         "ci_lower": lo, "ci_upper": hi, "assumed": av}
        for a, b, d, pt, h, lo, hi, av in zip(
            starts.tolist(), ends.tolist(), pieces["events"].tolist(),
            pieces["person_time"].tolist(), _floats(pieces["hazard"]),
            _floats(pieces["ci_lower"]), _floats(pieces["ci_upper"]), _floats(assumed),
            strict=True)
    ])
    bandwidth = max_follow_up * BANDWIDTH_FRACTION
    grid = np.linspace(0.0, max_follow_up, SMOOTHING_POINTS)
    smooth = hazards.smoothed_hazard(table, grid, bandwidth)
    assumed_h = (curve.hazard(grid, unit) if curve is not None else np.full(grid.size, np.nan))
    if curve is not None:
        assumed_h = np.where(grid <= curve.covers_until(unit), assumed_h, np.nan)
    points = _POINTS.validate_python([
        {"time": t, "hazard": h, "ci_lower": lo, "ci_upper": hi, "edge": edge, "assumed": a}
        for t, h, lo, hi, edge, a in zip(
            grid.tolist(), _floats(smooth["hazard"]), _floats(smooth["ci_lower"]),
            _floats(smooth["ci_upper"]), smooth["edge"].tolist(), _floats(assumed_h),
            strict=True)
    ])
    return s.Hazards(interval_length=float(step), intervals=intervals, bandwidth=bandwidth,
                     smoothed=points)


def log_cumulative_hazard_block(
    km: pd.DataFrame, curve: AssumedCurve | None, unit: str, max_follow_up: float
) -> s.LogCumulativeHazard:
    """log(-log S) against log t, observed (thinned for drawing) and assumed."""
    frame = hazards.log_cumulative_hazard(km)
    times, log_times, values = (frame[c].to_numpy()
                                for c in ("time", "log_time", "log_cumulative_hazard"))
    observed: list[s.LogPoint] = []
    if times.size:
        keep = _spread_out(log_times, values)
        observed = _LOG_POINTS.validate_python([
            {"time": t, "log_time": lt, "log_cumulative_hazard": v}
            for t, lt, v in zip(times[keep].tolist(), log_times[keep].tolist(),
                                values[keep].tolist(), strict=True)
        ])
    assumed: list[s.LogPoint] = []
    slope = None
    if curve is not None:
        start = float(times[0]) if times.size else max_follow_up / 1000.0
        end = min(max_follow_up, curve.covers_until(unit))
        if end > start > 0:
            grid = np.geomspace(start, end, LOG_POINTS)
            cum = curve.cumulative_hazard(grid, unit)
            ok = (cum > 0) & np.isfinite(cum)
            assumed = _LOG_POINTS.validate_python([
                {"time": t, "log_time": lt, "log_cumulative_hazard": v}
                for t, lt, v in zip(grid[ok].tolist(), np.log(grid[ok]).tolist(),
                                    np.log(cum[ok]).tolist(), strict=True)
            ])
        if curve.distribution == "weibull":
            slope = float(curve.parameters["shape"])
        elif curve.distribution == "exponential":
            slope = 1.0
    return s.LogCumulativeHazard(observed=observed, assumed=assumed, assumed_slope=slope)


def _spread_out(x: Any, y: Any) -> Any:
    """Indices of at most about LOG_POINTS_DRAWN points evenly spread along the drawn line
    (distance on both axes scaled to their ranges), always with the first and last."""
    if x.size <= LOG_POINTS_DRAWN:
        return np.arange(x.size)
    scaled = np.column_stack(((x - x.min()) / (np.ptp(x) or 1.0),
                              (y - y.min()) / (np.ptp(y) or 1.0)))
    along = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(scaled, axis=0).T))))
    bins = np.floor(along / (along[-1] / LOG_POINTS_DRAWN)) if along[-1] > 0 else along
    first = np.unique(bins, return_index=True)[1]
    return np.unique(np.append(first, x.size - 1))


def extrapolation_block(
    km: pd.DataFrame, curve: AssumedCurve, unit: str, max_follow_up: float
) -> s.Extrapolation | None:
    """The assumed mean against the observed and assumed RMST to the longest follow-up."""
    if max_follow_up <= 0:
        return None
    result = extrapolation.check(km, curve, max_follow_up, unit)
    horizon = result["horizon"]
    end = horizon if math.isfinite(horizon) else (
        curve.quantile(0.01, unit) or convert_time(
            extrapolation.HORIZON_CAP_YEARS * 12.0, "months", unit))
    end = max(end, 2.0 * max_follow_up)
    if math.isfinite(horizon):
        end = min(end, horizon)
    grid = np.unique(np.append(np.linspace(0.0, end, EXTRAPOLATION_POINTS), max_follow_up))
    values = curve.survival(grid, unit)
    texts = {lang: wording.extrapolation_text(result["rule"], result, lang=lang, time_unit=unit)
             for lang in ("en", "nb")}
    r = result["observed_rmst"]
    return s.Extrapolation(
        rule=result["rule"], text=texts["en"], text_nb=texts["nb"], tau=result["tau"],
        horizon=_num(horizon), horizon_rule=result["horizon_rule"],
        assumed_mean=result["assumed_mean"],
        observed_rmst=s.RmstValue(rmst=r["rmst"], se=_num(r["se"]), ci_lower=_num(r["ci_lower"]),
                                  ci_upper=_num(r["ci_upper"])),
        assumed_rmst=result["assumed_rmst"],
        observed_survival=result["observed_survival"],
        assumed_survival=result["assumed_survival"],
        assumed_tail=_num(result["assumed_tail"]), required_tail=_num(result["required_tail"]),
        share_beyond=_num(result["share_beyond"]),
        required_hazard=_num(result["required_hazard"]),
        assumed_hazard=_num(result["assumed_hazard"]),
        assumed_hazard_at_tau=_num(result["assumed_hazard_at_tau"]),
        curve=_CURVE.validate_python([
            {"time": t, "survival": v, "extrapolated": t > max_follow_up}
            for t, v in zip(grid.tolist(), values.tolist(), strict=True)
        ]),
    )


def _status(rule: dict[str, Any], events: float, first_landmark: float, unit: str,
            at_review: bool) -> s.MaturityStatus:
    numbers = {"events": events, "min_events": MIN_EVENTS, "follow_up": rule["follow_up"],
               "first_landmark": first_landmark}
    texts = {lang: wording.maturity_text(rule["rule"], numbers, lang=lang, time_unit=unit,
                                         at_review=at_review) for lang in ("en", "nb")}
    return s.MaturityStatus(rule=rule["rule"], immature=rule["immature"], events=events,
                            follow_up=rule["follow_up"], text=texts["en"], text_nb=texts["nb"])


def maturity_block(
    *, table: CountTable, curve: AssumedCurve | None, unit: str, n_patients: int,
    events: int, max_follow_up: float, first_landmark: float, data_cut: date,
    review_date: date, completeness: list[s.Completeness], hide: Hide,
) -> s.Maturity:
    """Events, follow-up and patients at risk now, and what the review date will bring."""
    median_fu = maturity.median_follow_up(table)
    delta = convert_time(float(max((review_date - data_cut).days, 0)), "days", unit)
    projection: dict[str, float | None] = {"expected_events": None, "person_time_added": None}
    if curve is not None and _covered(curve, max_follow_up + delta, unit):
        projection = maturity.project(table, curve, delta, unit)
    person_time = _person_time(table)
    now = maturity.classify(events=events, median_follow_up=median_fu,
                            max_follow_up=max_follow_up, first_landmark=first_landmark,
                            min_events=MIN_EVENTS)
    expected = projection["expected_events"]
    at_review = None
    median_then = None if median_fu is None else median_fu + delta
    if expected is not None:
        rule = maturity.classify(
            events=events + expected, median_follow_up=median_then,
            max_follow_up=max_follow_up + delta, first_landmark=first_landmark,
            min_events=MIN_EVENTS)
        at_review = _status(rule, events + expected, first_landmark, unit, at_review=True)
    added = projection["person_time_added"]
    return s.Maturity(
        n_patients=hide(n_patients), events=hide(events),
        event_share=events / n_patients if n_patients else None,
        median_follow_up=median_fu, still_at_risk=hide(n_patients - events),
        person_time=person_time, data_cut=data_cut, review_date=review_date,
        time_to_review=delta, expected_events_by_review=expected,
        events_by_review=None if expected is None else events + expected,
        person_time_by_review=None if added is None else person_time + added,
        median_follow_up_by_review=median_then, min_events=MIN_EVENTS,
        first_landmark=first_landmark,
        now=_status(now, float(events), first_landmark, unit, at_review=False),
        at_review=at_review,
        warning=at_review.immature if at_review is not None else now["immature"],
        completeness=completeness,
    )


def _person_time(table: CountTable) -> float:
    p = prepare(table)
    return float(hazards.person_time(p, [0.0, float(p.time[-1]) + 1.0])[0])

