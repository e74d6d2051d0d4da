"""Variation in grant rates across regions: χ² and exact tests, and the funnel plot's data.

The review of the exception scheme could not say whether practice differs between the regions
(000_3134ab22afa02640.txt L1230–1245). With a few dozen cases in a region and year the
Pearson χ² approximation is poor, so beside it there is the exact Fisher–Freeman–Halton test
of an r × 2 table (as R's ``fisher.test``), and a funnel plot: each region's grant rate
against its number of decided cases, with exact binomial limits around the national rate.

A case is *decided* unless it is withdrawn; ``"no_consensus"`` counts as not granted (see
:mod:`tracker.analytics.access_stats`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import gammaln
from scipy.stats import binom, chi2

from tracker.analytics._common import FloatArray, check_alpha, warn
from tracker.analytics.access_stats import NOT_DECIDED, check_cases, outcome_counts

__all__ = [
    "ChiSquareResult",
    "ExactTestResult",
    "Funnel",
    "chi_square_test",
    "fisher_freeman_halton",
    "funnel_data",
    "funnel_limits",
    "grant_table",
    "level_suffix",
]

IntArray = npt.NDArray[np.int64]
#: R's fisher.test counts a table as "no more probable" up to this relative error.
RELATIVE_TOLERANCE = 1e-7


@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's χ² test of independence (no continuity correction)."""

    statistic: float
    dof: int
    p_value: float
    min_expected: float


@dataclass(frozen=True)
class ExactTestResult:
    """An exact conditional test: the p-value, the observed table's probability, and the
    number of tables with the observed margins that were summed over."""

    p_value: float
    table_probability: float
    n_tables: int


def grant_table(cases: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """Decided cases by group as a two-column table: granted and not granted.

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case with ``outcome`` and ``by``.
    by : str, default "region"
        The grouping column; cases where it is missing are left out.

    Returns
    -------
    pandas.DataFrame
        Index: the groups (every region, in the order of ``REGION_NAMES``, for ``"region"``);
        columns ``granted``, ``not_granted`` (refused or no consensus; withdrawn cases are
        not counted).

    Examples
    --------
    >>> cases = pd.DataFrame({"region": ["Helse Vest", "Helse Vest", "Helse Nord"],
    ...                       "outcome": ["granted", "refused", "withdrawn"]})
    >>> grant_table(cases).loc[["Helse Vest", "Helse Nord"]].to_numpy().tolist()
    [[1, 1], [0, 0]]
    """
    check_cases(cases, [by])
    counts = outcome_counts(cases.loc[cases[by].notna()], [by], totals=False)
    withdrawn = [c for c in NOT_DECIDED if c in counts.columns]
    table = pd.DataFrame(
        {
            "granted": counts["granted"].to_numpy(),
            "not_granted": (counts["total"] - counts["granted"] - counts[withdrawn].sum(axis=1))
            .to_numpy(),
        },
        index=pd.Index(counts[by].to_list(), name=by),
    )
    return table.astype(np.int64)


def _as_table(table: npt.ArrayLike | pd.DataFrame, name: str) -> IntArray:
    """A 2-d array of whole non-negative counts without empty rows or columns."""
    arr = np.asarray(table, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} needs a two-dimensional table of counts, got shape {arr.shape}.")
    if np.isnan(arr).any() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError(f"{name} needs whole non-negative counts; the table has {arr.tolist()}.")
    counts = arr.astype(np.int64)
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    return counts


def chi_square_test(table: npt.ArrayLike | pd.DataFrame) -> ChiSquareResult:
    """Pearson's χ² test that the rows share one distribution over the columns.

    Rows and columns without any case are dropped first. There is no continuity correction
    (as ``scipy.stats.chi2_contingency(..., correction=False)``).

    Parameters
    ----------
    table : array_like or pandas.DataFrame
        An r × c table of counts, e.g. :func:`grant_table`.

    Returns
    -------
    ChiSquareResult
        ``statistic``, ``dof = (r - 1)(c - 1)``, ``p_value`` and the smallest expected count.

    Warns
    -----
    StatisticalWarning
        If an expected count is below 1 or more than a fifth are below 5 (Cochran's rule): the
        χ² approximation is then poor; use :func:`fisher_freeman_halton`.

    Examples
    --------
    >>> result = chi_square_test([[56, 16], [141, 45], [113, 41]])
    >>> round(result.statistic, 3), result.dof, round(result.p_value, 3)
    (0.568, 2, 0.753)
    """
    counts = _as_table(table, "chi_square_test")
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        raise ValueError(
            "chi_square_test needs at least two rows and two columns with cases; with one "
            "group or one outcome there is no variation to test."
        )
    n = counts.sum()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / n
    statistic = float(((counts - expected) ** 2 / expected).sum())
    dof = (counts.shape[0] - 1) * (counts.shape[1] - 1)
    if expected.min() < 1 or (expected < 5).mean() > 0.2:
        warn(
            f"the smallest expected count is {expected.min():.2f} and {(expected < 5).sum()} of "
            f"{expected.size} are below 5; the χ² p-value is unreliable here, use the exact "
            "test (fisher_freeman_halton) instead."
        )
    return ChiSquareResult(statistic, dof, float(chi2.sf(statistic, dof)), float(expected.min()))


def _log_comb(n: npt.ArrayLike, k: npt.ArrayLike) -> FloatArray:
    n, k = np.asarray(n, dtype=np.float64), np.asarray(k, dtype=np.float64)
    return np.asarray(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1), dtype=np.float64)


