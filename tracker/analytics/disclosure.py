"""Disclosure control on count tables: what a reader without small-count access is shown.

Hiding the counts of 1 to 4 in an answer is not enough when the rest of the answer is exact: a
Kaplan-Meier step at full precision with the number at risk gives ``d = n (1 - S_i / S_{i-1})``,
an exact survival value is a fraction whose denominator is the number at risk, and two answers
for nested groups (all patients and one region) differ by the counts of the rest. So every number
such a reader sees is computed from a *rounded* count table (:func:`rounded_count_table`): the
cumulative numbers of events, censorings and entries are rounded to the nearest multiple of
``base`` (5) at every time, and the table's counts are the differences. Every count in it is a
multiple of 5, so is every count derived from it (a step's events, a number at risk, a total),
and so is the difference of two such answers; no estimate computed from it carries more than
it does. The price is a curve that moves in steps of 5 events, which is what a published
registry curve with a minimum cell size of 5 looks like anyway.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.analytics._common import FloatArray
from tracker.analytics.counts import prepare

__all__ = ["round_counts", "rounded_count_table"]


def round_counts(values: object, base: int = 5) -> FloatArray:
    """Round counts to the nearest multiple of ``base`` (halves up): 0-2 -> 0, 3-7 -> 5, ...

    Examples
    --------
    >>> round_counts([0, 2, 3, 7, 8, 228]).tolist()
    [0.0, 0.0, 5.0, 5.0, 10.0, 230.0]
    """
    if int(base) != base or base < 1:
        raise ValueError(f"base must be a whole number >= 1, got {base!r}.")
    arr = np.asarray(values, dtype=np.float64)
    return np.floor(arr / base + 0.5) * base


def _at_risk(time: FloatArray, removed: FloatArray, entered: FloatArray) -> FloatArray:
    """The estimators' risk set (see :mod:`tracker.analytics.counts`)."""
    before = np.concatenate(([0.0], np.cumsum(entered - removed)[:-1]))
    return before + np.where(time == 0, entered, 0.0)


def rounded_count_table(table: pd.DataFrame, base: int = 5) -> pd.DataFrame:
    """A count table whose every count is a multiple of ``base``, close to ``table``.

    Cumulative events, censorings and entries are rounded to the nearest multiple of ``base``
    at every time (:func:`round_counts`) and differenced, so the rounded table changes only
    where a cumulative count passes a rounding threshold, and always by a multiple of
    ``base``. The result is then made consistent without leaving multiples of ``base``: more
    exits than entries are entries at time 0, more entries than exits are censorings at the
    last time, and where a time would remove more patients than are at risk (possible only
    when a handful remain), the shortfall enters at time 0 and is censored at the last time.
    Times at which nothing is left are dropped, so the longest follow-up is the last time
    with a rounded count.

    Parameters
    ----------
    table : pandas.DataFrame
        Count table (``time, events, censored, entered``).
    base : int, default 5
        The rounding base, the smallest count a reader may see.

    Returns
    -------
    pandas.DataFrame
        A count table (``time, events, censored, entered``, every entry counted) for the
        estimators.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> table = count_table([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [1, 1, 1, 1, 1, 0, 0])
    >>> rounded_count_table(table).to_numpy().tolist()
    [[0.0, 0.0, 0.0, 5.0], [3.0, 5.0, 0.0, 0.0]]
    """
    p = prepare(table)
    time, events, censored, entered = p.time, p.events, p.censored, p.entered
    if time[0] > 0:  # a row at time 0 to hold entries added there
        time, events, censored, entered = (
            np.concatenate(([first], a))
            for first, a in ((0.0, time), (0.0, events), (0.0, censored), (0.0, entered))
        )

    def rounded_steps(counts: FloatArray) -> FloatArray:
        return np.diff(round_counts(np.cumsum(counts), base), prepend=0.0)

    d, c, e = rounded_steps(events), rounded_steps(censored), rounded_steps(entered)
    surplus = (d + c).sum() - e.sum()
    if surplus > 0:
        e[0] += surplus
    elif surplus < 0:
        c[-1] -= surplus
    deficit = float(np.max(d + c - _at_risk(time, d + c, e), initial=0.0))
    if deficit > 0:
        e[0] += deficit
        c[-1] += deficit
    keep = (d + c + e > 0) | (time == 0)
    return pd.DataFrame({
        "time": time[keep],
        "events": d[keep].astype(np.int64),
        "censored": c[keep].astype(np.int64),
        "entered": e[keep].astype(np.int64),
    })
