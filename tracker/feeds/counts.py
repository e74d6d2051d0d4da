"""Store and read a delivery's ungrouped count tables (computed once, at import)."""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session

from tracker.db import driver_rows
from tracker.feeds.endpoints import observable
from tracker.feeds.models import FeedCount

ENDPOINTS = {"OS": "os", "PFS": "pfs", "TTD": "ttd"}
COUNT_COLUMNS = ("time", "events", "censored", "entered")


def tables_from_columns(columns: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Aggregate the derived endpoint columns of an extract to one count table per endpoint.

    The same rule as the database aggregation: a patient counts only if they entered before
    leaving (or at time 0); each counted patient enters at `entry_days` and leaves at the
    endpoint's day with an event or censored.
    """
    entry_all = np.asarray(columns["entry_days"], dtype=np.int64)
    out = {}
    for endpoint, key in ENDPOINTS.items():
        days = np.asarray(columns[f"{key}_days"], dtype=np.int64)
        event = np.asarray(columns[f"{key}_event"], dtype=np.int64)
        keep = observable(entry_all, days)
        days, event, entry = days[keep], event[keep], entry_all[keep]
        # Durations are whole days from treatment start (0 up to a few tens of thousands), so
        # one bin per day counts every patient in a single pass, with no sorting.
        size = int(max(days.max(initial=0), entry.max(initial=0))) + 1
        exits = np.bincount(days, minlength=size)
        events = np.bincount(days[event == 1], minlength=size)
        entered = np.bincount(entry, minlength=size)
        times = np.flatnonzero((exits > 0) | (entered > 0))
        out[endpoint] = pd.DataFrame({
            "time_days": times, "events": events[times].astype(np.int64),
            "censored": (exits - events)[times].astype(np.int64),
            "entered": entered[times].astype(np.int64),
        })
    return out


def store(*, session: Session, delivery_id: int, columns: dict[str, Any]) -> None:
    """Store the count tables of a new delivery."""
    rows = [
        {"delivery_id": delivery_id, "endpoint": endpoint, "time_days": int(r.time_days),
         "events": int(r.events), "censored": int(r.censored), "entered": int(r.entered)}
        for endpoint, table in tables_from_columns(columns).items()
        for r in table.itertuples(index=False)
    ]
    if rows:
        session.connection().execute(insert(FeedCount.__table__), rows)  # type: ignore[attr-defined]


def load(*, session: Session, delivery_id: int, endpoint: str) -> pd.DataFrame | None:
    """Return the stored count table (time in days), or None if the delivery has none stored.

    Every outcomes request starts here, so the rows go straight from the driver's cursor into
    one integer array: no row objects, no per-row Python (a third of the time of the ORM path).
    """
    rows = driver_rows(
        session, f"SELECT time_days, events, censored, entered FROM {FeedCount.__tablename__} "
        "WHERE delivery_id = ? AND endpoint = ? ORDER BY time_days", (delivery_id, endpoint))
    if not rows:
        return None
    values = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=4 * len(rows))
    values = values.reshape(len(rows), 4)
    return pd.DataFrame({name: values[:, i] for i, name in enumerate(COUNT_COLUMNS)})