def _states(sizes: Sequence[int], m: int) -> int:
    """How many partial tables of these rows have a first-column sum of at most m."""
    ways = np.ones(1)
    for n in sizes:
        ways = np.convolve(ways, np.ones(n + 1))[: m + 1]
    return int(ways.sum())


def _enumerate(sizes: Sequence[int], m: int, rest: int) -> tuple[IntArray, FloatArray]:
    """Every partial table of these rows: its first-column sum and log of prod C(n_i, x_i).

    ``rest`` is the capacity of the other rows; sums that cannot reach ``m`` with it are pruned.
    """
    sums = np.zeros(1, dtype=np.int64)
    logw = np.zeros(1)
    left = sum(sizes) + rest
    for n in sizes:
        left -= n
        x = np.arange(n + 1)
        sums = (sums[:, None] + x[None, :]).ravel()
        logw = (logw[:, None] + _log_comb(n, x)[None, :]).ravel()
        keep = (sums <= m) & (sums + left >= m)
        sums, logw = sums[keep], logw[keep]
    return sums, logw


def fisher_freeman_halton(
    table: npt.ArrayLike | pd.DataFrame, *, max_tables: int = 20_000_000
) -> ExactTestResult:
    """Exact Fisher–Freeman–Halton test of an r × 2 table (e.g. region × granted/not granted).

    Conditional on both margins, a table with first column ``x`` has the multivariate
    hypergeometric probability ``prod C(n_i, x_i) / C(N, m)``. The p-value is the sum of the
    probabilities of every table no more probable than the observed one, up to a relative
    tolerance of 1e-7 (as R's ``fisher.test``). For a 2 × 2 table this is the two-sided
    Fisher exact test.

    The tables are enumerated meet-in-the-middle: the rows are split into two halves of about
    equal size, each half's partial tables are listed with their first-column sums, and for
    each sum the matching partial tables of the other half are found by binary search in their
    sorted log-probabilities. Table 1 of the review (412 cases, four regions, 104 776 tables)
    takes a few milliseconds.

    Parameters
    ----------
    table : array_like or pandas.DataFrame
        An r × 2 (or 2 × c) table of counts; rows and columns without cases are dropped.
    max_tables : int, default 20000000
        Refuse tables whose half-enumerations would exceed this many partial tables.

    Returns
    -------
    ExactTestResult
        ``p_value``, ``table_probability`` (of the observed table) and ``n_tables``.

    Examples
    --------
    >>> result = fisher_freeman_halton([[1, 1], [12, 1], [13, 2], [30, 12]])
    >>> round(result.p_value, 4), result.n_tables
    (0.2105, 398)
    """
    counts = _as_table(table, "fisher_freeman_halton")
    if counts.ndim == 2 and counts.shape[0] == 2 and counts.shape[1] > 2:
        counts = counts.T
    if counts.shape[1] == 1 or counts.shape[0] <= 1:
        return ExactTestResult(1.0, 1.0, 1)
    if counts.shape[1] != 2:
        raise ValueError(
            f"fisher_freeman_halton needs an r × 2 table, got {counts.shape[0]} × "
            f"{counts.shape[1]}; for more outcome columns use chi_square_test or a "
            "permutation test."
        )
    rows = counts.sum(axis=1)
    m = int(counts[:, 0].sum())
    total = int(rows.sum())
    first: list[int] = []
    second: list[int] = []
    for n in sorted(rows.tolist(), reverse=True):  # balance the halves by log size
        weight = sum(math.log(k + 1) for k in first), sum(math.log(k + 1) for k in second)
        (first if weight[0] <= weight[1] else second).append(int(n))
    for half in (first, second):
        if _states(half, m) > max_tables:
            raise ValueError(
                f"the table has too many rows or cases for exact enumeration (more than "
                f"{max_tables} partial tables); use chi_square_test or a permutation test."
            )
    sums_a, logw_a = _enumerate(first, m, sum(second))
    sums_b, logw_b = _enumerate(second, m, sum(first))
    log_norm = float(_log_comb(total, m))
    observed = float(_log_comb(rows, counts[:, 0]).sum())
    threshold = observed + math.log1p(RELATIVE_TOLERANCE)

    order = np.lexsort((logw_b, sums_b))
    sums_b, logw_b = sums_b[order], logw_b[order]
    values, starts, sizes = np.unique(sums_b, return_index=True, return_counts=True)
    by_sum_a = pd.Series(np.arange(sums_a.size)).groupby(sums_a).indices
    p_value = 0.0
    n_tables = 0
    for value, start, size in zip(values.tolist(), starts.tolist(), sizes.tolist(), strict=True):
        partners = by_sum_a.get(m - value)
        if partners is None:
            continue
        group = logw_b[start : start + size]
        shift = float(group[-1])
        cumulative = np.concatenate(([0.0], np.cumsum(np.exp(group - shift))))
        wa = logw_a[partners]
        position = np.searchsorted(group, threshold - wa, side="right")
        p_value += float(np.sum(np.exp(wa + shift - log_norm) * cumulative[position]))
        n_tables += int(size) * len(partners)
    return ExactTestResult(min(p_value, 1.0), math.exp(observed - log_norm), n_tables)


