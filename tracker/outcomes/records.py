"""Reads of a delivery for the outcomes answers: its count tables (`count_table`), how complete
each variable is, and the courses grouped by start date (for O/E over calendar time).

A delivery never changes after import, so what is read from it is kept per delivery in a small
bounded store (`Kept`), keyed by the delivery's id, file digest and import time: the same
delivery is never read twice for the same answer, also after a write elsewhere has made every
kept answer (`tracker.answers`) stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from datetime import date
from itertools import chain
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from tracker.db import driver_rows
from tracker.feeds import service as feeds_service
from tracker.feeds.columns import REGIONS
from tracker.feeds.models import FeedDelivery, FeedRecord

#: Variables whose missing value means the registry did not report it.
COMPLETENESS_VARIABLES: tuple[str, ...] = (
    "health_trust", "region", "birth_year", "sex", "diagnosis", "subgroup", "treatment_line",
    "best_response",
)
#: Reported only for courses that stopped: the reason for stopping.
STOP_REASON = "stop_reason"
ENDPOINT_COLUMNS = {"OS": ("os_days", "os_event"), "PFS": ("pfs_days", "pfs_event"),
                    "TTD": ("ttd_days", "ttd_event")}
FILTERS = ("region", "health_trust", "subgroup")

T = TypeVar("T")


class Kept(Generic[T]):
    """A thread-safe LRU store of values derived from deliveries."""

    _all: list[Kept[Any]] = []

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size
        Kept._all.append(self)

    @classmethod
    def clear_all(cls) -> None:
        """Forget every kept value (a benchmark's cold start; nothing in the app needs it)."""
        for store in cls._all:
            with store._lock:
                store._items.clear()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def delivery_key(delivery: FeedDelivery) -> tuple[Any, ...]:
    """What identifies a delivery's content, across databases too."""
    return (delivery.id, delivery.sha256, delivery.delivered_at.isoformat())


_COMPLETENESS: Kept[dict[str, tuple[int, int]]] = Kept()
_COUNT_TABLES: Kept[pd.DataFrame] = Kept(size=256)


def count_table(session: Session, delivery: FeedDelivery, endpoint: str,
                filters: Mapping[str, Any], time_unit: str) -> pd.DataFrame:
    """The delivery's count table for an endpoint and filters (`feeds_service.count_table`),
    read once per delivery; each caller gets its own copy."""
    assert delivery.id is not None
    delivery_id = delivery.id
    key = (delivery_key(delivery), endpoint, tuple(sorted(filters.items())), time_unit)
    kept = _COUNT_TABLES.get(key, lambda: feeds_service.count_table(
        session=session, delivery_id=delivery_id, endpoint=endpoint,
        filters=dict(filters) or None, time_unit=time_unit))
    return kept.copy()


def completeness(session: Session, delivery: FeedDelivery) -> dict[str, tuple[int, int]]:
    """Per variable: (missing, of how many courses), in one pass over the delivery."""
    return _COMPLETENESS.get(delivery_key(delivery), lambda: _completeness(session, delivery))


def _completeness(session: Session, delivery: FeedDelivery) -> dict[str, tuple[int, int]]:
    table = FeedRecord.__table__  # type: ignore[attr-defined]
    stopped = table.c.treatment_stop.is_not(None)
    row = session.execute(
        select(
            func.count(),
            *(func.count(table.c[name]) for name in COMPLETENESS_VARIABLES),
            func.sum(case((stopped, 1), else_=0)),
            func.sum(case((and_(stopped, table.c.stop_reason.is_(None)), 1), else_=0)),
        ).where(table.c.delivery_id == delivery.id)
    ).one()
    total = int(row[0])
    out = {name: (total - int(present), total)
           for name, present in zip(COMPLETENESS_VARIABLES, row[1:-2], strict=True)}
    out[STOP_REASON] = (int(row[-1] or 0), int(row[-2] or 0))
    return out


def courses(
    session: Session, delivery_id: int, endpoint: str, filters: Mapping[str, Any]
) -> dict[str, npt.NDArray[np.int64]]:
    """The delivery's courses: start date, entry, exit day and event, each with a count of 1.

    ``start`` is the start date in days since 1970-01-01; courses that never were at risk
    (entry at or after exit) are left out, as in the count tables. Not grouped in the
    database: with start dates and exit days to the day, two of three courses of a million are
    alone in their group, and the GROUP BY cost more (2.8 s) than it saved in rows (1.6 s for
    the rows themselves, SQLite).
    """
    days, event = ENDPOINT_COLUMNS[endpoint]
    where = ["delivery_id = ?", f"(entry_days = 0 OR entry_days < {days})"]
    params: list[Any] = [delivery_id]
    for key, value in filters.items():
        if key not in FILTERS:
            raise ValueError(f"cannot filter courses on {key!r}; use one of {FILTERS}.")
        if key == "region":
            value = REGIONS.get(str(value).strip().lower(), value)
        where.append(f"{key} = ?")
        params.append(value)
    # Straight from the driver's cursor: tens of thousands of rows, no row objects (as
    # tracker.feeds.counts.load reads the stored count tables).
    start = ("CAST(julianday(treatment_start) - 2440587.5 AS INTEGER)"
             if session.connection().dialect.name == "sqlite"
             else "(treatment_start - DATE '1970-01-01')")
    rows = driver_rows(session, f"SELECT {start}, entry_days, {days}, {event} "
                       f"FROM {FeedRecord.__tablename__} WHERE {' AND '.join(where)}", params)
    values = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=4 * len(rows))
    values = values.reshape(len(rows), 4)
    out = {name: values[:, i] for i, name in enumerate(("start", "entry", "days", "event"))}
    out["count"] = np.ones(len(rows), dtype=np.int64)
    return out


_EPOCH = date(1970, 1, 1)


def epoch_day(value: Any) -> int:
    """Days since 1970-01-01 of a date (or its ISO text)."""
    if not isinstance(value, date):
        value = date.fromisoformat(str(value)[:10])
    return (value - _EPOCH).days
