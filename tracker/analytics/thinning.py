"""Thinning Kaplan-Meier step curves for plotting."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracker.analytics._common import FloatArray, warn

__all__ = ["thin_curve"]

_BAND_COLUMNS = ("survival", "ci_lower", "ci_upper")


def _greedy(values: FloatArray, tolerance: float, limit: int) -> npt.NDArray[np.intp] | None:
    """Rows to keep so that holding each kept row's values stays within ``tolerance``.

    Starting from row 0, the next kept row is the first row whose values differ from the
    current kept row by more than ``tolerance`` in any column. Extending every step as far as
    possible is optimal (fewest rows) for this constraint. Returns ``None`` as soon as more than
    ``limit`` rows would be needed.

    Survival and its band fall as time goes on, except near the end, where the upper bound may
    rise as the risk set shrinks. While every column falls, each step is found by binary search
    (all rows at once); from the first rise or missing value on, by scanning forward.
    """
    n = values.shape[0]
    falling = _falling_rows(values)
    following = _next_exceeding(values[:falling], tolerance)
    kept = [0]
    current = 0
    while current < falling and following[current] < falling:
        current = following[current]
        kept.append(current)
        if len(kept) + (current != n - 1) > limit:
            return None
    while True:
        reference = values[current]
        start, width, found = current + 1, 16, -1
        while start < n:
            stop = min(n, start + width)
            exceeds = (np.abs(values[start:stop] - reference) > tolerance).any(axis=1)
            hit = np.flatnonzero(exceeds)
            if hit.size:
                found = start + int(hit[0])
                break
            start, width = stop, width * 4
        if found < 0:
            break
        kept.append(found)
        current = found
        if len(kept) + (current != n - 1) > limit:
            return None
    if kept[-1] != n - 1:
        kept.append(n - 1)
    return np.asarray(kept, dtype=np.intp)


def _falling_rows(values: FloatArray) -> int:
    """How many leading rows have no missing value and never rise in any column."""
    bad = np.zeros(values.shape[0], dtype=np.bool_)
    bad |= np.isnan(values).any(axis=1)
    bad[1:] |= (np.diff(values, axis=0) > 0).any(axis=1)
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else values.shape[0]


def _next_exceeding(values: FloatArray, tolerance: float) -> list[int]:
    """For every row i, the first row j > i differing from row i by more than ``tolerance``.

    Every column must be non-increasing without missing values; ``len(values)`` means none.
    """
    n = values.shape[0]
    rows = np.arange(n)
    following = np.full(n, n, dtype=np.intp)
    for column in values.T:
        rising = -column  # non-decreasing
        j = np.searchsorted(rising, rising + tolerance, side="right")

        # The search compares -v[j] > -v[i] + tolerance; the rule is |v[j] - v[i]| > tolerance.
        # Both are monotone in j, so a rounding difference moves j by a row or two at most.
        def exceeds(at: npt.NDArray[np.intp], col: FloatArray = column) -> npt.NDArray[np.bool_]:
            return np.abs(col[np.minimum(at, n - 1)] - col) > tolerance  # type: ignore[no-any-return]

        while (back := (j - 1 > rows) & exceeds(j - 1)).any():
            j[back] -= 1
        while (ahead := (j < n) & ~exceeds(j)).any():
            j[ahead] += 1
        np.minimum(following, j, out=following)
    return following.tolist()  # type: ignore[no-any-return]


def thin_curve(km: pd.DataFrame, max_points: int = 2000, tolerance: float = 0.005) -> pd.DataFrame:
    """Reduce a Kaplan-Meier step curve for plotting.

    Keeps a subset of the rows of ``km`` such that, when the kept rows are drawn as a step
    function (each value held until the next kept row), ``survival``, ``ci_lower`` and
    ``ci_upper`` are never more than ``tolerance`` away from the full curve at any time, and at
    most ``max_points`` rows remain. The first and last rows are always kept. Rows are chosen
    greedily (each step extended as far as the tolerance allows), which yields the fewest rows
    for the given tolerance; the kept rows are unchanged rows of ``km`` (their ``events`` and
    ``censored`` refer to that time only).

    The result is for drawing only: pass the full curve to ``median_survival``, ``rmst`` and
    ``survival_at``, which need every event row.

    If the tolerance cannot be met with ``max_points`` rows, the smallest tolerance that can
    (found by bisection) is used instead and a :class:`StatisticalWarning` reports it.

    Parameters
    ----------
    km : pandas.DataFrame
        Result of ``kaplan_meier`` (needs ``time`` and ``survival``; band columns are used when
        present).
    max_points : int, default 2000
        Maximum number of rows returned (>= 2).
    tolerance : float, default 0.005
        Maximum absolute deviation on the survival-probability scale.

    Examples
    --------
    >>> km = pd.DataFrame({"time": [0.0, 1.0, 2.0, 3.0], "survival": [1.0, 0.999, 0.998, 0.5]})
    >>> thin_curve(km, tolerance=0.005)["time"].tolist()
    [0.0, 3.0]
    """
    if not isinstance(km, pd.DataFrame) or not {"time", "survival"} <= set(km.columns):
        raise ValueError("thin_curve expects the DataFrame returned by kaplan_meier.")
    if int(max_points) != max_points or max_points < 2:
        raise ValueError(
            f"max_points must be an integer >= 2 (first and last row), got {max_points}."
        )
    tolerance = float(tolerance)
    if not tolerance >= 0 or not np.isfinite(tolerance):
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance}.")
    if (np.diff(km["time"].to_numpy(dtype=np.float64)) <= 0).any():
        raise ValueError("km times must be distinct and sorted ascending.")
    if len(km) <= 2:
        return km.reset_index(drop=True)
    columns = [c for c in _BAND_COLUMNS if c in km.columns]
    values = km[columns].to_numpy(dtype=np.float64)
    limit = int(max_points)
    kept = _greedy(values, tolerance, limit)
    if kept is None:
        low = tolerance
        high = float(np.nanmax(np.abs(values - values[0])))  # two rows always suffice here
        best = _greedy(values, high, limit)
        for _ in range(40):
            if high - low <= 1e-4 * max(high, 1e-12):
                break
            middle = 0.5 * (low + high)
            candidate = _greedy(values, middle, limit)
            if candidate is None:
                low = middle
            else:
                high, best = middle, candidate
        warn(
            f"a tolerance of {tolerance:g} needs more than {limit} points; used tolerance "
            f"{high:.4g} instead. Raise max_points to honour the requested tolerance."
        )
        assert best is not None
        kept = best
    return km.iloc[kept].reset_index(drop=True)