def level_suffix(level: float) -> str:
    """The column suffix of a control-limit level: 0.95 -> "95", 0.998 -> "998"."""
    return f"{level * 100:g}".replace(".", "")


def _limit_counts(p0: float, n: IntArray, level: float) -> tuple[FloatArray, FloatArray]:
    alpha = check_alpha(1.0 - level)
    return binom.ppf(alpha / 2, n, p0), binom.ppf(1 - alpha / 2, n, p0)


def funnel_limits(
    p0: float, n: npt.ArrayLike, levels: Sequence[float] = (0.95, 0.998)
) -> pd.DataFrame:
    """Exact binomial control limits for a proportion ``p0`` observed in ``n`` cases.

    For each level ``1 - alpha`` the limits are the binomial quantiles
    ``binom.ppf(alpha / 2, n, p0) / n`` and ``binom.ppf(1 - alpha / 2, n, p0) / n``, without
    interpolation: they step with n, and a count between them (inclusive) has probability at
    least ``1 - alpha`` under ``p0``.

    Parameters
    ----------
    p0 : float
        The national proportion (granted / decided), between 0 and 1.
    n : array_like of int
        Numbers of decided cases (> 0).
    levels : sequence of float, default (0.95, 0.998)
        The levels of the limits.

    Returns
    -------
    pandas.DataFrame
        ``n`` and, per level, ``lower_<s>`` and ``upper_<s>`` as proportions, where ``<s>`` is
        :func:`level_suffix` (``lower_95``, ``upper_998``, ...).

    Examples
    --------
    >>> funnel_limits(0.75, [20, 200])[["n", "lower_95", "upper_95"]].to_numpy().tolist()
    [[20.0, 0.55, 0.9], [200.0, 0.69, 0.81]]
    """
    if not 0.0 <= float(p0) <= 1.0:
        raise ValueError(f"p0 must be a proportion between 0 and 1, got {p0}.")
    sizes = np.asarray(n, dtype=np.int64).reshape(-1)
    if (sizes <= 0).any():
        raise ValueError("n must be positive numbers of decided cases.")
    frame = pd.DataFrame({"n": sizes})
    for level in levels:
        lower, upper = _limit_counts(float(p0), sizes, level)
        suffix = level_suffix(level)
        frame[f"lower_{suffix}"] = lower / sizes
        frame[f"upper_{suffix}"] = upper / sizes
    return frame


