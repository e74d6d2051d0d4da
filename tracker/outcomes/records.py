"""Reads of a delivery's treatment courses that the stored count tables cannot answer: how
complete each variable is, and the courses grouped by start date (for O/E over calendar time).

Both aggregate in the database. A delivery never changes after import, so what is derived from
it is kept per delivery in a small bounded store (`Kept`), keyed by the delivery's id, file
digest and import time: the same delivery is never read twice for the same answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

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

T = TypeVar("T")


class Kept(Generic[T]):
    """A thread-safe LRU store of values derived from deliveries."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

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


def _condition(table: Any, key: str, value: Any) -> Any:
    if key == "region":
        value = REGIONS.get(str(value).strip().lower(), value)
    return table.c[key] == value


def courses(
    session: Session, delivery_id: int, endpoint: str, filters: Mapping[str, Any]
) -> dict[str, npt.NDArray[np.int64]]:
    """The delivery's courses grouped by start date, entry, exit day and event, with counts.

    ``start`` is the start date's ordinal (days); courses that never were at risk (entry at or
    after exit) are left out, as in the count tables.
    """
    table = FeedRecord.__table__  # type: ignore[attr-defined]
    days_col, event_col = ENDPOINT_COLUMNS[endpoint]
    days, event, entry = table.c[days_col], table.c[event_col], table.c.entry_days
    rows = session.execute(
        select(table.c.treatment_start, entry, days, event, func.count())
        .where(table.c.delivery_id == delivery_id, or_(entry == 0, entry < days),
               *(_condition(table, k, v) for k, v in filters.items()))
        .group_by(table.c.treatment_start, entry, days, event)
    ).all()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return {"start": empty, "entry": empty, "days": empty, "event": empty, "count": empty}
    start = np.fromiter((_ordinal(r[0]) for r in rows), dtype=np.int64, count=len(rows))
    values = np.asarray([tuple(r[1:]) for r in rows], dtype=np.int64)
    return {"start": start, "entry": values[:, 0], "days": values[:, 1],
            "event": values[:, 2], "count": values[:, 3]}


def _ordinal(value: Any) -> int:
    if isinstance(value, date):
        return value.toordinal()
    return date.fromisoformat(str(value)[:10]).toordinal()
