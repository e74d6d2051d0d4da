"""Count tables: the aggregated input of every estimator.

A *count table* is a :class:`pandas.DataFrame` with one row per distinct time and columns

``time``
    float, distinct, sorted ascending, >= 0 (time since treatment start).
``events``
    int >= 0, number of events (deaths) at that time.
``censored``
    int >= 0, number of patients censored at that time.
``entered``
    int >= 0, number of patients whose (delayed) entry time equals that time.

Entry convention. Patients not accounted for in ``entered`` are taken to enter at time 0, so
``entered`` may be 0 everywhere when there is no delayed entry, or may count every patient
(those entering at treatment start in the row at time 0). Formally, the shortfall
``sum(events + censored) - sum(entered)`` is added to time 0; a negative shortfall is an error.

Risk-set convention (used by the estimators). A patient who enters at ``e`` and exits
(event or censoring) at ``x`` is at risk at an event time ``t`` when ``e < t <= x``
(left truncation as in R's ``Surv(start, stop, event)`` and statsmodels ``SurvfuncRight``).
The single exception is time 0: patients entering at time 0 are at risk at time 0, so that a
death recorded on the day of treatment start counts against the whole cohort, as in lifelines
and R for right-censored data. Note that lifelines' ``entry=`` uses ``e <= t <= x`` instead;
the two agree unless a patient enters exactly at another patient's event time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracker.analytics._common import (
    COUNT_COLUMNS,
    FloatArray,
    as_float_array,
    check_times,
    describe_indices,
    warn,
)

__all__ = [
    "CountTable",
    "PreparedTable",
    "count_table",
    "merge_count_tables",
    "numbers_at_risk",
    "prepare",
    "truncate",
]


@dataclass(frozen=True)
class PreparedTable:
    """A validated count table with ``entered`` normalised and the risk set computed."""

    time: FloatArray
    events: FloatArray
    censored: FloatArray
    entered: FloatArray
    at_risk: FloatArray  # number at risk at each time under the risk-set convention

    @property
    def removed(self) -> FloatArray:
        """Patients leaving follow-up at each time (events + censored)."""
        return self.events + self.censored

    @property
    def n_patients(self) -> int:
        """Total number of patients."""
        return int(self.entered.sum())


#: What the estimators accept: a count table, or one already prepared (validated once, then
#: passed to every estimator of the same answer).
CountTable: TypeAlias = pd.DataFrame | PreparedTable


def _exclusive_cumsum(values: FloatArray) -> FloatArray:
    out = np.zeros_like(values)
    np.cumsum(values[:-1], out=out[1:])
    return out


def _count_column(frame: pd.DataFrame, name: str) -> FloatArray:
    arr = as_float_array(frame[name].to_numpy(), f"count table column {name!r}")
    bad = (arr < 0) | (arr != np.round(arr)) | ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"count table column {name!r} must hold non-negative whole numbers; "
            f"{describe_indices(bad)} do not. Aggregate with COUNT(*) / SUM(flag)."
        )
    return arr


def _check_columns(table: pd.DataFrame) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"expected a count table (pandas DataFrame), got {type(table).__name__}; "
            "build one with count_table(durations, events, entry)."
        )
    missing = [c for c in ("time", "events", "censored") if c not in table.columns]
    if missing:
        raise ValueError(
            f"count table is missing column(s) {missing}; expected columns {list(COUNT_COLUMNS)} "
            "('entered' may be omitted when there is no delayed entry)."
        )


def prepare(table: CountTable) -> PreparedTable:
    """Validate a count table, normalise ``entered`` and compute the risk set.

    A :class:`PreparedTable` is returned as it is: an answer that runs several estimators on
    one table validates it once.

    Raises
    ------
    ValueError
        If columns are missing, counts are negative or fractional, times are not distinct and
        sorted, or a row has more patients leaving than are at risk.
    """
    if isinstance(table, PreparedTable):
        return table
    _check_columns(table)
    if len(table) == 0:
        raise ValueError("count table is empty; there are no patients to analyse.")
    time = as_float_array(table["time"].to_numpy(), "count table column 'time'")
    if not np.all(np.isfinite(time)) or (time < 0).any():
        raise ValueError(
            "count table column 'time' must be finite and >= 0; "
            f"{describe_indices(~np.isfinite(time) | (time < 0))} are not."
        )
    if (np.diff(time) <= 0).any():
        raise ValueError(
            "count table times must be distinct and sorted ascending; sort by time and sum "
            "duplicate times (merge_count_tables([table]) does both)."
        )
    events = _count_column(table, "events")
    censored = _count_column(table, "censored")
    entered = _count_column(table, "entered") if "entered" in table.columns else np.zeros_like(time)
    shortfall = float((events + censored).sum() - entered.sum())
    if shortfall < 0:
        raise ValueError(
            f"count table has {entered.sum():.0f} entries but only {(events + censored).sum():.0f} "
            "exits (events + censored); every patient must exit exactly once. Check that "
            "'entered' counts patients, not rows of a join."
        )
    if shortfall > 0:
        if time[0] > 0:
            time = np.concatenate(([0.0], time))
            events = np.concatenate(([0.0], events))
            censored = np.concatenate(([0.0], censored))
            entered = np.concatenate(([0.0], entered))
        entered = entered.copy()
        entered[0] += shortfall
    removed = events + censored
    at_risk = _exclusive_cumsum(entered) - _exclusive_cumsum(removed)
    at_risk[time == 0] += entered[time == 0]
    bad = removed > at_risk
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"at time {time[first]:g}, {removed[first]:.0f} patients leave follow-up but only "
            f"{at_risk[first]:.0f} are at risk (entered before that time and not yet exited); "
            f"{describe_indices(bad)} are affected. A patient must enter strictly before "
            "exiting (except at time 0); drop patients whose entry equals their exit time."
        )
    return PreparedTable(time, events, censored, entered, at_risk)


def count_table(
    durations: npt.ArrayLike,
    events: npt.ArrayLike,
    entry: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Aggregate per-patient follow-up to a count table.

    Parameters
    ----------
    durations : array_like
        Time from treatment start to death or censoring, >= 0.
    events : array_like
        1 (or True) if the patient died at ``durations``, 0 if censored.
    entry : array_like, optional
        Delayed-entry (left-truncation) time, ``0 <= entry <= duration``. Patients whose entry
        equals their exit time (> 0) are never at risk and are dropped with a warning.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, events, censored, entered``; one row per distinct duration or entry
        time. Without ``entry``, ``entered`` is 0 everywhere (everybody enters at time 0).

    Examples
    --------
    >>> table = count_table([2.0, 3.0, 3.0, 5.0], [1, 1, 0, 0])
    >>> table[["time", "events", "censored"]].to_numpy().tolist()
    [[2.0, 1.0, 0.0], [3.0, 1.0, 1.0], [5.0, 0.0, 1.0]]
    """
    dur = as_float_array(durations, "durations")
    evt = as_float_array(events, "events")
    if dur.size == 0:
        raise ValueError("durations is empty; there are no patients to aggregate.")
    if evt.size != dur.size:
        raise ValueError(
            f"durations has {dur.size} values but events has {evt.size}; pass one value per "
            "patient in the same order."
        )
    bad = ~np.isfinite(dur) | (dur < 0)
    if bad.any():
        raise ValueError(
            f"durations must be finite and >= 0; {describe_indices(bad)} are not. Durations "
            "are times from treatment start to death or censoring: check the date arithmetic."
        )
    bad = (evt != 0) & (evt != 1)
    if bad.any():
        raise ValueError(
            f"events must be 0 (censored) or 1 (death); {describe_indices(bad)} are not. "
            "Recode e.g. R-style status 1/2 with `status - 1`."
        )
    if entry is None:
        ent = np.zeros_like(dur)
    else:
        ent = as_float_array(entry, "entry")
        if ent.size != dur.size:
            raise ValueError(
                f"entry has {ent.size} values but durations has {dur.size}; pass one entry "
                "time per patient (0 for patients followed from treatment start)."
            )
        bad = ~np.isfinite(ent) | (ent < 0)
        if bad.any():
            raise ValueError(f"entry must be finite and >= 0; {describe_indices(bad)} are not.")
        bad = ent > dur
        if bad.any():
            raise ValueError(
                f"entry must be <= duration; {describe_indices(bad)} enter after they exit. "
                "Entry and duration must both be measured from treatment start."
            )
        zero = (ent == dur) & (dur > 0)
        if zero.any():
            warn(
                f"{describe_indices(zero)} have entry == duration > 0: they are never at risk "
                "(a patient entering at e is at risk for t > e) and are dropped."
            )
            keep = ~zero
            dur, evt, ent = dur[keep], evt[keep], ent[keep]
    values = dur if entry is None else np.concatenate((dur, ent))
    times, inverse = np.unique(values, return_inverse=True)
    exit_idx = inverse[: dur.size]
    n_times = times.size
    n_events = np.bincount(exit_idx, weights=evt, minlength=n_times)
    n_exits = np.bincount(exit_idx, minlength=n_times)
    if entry is None:
        n_entered = np.zeros(n_times, dtype=np.int64)
    else:
        n_entered = np.bincount(inverse[dur.size :], minlength=n_times)
    return pd.DataFrame(
        {
            "time": times.astype(np.float64),
            "events": n_events.astype(np.int64),
            "censored": (n_exits - n_events).astype(np.int64),
            "entered": n_entered.astype(np.int64),
        }
    )