class Funnel(NamedTuple):
    """The funnel plot's points (one per group), its limit curves and the national rate."""

    points: pd.DataFrame
    limits: pd.DataFrame
    p0: float


def funnel_data(
    cases: pd.DataFrame,
    *,
    by: str = "region",
    levels: Sequence[float] = (0.95, 0.998),
) -> Funnel:
    """Each group's grant rate against its number of decided cases, with exact limits.

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case with ``outcome`` and ``by``.
    by : str, default "region"
        The groups (cases where it is missing are left out, also of the national rate).
    levels : sequence of float, default (0.95, 0.998)
        The levels of the control limits (:func:`funnel_limits`).

    Returns
    -------
    Funnel
        ``points``: one row per group with cases, columns ``by, n, granted, rate, p0``, the
        limits at that ``n`` and ``outside_<s>`` (True when the count lies outside the limits
        of that level); ``limits``: :func:`funnel_limits` for every n from 1 to 10 % past the
        largest group, the curves to draw; ``p0``: the national grant rate.

    Examples
    --------
    >>> cases = pd.DataFrame({"region": ["Helse Nord"] * 10 + ["Helse Vest"] * 30,
    ...                       "outcome": ["refused"] * 8 + ["granted"] * 32})
    >>> funnel = funnel_data(cases)
    >>> funnel.p0
    0.8
    >>> funnel.points[["region", "n", "rate", "outside_95", "outside_998"]]
           region   n  rate  outside_95  outside_998
    0  Helse Vest  30   1.0        True        False
    1  Helse Nord  10   0.2        True         True
    """
    table = grant_table(cases, by)
    n = table.sum(axis=1).to_numpy(np.int64)
    granted = table["granted"].to_numpy(np.int64)
    keep = n > 0
    if not keep.any():
        raise ValueError(f"no decided case has a {by}; there is nothing to draw.")
    n, granted = n[keep], granted[keep]
    p0 = float(granted.sum() / n.sum())
    points = pd.DataFrame({by: table.index[keep], "n": n, "granted": granted})
    points["rate"] = granted / n
    points["p0"] = p0
    limits = funnel_limits(p0, n, levels)
    for level in levels:
        suffix = level_suffix(level)
        points[f"lower_{suffix}"] = limits[f"lower_{suffix}"].to_numpy()
        points[f"upper_{suffix}"] = limits[f"upper_{suffix}"].to_numpy()
        low, high = _limit_counts(p0, n, level)
        points[f"outside_{suffix}"] = (granted < low) | (granted > high)
    curve = funnel_limits(p0, np.arange(1, math.ceil(n.max() * 1.1) + 1), levels)
    return Funnel(points, curve, p0)
