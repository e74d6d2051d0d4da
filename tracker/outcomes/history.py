"""The evidence over time: every delivery's verdict, and O/E over calendar time.

Data cut by data cut, each delivery of the endpoint's source (superseded ones included) is
compared with the assumed curve the same way as the current one (`analysis.compare`). Within the
current delivery, the one-sample O/E is recomputed at the end of every quarter as if the data had
been cut then: each course followed from its start up to that date. Both use the count table the
reader may see (rounded for readers without small-count access).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from tracker.analytics import comparison
from tracker.analytics.counts import truncate
from tracker.analytics.parametric import AssumedCurve, convert_time
from tracker.feeds.models import FeedDelivery
from tracker.outcomes import analysis, records
from tracker.outcomes import schemas as s

MAX_CALENDAR_POINTS = 40
_CALENDAR: records.Kept[list[s.CalendarPoint]] = records.Kept()


def _ref(delivery: FeedDelivery, source_code: str) -> s.DeliveryRef:
    assert delivery.id is not None
    return s.DeliveryRef(id=delivery.id, source=source_code, data_cut=delivery.data_cut,
                         file_name=delivery.file_name)


def _evidence(
    delivery: FeedDelivery, source_code: str, c: analysis.Comparison | None, *, endpoint: str,
    unit: str, suppress: bool, current: bool, verdict: s.Verdict | None = None,
) -> s.DeliveryEvidence:
    if c is None:
        return s.DeliveryEvidence(
            delivery=_ref(delivery, source_code), current=current,
            superseded_at=delivery.superseded_at, suppressed=True, n_patients=None,
            n_events=None, max_follow_up=None, one_sample_logrank=None, landmarks=[],
            verdict=None)
    return s.DeliveryEvidence(
        delivery=_ref(delivery, source_code), current=current,
        superseded_at=delivery.superseded_at, suppressed=False,
        n_patients=analysis.hide(c.n_patients, suppress),
        n_events=analysis.hide(c.events, suppress), max_follow_up=c.max_follow_up,
        one_sample_logrank=c.logrank, landmarks=c.landmarks,
        verdict=verdict or analysis.verdict(c, endpoint, unit),
    )


def deliveries(
    session: Session, *, found: list[FeedDelivery], source_id: int, source_code: str,
    current: FeedDelivery, current_comparison: analysis.Comparison,
    current_verdict: s.Verdict, endpoint: str,
    filters: Mapping[str, Any], curve: AssumedCurve | None, landmark_times: list[float],
    unit: str, suppress: bool,
) -> list[s.DeliveryEvidence]:
    """Every delivery of the source (of the introduction's ``found``), oldest data cut first,
    each compared like the current."""
    found = [d for d in found if d.data_source_id == source_id]
    out = []
    for delivery in sorted(found, key=lambda d: (d.data_cut, d.id or 0)):
        if delivery.id == current.id:
            out.append(_evidence(delivery, source_code, current_comparison, endpoint=endpoint,
                                 unit=unit, suppress=suppress, current=True,
                                 verdict=current_verdict))
            continue
        assert delivery.id is not None
        table = records.count_table(session, delivery, endpoint, filters, unit)
        n = int(table["events"].sum() + table["censored"].sum()) if len(table) else 0
        c = None
        if n > 0 and not (suppress and n < analysis.MIN_CELL):
            c = analysis.compare(analysis.table_for(table, suppress), curve, landmark_times,
                                 unit, suppress)
        out.append(_evidence(delivery, source_code, c, endpoint=endpoint, unit=unit,
                             suppress=suppress, current=False))
    return out


def quarter_ends(first: date, last: date) -> list[date]:
    """The last day of every quarter from ``first``'s quarter up to ``last``, then ``last``.

    Examples
    --------
    >>> [d.isoformat() for d in quarter_ends(date(2024, 2, 10), date(2024, 8, 1))]
    ['2024-03-31', '2024-06-30', '2024-08-01']
    """
    out = []
    year, quarter = first.year, (first.month - 1) // 3
    while True:
        month = 3 * quarter + 4
        end = date(year + (month > 12), (month - 1) % 12 + 1, 1) - timedelta(days=1)
        if end >= last:
            break
        out.append(end)
        quarter += 1
        if quarter == 4:
            year, quarter = year + 1, 0
    out.append(last)
    if len(out) > MAX_CALENDAR_POINTS:  # long follow-up: thin evenly, keep the data cut
        keep = np.unique(np.linspace(0, len(out) - 1, MAX_CALENDAR_POINTS).round().astype(int))
        out = [out[i] for i in keep]
    return out


def _day_table(
    exit_days: np.ndarray, event: np.ndarray, entry: np.ndarray, weight: np.ndarray, unit: str
) -> pd.DataFrame:
    """A count table from grouped courses in whole days (exit, event, entry, how many)."""
    size = int(max(exit_days.max(initial=0), entry.max(initial=0))) + 1
    exits = np.bincount(exit_days, weights=weight, minlength=size)
    events = np.bincount(exit_days, weights=weight * event, minlength=size)
    entered = np.bincount(entry, weights=weight, minlength=size)
    times = np.flatnonzero((exits > 0) | (entered > 0))
    return pd.DataFrame({
        "time": convert_time(times.astype(np.float64), "days", unit),
        "events": np.rint(events[times]).astype(np.int64),
        "censored": np.rint(exits[times] - events[times]).astype(np.int64),
        "entered": np.rint(entered[times]).astype(np.int64),
    })


def _point(when: date, groups: dict[str, np.ndarray], curve: AssumedCurve, unit: str,
           suppress: bool) -> s.CalendarPoint:
    # ``groups`` are sorted by start: those started before `when` are a prefix.
    day = records.epoch_day(when)
    started = int(np.searchsorted(groups["start"], day, side="left"))
    g = {name: values[:started] for name, values in groups.items()}
    followed = day - g["start"]  # follow-up available at `when`, > 0
    exit_days = np.minimum(g["days"], followed)
    entry = g["entry"]
    keep = (entry == 0) | (entry < exit_days)
    empty = s.CalendarPoint(date=when, observed=None, expected=None, ratio=None, ratio_ci=None)
    n = int(g["count"][keep].sum())
    if n == 0 or (suppress and n < analysis.MIN_CELL):
        return empty
    event = (g["event"][keep] == 1) & (g["days"][keep] <= followed[keep])
    table = _day_table(exit_days[keep], event.astype(np.float64), entry[keep],
                       g["count"][keep].astype(np.float64), unit)
    table = analysis.table_for(table, suppress)
    covers = curve.covers_until(unit)
    if covers < float(table["time"].max()):
        table = truncate(table, covers)
    try:
        result = comparison.one_sample_logrank(
            table, lambda t: curve.cumulative_hazard(t, time_unit=unit))
    except ValueError:
        return empty
    lo, hi = result["ratio_ci"]
    return s.CalendarPoint(date=when, observed=result["observed"], expected=result["expected"],
                           ratio=result["ratio"], ratio_ci=(float(lo), float(hi)))


def calendar(
    session: Session, *, delivery: FeedDelivery, endpoint: str, filters: Mapping[str, Any],
    curve: AssumedCurve | None, spec: Mapping[str, Any] | None, unit: str, suppress: bool,
) -> list[s.CalendarPoint]:
    """Cumulative O/E of the delivery at every quarter's end up to its data cut."""
    if curve is None:
        return []
    key = (records.delivery_key(delivery), endpoint, tuple(sorted(filters.items())),
           json.dumps(spec, sort_keys=True, default=str), unit, suppress)

    def compute() -> list[s.CalendarPoint]:
        assert delivery.id is not None
        groups = records.courses(session, delivery.id, endpoint, filters)
        if groups["start"].size == 0:
            return []
        order = np.argsort(groups["start"], kind="stable")
        groups = {name: values[order] for name, values in groups.items()}
        first = date(1970, 1, 1) + timedelta(days=int(groups["start"].min()))
        return [_point(when, groups, curve, unit, suppress)
                for when in quarter_ends(first, delivery.data_cut)]

    return _CALENDAR.get(key, compute)