def merge_count_tables(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Sum several count tables (e.g. partial aggregates) into one.

    Rows with the same time are added up; the input tables need not be sorted. A missing
    ``entered`` column counts as 0 (patients enter at time 0), which composes correctly with the
    entry convention of the module.

    Examples
    --------
    >>> a = count_table([1.0, 2.0], [1, 0])
    >>> b = count_table([2.0, 4.0], [1, 1])
    >>> merge_count_tables([a, b])["events"].tolist()
    [1, 1, 1]
    """
    frames = list(tables)
    if not frames:
        raise ValueError("merge_count_tables needs at least one count table.")
    columns: dict[str, list[FloatArray]] = {name: [] for name in COUNT_COLUMNS}
    for i, frame in enumerate(frames):
        try:
            _check_columns(frame)
        except ValueError as exc:
            raise ValueError(f"table {i}: {exc}") from exc
        time = as_float_array(frame["time"].to_numpy(), f"table {i} column 'time'")
        if not np.all(np.isfinite(time)) or (time < 0).any():
            raise ValueError(f"table {i}: column 'time' must be finite and >= 0.")
        columns["time"].append(time)
        for name in COUNT_COLUMNS[1:]:
            if name in frame.columns:
                columns[name].append(_count_column(frame, name))
            else:
                columns[name].append(np.zeros_like(time))
    all_times = np.concatenate(columns["time"])
    times, inverse = np.unique(all_times, return_inverse=True)
    out: dict[str, npt.NDArray[np.generic]] = {"time": times.astype(np.float64)}
    for name in COUNT_COLUMNS[1:]:
        summed = np.bincount(inverse, weights=np.concatenate(columns[name]), minlength=times.size)
        out[name] = np.round(summed).astype(np.int64)
    return pd.DataFrame(out)


def numbers_at_risk(table: CountTable, times: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Number of patients at risk at each of ``times``, for a numbers-at-risk table.

    Counts patients who entered at or before ``t`` and have not exited before ``t``
    (``entry <= t <= exit``). Without delayed entry this is the number with ``exit >= t``,
    i.e. lifelines' ``event_table.at_risk`` at event times and R's ``summary(fit, times)``
    ``n.risk``. It differs from the estimators' risk set (``entry < t``) only for patients
    entering exactly at ``t``.

    Examples
    --------
    >>> table = count_table([2.0, 3.0, 3.0, 5.0], [1, 1, 0, 0])
    >>> numbers_at_risk(table, [0.0, 2.0, 2.5, 3.0, 6.0]).tolist()
    [4, 4, 3, 3, 0]
    """
    prepared = prepare(table)
    t = check_times(times)
    entered_upto = np.concatenate(([0.0], np.cumsum(prepared.entered)))
    removed_upto = np.concatenate(([0.0], np.cumsum(prepared.removed)))
    n_le = np.searchsorted(prepared.time, t, side="right")
    n_lt = np.searchsorted(prepared.time, t, side="left")
    return np.round(entered_upto[n_le] - removed_upto[n_lt]).astype(np.int64)


def truncate(table: CountTable, at: float) -> pd.DataFrame:
    """End follow-up at time ``at``: everyone still followed then is censored at ``at``.

    Administrative censoring, as if the data had been cut at ``at`` time units after each
    patient's start: events and censorings after ``at`` become censorings at ``at``, and patients
    entering at or after ``at`` (never at risk before it) are left out.

    Examples
    --------
    >>> table = count_table([1.0, 2.0, 5.0, 6.0], [1, 1, 1, 0], entry=[0.0, 0.0, 3.0, 0.0])
    >>> truncate(table, 4.0)[["time", "events", "censored"]].to_numpy().tolist()
    [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [2.0, 1.0, 0.0], [3.0, 0.0, 0.0], [4.0, 0.0, 2.0]]
    """
    p = prepare(table)
    at = float(at)
    if not np.isfinite(at) or at <= 0:
        raise ValueError(f"at must be a finite time > 0, got {at!r}.")
    before = p.time < at
    at_row = p.time == at
    later = p.time > at
    # every patient entering at or after `at` also exits after it (entry < exit)
    still_followed = p.removed[later].sum() - p.entered[p.time >= at].sum()
    events_at = p.events[at_row].sum()
    censored_at = p.censored[at_row].sum() + still_followed
    time = np.append(p.time[before], at)
    return pd.DataFrame({
        "time": time,
        "events": np.append(p.events[before], events_at).astype(np.int64),
        "censored": np.append(p.censored[before], censored_at).astype(np.int64),
        "entered": np.append(p.entered[before], 0.0).astype(np.int64),
    })
