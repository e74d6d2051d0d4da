"""Grant rates with exact intervals, and applications and grants per inhabitant.

The input is the table of cases of :mod:`tracker.analytics.access_stats`.

Grant rate. The rate is ``granted / decided``, where *decided* is every case whose outcome is
not in :data:`~tracker.analytics.access_stats.NOT_DECIDED` (a withdrawn case was never
decided). A committee without consensus (Tilgangsordningen, 002_e9fcae1246b76c56.txt) grants
nothing, so ``"no_consensus"`` counts as decided and not granted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import beta

from tracker.analytics._common import FloatArray, check_alpha
from tracker.analytics.access_stats import NOT_DECIDED, check_cases, outcome_counts
from tracker.feeds.columns import REGION_NAMES

__all__ = ["clopper_pearson", "grant_rates", "rates_per_population"]


def clopper_pearson(
    successes: npt.ArrayLike, trials: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Exact (Clopper–Pearson) confidence interval for a binomial proportion.

    The limits are the ``alpha / 2`` quantile of Beta(k, n - k + 1) and the ``1 - alpha / 2``
    quantile of Beta(k + 1, n - k); the lower limit is 0 when ``k == 0``, the upper limit is 1
    when ``k == n``, and both are NaN when ``n == 0``.

    Parameters
    ----------
    successes, trials : array_like of int
        ``k`` and ``n``, whole numbers with ``0 <= k <= n``; broadcast against each other.
    confidence : float, default 0.95
        The interval's coverage (at least this, for every true proportion).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits, as floats.

    Examples
    --------
    >>> lower, upper = clopper_pearson([310, 0], [412, 10])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.7078, 0.0], [0.7934, 0.3085])
    """
    alpha = check_alpha(1.0 - float(confidence))
    k, n = np.broadcast_arrays(
        np.asarray(successes, dtype=np.float64), np.asarray(trials, dtype=np.float64)
    )
    bad = (k < 0) | (k > n) | (k != np.round(k)) | (n != np.round(n)) | np.isnan(k) | np.isnan(n)
    if bad.any():
        raise ValueError(
            "successes and trials must be whole numbers with 0 <= successes <= trials; "
            f"found successes={k[bad][:3].tolist()} with trials={n[bad][:3].tolist()}."
        )
    with np.errstate(invalid="ignore"):
        lower = np.where(k > 0, beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        upper = np.where(k < n, beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    empty = n == 0
    lower = np.where(empty, np.nan, lower).astype(np.float64)
    upper = np.where(empty, np.nan, upper).astype(np.float64)
    return lower, upper


def grant_rates(
    cases: pd.DataFrame,
    by: Sequence[str] = ("region",),
    *,
    confidence: float = 0.95,
    outcomes: Sequence[str] | None = None,
    totals: bool = True,
) -> pd.DataFrame:
    """Grant rate with its exact confidence interval per group (and for the totals).

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case with ``outcome`` and the columns in ``by``.
    by : sequence of str, default ("region",)
        The grouping keys, as for :func:`outcome_counts`.
    confidence : float, default 0.95
        Coverage of the Clopper–Pearson interval (:func:`clopper_pearson`).
    outcomes, totals
        As for :func:`outcome_counts`.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`outcome_counts` with ``decided`` (every case not withdrawn),
        ``rate = granted / decided`` and ``ci_lower``, ``ci_upper``; NaN where nothing was
        decided.

    Examples
    --------
    >>> cases = pd.DataFrame({"region": ["Helse Nord"] * 4,
    ...                       "outcome": ["granted", "granted", "refused", "withdrawn"]})
    >>> row = grant_rates(cases).iloc[3]
    >>> int(row["decided"]), float(row["rate"].round(3)), float(row["ci_lower"].round(3))
    (3, 0.667, 0.094)
    """
    table = outcome_counts(cases, by, outcomes=outcomes, totals=totals)
    withdrawn = [c for c in NOT_DECIDED if c in table.columns]
    decided = (table["total"] - table[withdrawn].sum(axis=1)).to_numpy(np.int64)
    granted = table["granted"].to_numpy(np.int64)
    lower, upper = clopper_pearson(granted, decided, confidence)
    table["decided"] = decided
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = np.where(decided > 0, granted / np.maximum(decided, 1), np.nan)
    table["ci_lower"] = lower
    table["ci_upper"] = upper
    return table


def rates_per_population(
    cases: pd.DataFrame,
    population: pd.DataFrame,
    *,
    region_column: str = "region",
    population_year: int | None = None,
    per: int = 100_000,
) -> pd.DataFrame:
    """Applications and grants per ``per`` inhabitants by region of residence (000 Table 2).

    The counts are over every case given (e.g. 2020–2022 together, as Table 2 of the review,
    000_3134ab22afa02640.txt L465–469), divided by one year's population, so the result is a
    number per ``per`` inhabitants over the period, not per year. Cases without a region are
    left out (a group exception is a national decision); the national row counts every case
    with a region.

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case with ``outcome`` and ``region_column``.
    population : pandas.DataFrame
        Columns ``region, year, population`` (e.g. ``load_population()`` of
        :mod:`tracker.analytics.access_reference`), every region for the year used.
    region_column : str, default "region"
        The column with the patient's region of residence (e.g. ``"residence_region"``).
    population_year : int, optional
        Whose population to divide by; by default the latest year in ``population``.
    per : int, default 100000
        The rates are per this many inhabitants.

    Returns
    -------
    pandas.DataFrame
        One row per region and a last, national row: ``row_type`` (``"cell"``, ``"total"``),
        ``region`` (missing in the national row), ``applications, granted, population,
        population_year, applications_per, granted_per``.

    Examples
    --------
    >>> pop = pd.DataFrame({"region": list(REGION_NAMES), "year": 2024,
    ...                     "population": [3_000_000, 1_000_000, 750_000, 500_000]})
    >>> cases = pd.DataFrame({"region": ["Helse Nord"] * 5, "outcome": ["granted"] * 5})
    >>> rates_per_population(cases, pop)["granted_per"].tolist()
    [0.0, 0.0, 0.0, 1.0, 0.09523809523809523]
    """
    check_cases(cases, [region_column])
    frame = check_cases(
        pd.DataFrame({"region": cases[region_column], "outcome": cases["outcome"]}), ["region"]
    )
    missing = {"region", "year", "population"} - set(population.columns)
    if missing:
        raise ValueError(
            f"population has no column {', '.join(sorted(missing))}; expected region, year, "
            "population (see seeds/reference/population_by_region.csv)."
        )
    year = int(population["year"].max()) if population_year is None else int(population_year)
    rows = population[population["year"] == year].set_index("region")["population"]
    absent = [r for r in REGION_NAMES if r not in rows.index]
    if absent:
        raise ValueError(
            f"population has no figure for {', '.join(absent)} in {year}; add it or choose "
            "another population_year."
        )
    counts = outcome_counts(frame.loc[frame["region"].notna()], ["region"])
    is_total = (counts["row_type"] == "total").to_numpy()
    inhabitants = np.array(
        [float(rows[list(REGION_NAMES)].sum()) if total else float(rows[region])
         for region, total in zip(counts["region"], is_total, strict=True)]
    )
    result = pd.DataFrame({
        "row_type": counts["row_type"],
        "region": counts["region"],
        "applications": counts["total"],
        "granted": counts["granted"],
        "population": inhabitants.astype(np.int64),
        "population_year": year,
    })
    result["applications_per"] = result["applications"] / result["population"] * per
    result["granted_per"] = result["granted"] / result["population"] * per
    return result
