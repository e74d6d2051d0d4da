"""Aggregates of stored treatment courses, computed in the database with GROUP BY.

A count table (see `tracker.analytics.counts`) has one row per distinct time with the number of
events, censorings and (delayed) entries at that time; patients entering at treatment start are
counted as entries at time 0.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from tracker.errors import InvalidInput, field_error
from tracker.feeds import counts as feed_counts
from tracker.feeds.columns import REGIONS
from tracker.feeds.models import FeedDelivery, FeedRecord

MONTH_DAYS = 30.4375
GROUPS = ("region", "health_trust", "subgroup")
TIME_UNITS = {"days": 1.0, "months": MONTH_DAYS}
_ENDPOINT_COLUMNS = {
    "OS": ("os_days", "os_event"),
    "PFS": ("pfs_days", "pfs_event"),
    "TTD": ("ttd_days", "ttd_event"),
}


def _check(endpoint: str, group_by: str | None, filters: Mapping[str, Any], time_unit: str) -> None:
    problems = []
    if endpoint not in _ENDPOINT_COLUMNS:
        problems.append(field_error("endpoint", f"use one of {', '.join(_ENDPOINT_COLUMNS)}"))
    if group_by is not None and group_by not in GROUPS:
        problems.append(field_error("group_by", f"use one of {', '.join(GROUPS)}"))
    for key in filters:
        if key not in GROUPS:
            problems.append(field_error(f"filters.{key}", f"filter on {', '.join(GROUPS)}"))
    if time_unit not in TIME_UNITS:
        problems.append(field_error("time_unit", "use days or months"))
    if problems:
        raise InvalidInput("The count table cannot be built as asked.", problems)


def _filter_condition(table: Any, key: str, value: Any) -> Any:
    values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if key == "region":
        values = [REGIONS.get(str(v).strip().lower(), v) if v is not None else None
                  for v in values]
    known = [v for v in values if v is not None]
    parts = [table.c[key].in_(known)] if known else []
    if len(known) < len(values):
        parts.append(table.c[key].is_(None))
    return or_(*parts) if parts else literal(False)


def count_table(
    *,
    session: Session,
    delivery_id: int,
    endpoint: str,
    group_by: str | None = None,
    filters: Mapping[str, Any] | None = None,
    time_unit: str = "days",
) -> pd.DataFrame:
    """Return the count table of one endpoint of a delivery, aggregated in the database."""
    filters = dict(filters or {})
    _check(endpoint, group_by, filters, time_unit)
    if group_by is None and not filters:
        stored = feed_counts.load(session=session, delivery_id=delivery_id, endpoint=endpoint)
        if stored is not None:
            stored["time"] = stored["time"].astype("float64") / TIME_UNITS[time_unit]
            return stored
    table = FeedRecord.__table__  # type: ignore[attr-defined]
    days = table.c[_ENDPOINT_COLUMNS[endpoint][0]]
    event = table.c[_ENDPOINT_COLUMNS[endpoint][1]]
    entry = table.c.entry_days
    # Left truncation: a patient counts only if they entered before leaving (or at time 0).
    where = [
        table.c.delivery_id == delivery_id,
        or_(entry == 0, entry < days),
        *(_filter_condition(table, key, value) for key, value in filters.items()),
    ]
    group = [table.c[group_by]] if group_by else []
    # One pass over the rows for the exits (and the patients entering at 0, counted on the way);
    # a second one only keeps the few delayed entries. Both aggregate in the database.
    exits = session.execute(
        select(*group, days, func.sum(event), func.count() - func.sum(event),
               func.sum(case((entry == 0, 1), else_=0)))
        .where(and_(*where))
        .group_by(*group, days)
    ).all()
    delayed = session.execute(
        select(*group, entry, func.count()).where(and_(*where, entry > 0)).group_by(*group, entry)
    ).all()
    return _assemble(exits, delayed, group_by, TIME_UNITS[time_unit])


def _assemble(
    exits: Sequence[Any], delayed: Sequence[Any], group_by: str | None, unit_days: float
) -> pd.DataFrame:
    """Merge the aggregated exits and entries into one count table (small frames only)."""
    keys = [group_by] if group_by else []
    names = [*keys, "time", "events", "censored", "entered"]
    ex = pd.DataFrame([tuple(r) for r in exits], columns=[*keys, "time", "events", "censored",
                                                          "at_zero"])
    de = pd.DataFrame([tuple(r) for r in delayed], columns=[*keys, "time", "entered"])
    at_zero = (ex.groupby(keys, dropna=False)["at_zero"].sum().reset_index() if keys
               else pd.DataFrame({"at_zero": [ex["at_zero"].sum()]}))
    at_zero = at_zero.rename(columns={"at_zero": "entered"}).assign(time=0)
    parts = [ex.drop(columns="at_zero").assign(entered=0), de.assign(events=0, censored=0),
             at_zero[at_zero["entered"] > 0].assign(events=0, censored=0)]
    present = [p[names] for p in parts if len(p)]
    if not present:
        dtypes = {**dict.fromkeys(keys, "object"), "time": "float64", "events": "int64",
                  "censored": "int64", "entered": "int64"}
        return pd.DataFrame({name: pd.Series(dtype=dtypes[name]) for name in names})
    frame = pd.concat(present, ignore_index=True)
    frame = frame.groupby([*keys, "time"], dropna=False, as_index=False, sort=False).sum()
    frame["time"] = frame["time"].astype("float64") / unit_days
    for name in ("events", "censored", "entered"):
        frame[name] = frame[name].astype("int64")
    # Databases disagree on where NULL sorts; put patients without a group last everywhere.
    frame = frame.sort_values([*keys, "time"], na_position="last", kind="stable")
    return frame[names].reset_index(drop=True)


def current_delivery_ids(*, session: Session, introduction_id: int) -> list[int]:
    """Return the ids of the deliveries in use for analysis: one per source at most."""
    stmt = sm_select(FeedDelivery.id).where(
        FeedDelivery.introduction_id == introduction_id,
        col(FeedDelivery.superseded_at).is_(None),
    )
    return [int(i) for i in session.exec(stmt).all() if i is not None]


def patients_started(*, session: Session, introduction_id: int, start: date, end: date) -> int:
    """Count distinct patients starting treatment in [start, end) in the current deliveries.

    Pseudonyms are compared as given: a patient delivered by two sources under the same
    pseudonym counts once, under two different pseudonyms twice.
    """
    ids = current_delivery_ids(session=session, introduction_id=introduction_id)
    if not ids:
        return 0
    stmt = select(func.count(func.distinct(FeedRecord.patient_id))).where(
        col(FeedRecord.delivery_id).in_(ids),
        col(FeedRecord.treatment_start) >= start,
        col(FeedRecord.treatment_start) < end,
    )
    return int(session.execute(stmt).scalar() or 0)


def regions(*, session: Session, introduction_ids: Collection[int] | None = None,
            minimum: int = 1) -> dict[int, set[str]]:
    """Return, per introduction, the regions with at least `minimum` patients in its current
    deliveries (one query; `minimum` 5 keeps a region of 1-4 patients from being revealed)."""
    patients = func.count(func.distinct(col(FeedRecord.patient_id)))
    stmt = (
        select(col(FeedDelivery.introduction_id), col(FeedRecord.region))
        .join(FeedDelivery, col(FeedDelivery.id) == col(FeedRecord.delivery_id))
        .where(col(FeedDelivery.superseded_at).is_(None), col(FeedRecord.region).is_not(None))
        .group_by(col(FeedDelivery.introduction_id), col(FeedRecord.region))
        .having(patients >= minimum)
    )
    if introduction_ids is not None:
        stmt = stmt.where(col(FeedDelivery.introduction_id).in_(list(introduction_ids)))
    found: dict[int, set[str]] = {}
    for introduction_id, region in session.execute(stmt).all():
        found.setdefault(int(introduction_id), set()).add(str(region))
    return found
