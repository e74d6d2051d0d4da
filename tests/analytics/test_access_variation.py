"""Variation across regions: χ², the exact Fisher–Freeman–Halton test and the funnel plot,
each against an independent computation with scipy."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest
from scipy.stats import (
    binom,
    chi2_contingency,
    fisher_exact,
    multivariate_hypergeom,
    permutation_test,
)

from tracker.analytics import StatisticalWarning
from tracker.analytics.access_reference import table1_cases
from tracker.analytics.access_variation import (
    chi_square_test,
    fisher_freeman_halton,
    funnel_data,
    funnel_limits,
    grant_table,
)
from tracker.feeds.columns import REGION_NAMES


def brute_force_ffh(table: np.ndarray) -> float:
    """Every table with the observed margins, probabilities from scipy's multivariate
    hypergeometric distribution; the observed table and those no more probable."""
    rows = table.sum(axis=1)
    m = int(table[:, 0].sum())
    observed = multivariate_hypergeom.pmf(table[:, 0], m=rows, n=m)
    grid = np.array(list(itertools.product(*(range(int(n) + 1) for n in rows[:-1]))))
    last = m - grid.sum(axis=1)
    ok = (last >= 0) & (last <= rows[-1])
    tables = np.column_stack([grid[ok], last[ok]])
    p = multivariate_hypergeom.pmf(tables, m=rows, n=m)
    assert p.sum() == pytest.approx(1.0)
    return float(p[p <= observed * (1 + 1e-7)].sum())


def test_table_1_by_region_is_the_four_regions_granted_and_refused() -> None:
    table = grant_table(table1_cases())
    assert table.index.tolist() == list(REGION_NAMES)
    assert table.sum().tolist() == [310, 102]
    assert table.loc["Helse Nord"].tolist() == [14, 11]


def test_chi_square_equals_scipy_without_continuity_correction() -> None:
    table = grant_table(table1_cases())
    result = chi_square_test(table)
    statistic, p_value, dof, expected = chi2_contingency(table.to_numpy(), correction=False)
    assert result.statistic == pytest.approx(statistic, rel=1e-12)
    assert result.p_value == pytest.approx(p_value, rel=1e-12)
    assert result.dof == dof == 3
    assert result.min_expected == pytest.approx(expected.min())


def test_chi_square_warns_where_expected_counts_are_small_and_still_equals_scipy() -> None:
    cases = table1_cases()
    small = grant_table(cases[cases["year"] == 2020])  # Helse Nord: 2 cases
    with pytest.warns(StatisticalWarning, match="fisher_freeman_halton"):
        result = chi_square_test(small)
    statistic, p_value, _, _ = chi2_contingency(small.to_numpy(), correction=False)
    assert (result.statistic, result.p_value) == pytest.approx((statistic, p_value))


def test_a_region_without_cases_is_left_out_of_the_tests() -> None:
    table = np.array([[10, 5], [0, 0], [7, 8]])
    assert chi_square_test(table).dof == 1
    assert fisher_freeman_halton(table).p_value == pytest.approx(
        fisher_exact([[10, 5], [7, 8]]).pvalue)


def test_ffh_on_2x2_tables_is_fishers_exact_test() -> None:
    rng = np.random.default_rng(16)
    for _ in range(300):
        table = rng.integers(0, 25, size=(2, 2))
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            continue
        expected = fisher_exact(table, alternative="two-sided").pvalue
        assert fisher_freeman_halton(table).p_value == pytest.approx(expected, rel=1e-9, abs=1e-14)


@pytest.mark.parametrize("rows", [3, 4])
def test_ffh_equals_brute_force_enumeration_with_scipy(rows: int) -> None:
    rng = np.random.default_rng(rows)
    for _ in range(25):
        table = rng.integers(0, 9, size=(rows, 2))
        table[:, 0] += rng.integers(0, 3)  # not all tables near independence
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            continue
        result = fisher_freeman_halton(table)
        assert result.p_value == pytest.approx(brute_force_ffh(table), rel=1e-9, abs=1e-14)
        assert result.table_probability == pytest.approx(
            multivariate_hypergeom.pmf(table[:, 0], m=table.sum(axis=1), n=table[:, 0].sum()))


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_ffh_for_each_year_of_table_1_equals_brute_force(year: int) -> None:
    cases = table1_cases()
    table = grant_table(cases[cases["year"] == year]).to_numpy()
    assert fisher_freeman_halton(table).p_value == pytest.approx(brute_force_ffh(table), rel=1e-9)


def test_ffh_of_table_1_agrees_with_a_permutation_test_and_is_fast() -> None:
    cases = table1_cases()
    table = grant_table(cases)
    started = time.perf_counter()
    result = fisher_freeman_halton(table)
    assert time.perf_counter() - started < 0.5
    assert result.n_tables == 104_776

    region = pd.Categorical(cases["region"], categories=list(REGION_NAMES)).codes
    granted = (cases["outcome"] == "granted").to_numpy()
    rows = np.bincount(region, minlength=4)
    m = int(granted.sum())

    def table_probability(outcome: np.ndarray, axis: int = -1) -> np.ndarray:
        counts = np.stack([(outcome & (region == r)).sum(axis=axis) for r in range(4)], axis=-1)
        return multivariate_hypergeom.logpmf(counts, m=rows, n=m)

    n_resamples = 20_000
    estimate = permutation_test(
        (granted,), table_probability, permutation_type="pairings", vectorized=True,
        n_resamples=n_resamples, alternative="less", random_state=np.random.default_rng(1),
    ).pvalue
    error = np.sqrt(result.p_value * (1 - result.p_value) / n_resamples)
    assert abs(estimate - result.p_value) < 4 * error + 1 / n_resamples
    assert 0.01 < result.p_value < 0.05  # the regions differ at the 5 % level
    assert result.p_value == pytest.approx(brute_force_ffh(table.to_numpy()), rel=1e-9)


def test_ffh_refuses_what_it_cannot_enumerate() -> None:
    with pytest.raises(ValueError, match="r × 2 table"):
        fisher_freeman_halton([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    with pytest.raises(ValueError, match="too many"):
        fisher_freeman_halton(np.full((12, 2), 400))
    with pytest.raises(ValueError, match="whole non-negative counts"):
        fisher_freeman_halton([[1.5, 2], [3, 4]])
    assert fisher_freeman_halton([[5, 0], [7, 0]]).p_value == 1.0  # nobody refused


def test_funnel_limits_are_binomial_quantiles_around_the_national_rate() -> None:
    funnel = funnel_data(table1_cases())
    assert funnel.p0 == pytest.approx(310 / 412)
    n = funnel.limits["n"].to_numpy()
    assert n[0] == 1 and n[-1] >= 223 * 1.1
    for level, suffix in ((0.95, "95"), (0.998, "998")):
        alpha = 1 - level
        lower = binom.ppf(alpha / 2, n, funnel.p0)
        upper = binom.ppf(1 - alpha / 2, n, funnel.p0)
        np.testing.assert_allclose(funnel.limits[f"lower_{suffix}"], lower / n)
        np.testing.assert_allclose(funnel.limits[f"upper_{suffix}"], upper / n)
        # a count between the limits has at least the level's probability
        inside = binom.cdf(upper, n, funnel.p0) - binom.cdf(lower - 1, n, funnel.p0)
        assert (inside >= level - 1e-12).all()


def test_funnel_points_are_the_regions_with_their_limits() -> None:
    cases = table1_cases()
    funnel = funnel_data(cases)
    points = funnel.points.set_index("region")
    assert points.index.tolist() == list(REGION_NAMES)
    assert points.loc["Helse Nord", ["n", "granted"]].tolist() == [25, 14]
    for region, row in points.iterrows():
        lower = binom.ppf(0.025, row["n"], funnel.p0)
        upper = binom.ppf(0.975, row["n"], funnel.p0)
        assert row["outside_95"] == (not lower <= row["granted"] <= upper), region
        assert row["upper_95"] == pytest.approx(upper / row["n"])


def test_a_region_far_from_the_national_rate_falls_outside_the_funnel() -> None:
    cases = pd.DataFrame({
        "region": ["Helse Sør-Øst"] * 200 + ["Helse Nord"] * 40,
        "outcome": ["granted"] * 160 + ["refused"] * 40 + ["granted"] * 12 + ["refused"] * 28,
    })
    points = funnel_data(cases).points.set_index("region")
    nord = points.loc["Helse Nord"]
    assert bool(nord["outside_998"]) and bool(nord["outside_95"])
    assert not points.loc["Helse Sør-Øst", "outside_998"]
    assert "Helse Vest" not in points.index  # no cases, no point


def test_funnel_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="proportion between 0 and 1"):
        funnel_limits(1.5, [10])
    with pytest.raises(ValueError, match="positive"):
        funnel_limits(0.5, [0, 10])
