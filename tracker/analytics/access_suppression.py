"""Small-count suppression of count tables, with secondary suppression that holds against totals.

A reader without small-count access must not see a count of 1 to 4 (a patient could be
recognised). Hiding those cells is not enough when the row and column totals are shown: a row
with one hidden cell gives it back as the total minus the rest. So beside the *primary* cells
(1–4) further *secondary* cells are hidden until no hidden cell follows from the totals:

1. While a row or a column has exactly one hidden cell, or only hidden cells that add up to 0
   (its total shows they are 0), hide the smallest other cell in it: a non-zero cell before a
   zero one (a hidden zero protects little), and a cell whose crossing line also has one
   hidden cell before the rest (one more hidden cell then mends two lines, instead of
   starting a chain through the table).
2. Then, where the hidden cells still determine one of them, hide one more. Hidden cells are
   edges of a bipartite graph between rows and columns; given the totals, a hidden cell's value
   follows from the others exactly when its edge is on no cycle (a *bridge*): on a cycle, +1
   and -1 alternately round it keeps every total. For each bridge the smallest cell that closes
   a cycle through it is hidden, and step 1 is repeated, until nothing changes.

A table with one column has no row totals worth showing (a row total is the cell), so only its
column total constrains it; likewise for one row. Totals are always shown, computed from the
exact counts. The rule protects one two-way table and its margins; tables that share cells (the
same counts by region in one year and over all years) must be suppressed together.

What it guarantees: no hidden cell is determined by the linear equations the totals give.
Counts are also non-negative, and where a table has many zeros this can still pin a hidden
cell (e.g. a column whose total is 1 and whose other cells are 0); zeros are hidden last to
make that rare, but only hiding totals would rule it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracker.analytics.access_stats import DECIDED

__all__ = ["Suppressed", "suppress_outcome_counts", "suppress_small_counts", "suppression_mask"]

BoolArray = npt.NDArray[np.bool_]


class Suppressed(NamedTuple):
    """A table with the hidden cells as None, and the mask of hidden cells (True = hidden)."""

    table: pd.DataFrame
    mask: pd.DataFrame


def _smallest(
    values: npt.NDArray[np.int64], candidates: BoolArray, mends: BoolArray | None = None
) -> int:
    """Index of the cell to hide: non-zero before zero, mending a second line before not,
    then the smallest, the first on ties."""
    idx = np.flatnonzero(candidates)
    mend = np.zeros(values.shape, dtype=bool) if mends is None else mends
    keys = [(bool(values[i] == 0), not mend[i], int(values[i]), int(i)) for i in idx]
    return min(keys)[3]


def _line_rule(x: npt.NDArray[np.int64], hidden: BoolArray) -> bool:
    """Step 1 once over every line; True if a cell was hidden."""
    changed = False
    rows, cols = x.shape
    for axis, constrained in ((1, cols >= 2), (0, rows >= 2)):
        if not constrained:
            continue
        for line in range(x.shape[1 - axis]):
            cells = hidden[line] if axis == 1 else hidden[:, line]
            values = x[line] if axis == 1 else x[:, line]
            # hidden cells that add up to 0 are known to be 0: they hide nothing
            known_zero = cells.any() and values[cells].sum() == 0
            if cells.sum() == 1 or (known_zero and (values[~cells] > 0).any()):
                positive = ~cells & (values > 0)
                candidates = positive if known_zero and positive.any() else ~cells
                mends = hidden.sum(axis=1 - axis) == 1  # the crossing lines with one hidden
                pick = _smallest(values, candidates, mends)
                if axis == 1:
                    hidden[line, pick] = True
                else:
                    hidden[pick, line] = True
                changed = True
    return changed


def _component(
    hidden: BoolArray, start: tuple[str, int], skip: tuple[int, int]
) -> set[tuple[str, int]]:
    """Rows and columns reachable from ``start`` through hidden cells other than ``skip``."""
    seen = {start}
    stack = [start]
    while stack:
        kind, i = stack.pop()
        line = hidden[i] if kind == "r" else hidden[:, i]
        for j in np.flatnonzero(line):
            cell = (i, int(j)) if kind == "r" else (int(j), i)
            if cell == skip:
                continue
            node = ("c", int(j)) if kind == "r" else ("r", int(j))
            if node not in seen:
                seen.add(node)
                stack.append(node)
    return seen


def _close_a_bridge(x: npt.NDArray[np.int64], hidden: BoolArray) -> bool:
    """Step 2 once: hide a cell that puts the first bridge found on a cycle."""
    if min(x.shape) < 2:
        return False
    for i, j in zip(*np.nonzero(hidden), strict=True):
        row_side = _component(hidden, ("r", int(i)), (int(i), int(j)))
        if ("c", int(j)) in row_side:
            continue  # on a cycle
        col_side = _component(hidden, ("c", int(j)), (int(i), int(j)))
        rows = [k for kind, k in col_side if kind == "r"]
        cols = [k for kind, k in row_side if kind == "c"]
        candidates = np.zeros_like(hidden)
        candidates[np.ix_(rows, cols)] = True
        candidates &= ~hidden
        if not candidates.any():
            continue  # cannot happen after step 1: both sides hold a second line
        flat = _smallest(x.ravel(), candidates.ravel())
        hidden.flat[flat] = True
        return True
    return False


def suppression_mask(
    counts: npt.ArrayLike, *, low: int = 1, high: int = 4, hide: npt.ArrayLike | None = None
) -> BoolArray:
    """The cells to hide in a two-way table of counts whose totals are shown (module rules).

    ``hide`` marks cells to hide whatever their count (e.g. a total that equals a hidden
    cell); a table of one row and one column cannot be protected while its total is shown.

    Examples
    --------
    >>> suppression_mask([[1, 1], [12, 1], [13, 2], [30, 12]]).astype(int).tolist()
    [[1, 1], [1, 1], [1, 1], [0, 0]]
    """
    x = np.asarray(counts, dtype=np.int64)
    if x.ndim != 2:
        raise ValueError(f"counts must be a two-way table, got shape {x.shape}.")
    if (x < 0).any():
        raise ValueError("counts must be non-negative.")
    hidden = (x >= low) & (x <= high)
    if hide is not None:
        hidden |= np.asarray(hide, dtype=bool)
    while _line_rule(x, hidden) or _close_a_bridge(x, hidden):
        pass
    return hidden


def suppress_small_counts(
    table: pd.DataFrame, *, low: int = 1, high: int = 4
) -> Suppressed:
    """Hide counts of ``low``..``high`` and the cells that would give them back from totals.

    Parameters
    ----------
    table : pandas.DataFrame
        A two-way table of counts (rows × columns, without total rows or columns); the caller
        shows the totals of the exact counts beside it.
    low, high : int, default 1, 4
        The counts to hide (0 is shown: nobody can be recognised in an empty cell).

    Returns
    -------
    Suppressed
        ``table`` with hidden cells as None (object dtype) and ``mask``, True where hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"granted": [3, 20, 30], "refused": [9, 8, 7]},
    ...                  index=["Helse Nord", "Helse Vest", "Helse Sør-Øst"])
    >>> suppress_small_counts(t).table
                  granted refused
    Helse Nord       None    None
    Helse Vest       None    None
    Helse Sør-Øst      30       7
    """
    mask = suppression_mask(table.to_numpy(), low=low, high=high)
    shown = table.astype(object).mask(mask, None)
    return Suppressed(shown, pd.DataFrame(mask, index=table.index, columns=table.columns))


def suppress_outcome_counts(
    counts: pd.DataFrame, by: Sequence[str], *, low: int = 1, high: int = 4
) -> Suppressed:
    """Suppress a table of :func:`~tracker.analytics.access_stats.outcome_counts` (or
    :func:`~tracker.analytics.access_stats.grant_rates`) for a reader without small-count access.

    The cell rows are split by every key but the last (e.g. by year for ``["year",
    "region"]``); each part is a two-way table (last key × outcome) whose row totals are the
    ``total`` column and whose column totals are its subtotal row, and is suppressed by
    :func:`suppression_mask`. Totals stay shown, except where a subtotal adds up one row only
    and so *is* that row: then its hidden cells are hidden in the subtotal too, and the
    subtotals are protected in turn against the totals above them. In a row with a hidden cell
    the derived columns (``decided, rate, ci_lower, ci_upper``) are hidden too, since they
    would give the cell back.

    Parameters
    ----------
    counts : pandas.DataFrame
        The result of ``outcome_counts(cases, by)`` or ``grant_rates(cases, by)``.
    by : sequence of str
        The keys it was counted by.
    low, high : int, default 1, 4
        The counts to hide.

    Returns
    -------
    Suppressed
        ``counts`` with hidden values as None and a mask of the same shape.

    Examples
    --------
    >>> from tracker.analytics.access_stats import outcome_counts
    >>> cases = pd.DataFrame({"region": ["Helse Vest"] * 12 + ["Helse Nord"] * 7,
    ...                       "outcome": ["granted"] * 10 + ["refused"] * 4 + ["granted"] * 5})
    >>> shown = suppress_outcome_counts(outcome_counts(cases, ["region"]), ["region"]).table
    >>> shown[["region", "granted", "refused", "total"]].iloc[[1, 3, 4]].to_numpy().tolist()
    [['Helse Vest', None, None, 12], ['Helse Nord', None, None, 7], [<NA>, 15, 4, 19]]
    """
    by = list(by)
    derived = [c for c in DECIDED if c in counts.columns]
    cells = [c for c in counts.columns if c not in {"row_type", "level", "total", *by, *derived}]
    values = counts[cells].to_numpy(np.int64)
    level = counts["level"].to_numpy(np.int64)
    hidden = np.zeros(values.shape, dtype=bool)
    forced = np.zeros(values.shape, dtype=bool)
    for depth in range(len(by), 0, -1):
        rows = np.flatnonzero(level == depth)
        parents = np.flatnonzero(level == depth - 1)
        keys = counts.iloc[rows][by[: depth - 1]]
        groups = [rows] if depth == 1 else [
            rows[positions] for positions in
            keys.reset_index(drop=True).groupby(by[: depth - 1], dropna=False).indices.values()
        ]
        for group in groups:
            primary = (low, high) if depth == len(by) else (1, 0)  # totals: no primary cells
            mask = suppression_mask(values[group], low=primary[0], high=primary[1],
                                    hide=forced[group])
            hidden[group] = mask
            if len(group) == 1 and mask.any():  # the parent's counts are this row's
                parent = _parent_of(counts, int(group[0]), parents, by[: depth - 1])
                if parent is not None:
                    forced[parent] |= mask[0]
    mask_frame = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    mask_frame[cells] = hidden
    mask_frame.loc[hidden.any(axis=1), derived] = True
    shown = counts.astype(object).mask(mask_frame.to_numpy(), None)
    return Suppressed(shown, mask_frame)


def _parent_of(counts: pd.DataFrame, row: int, parents: npt.NDArray[np.intp],
               keys: list[str]) -> int | None:
    """The row of ``parents`` with the same values of ``keys`` as ``row`` (NA equal to NA)."""
    target = counts.iloc[row][keys]
    for parent in parents:
        candidate = counts.iloc[parent][keys]
        pairs = zip(candidate, target, strict=True)
        if all((pd.isna(a) and pd.isna(b)) or a == b for a, b in pairs):
            return int(parent)
    return None
