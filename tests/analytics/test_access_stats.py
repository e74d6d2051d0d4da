"""Counts by outcome, grant rates with exact intervals, and rates per 100 000 inhabitants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from tracker.analytics.access_rates import clopper_pearson, grant_rates, rates_per_population
from tracker.analytics.access_reference import load_population, table1_cases, table3_cases
from tracker.analytics.access_stats import check_cases, outcome_counts
from tracker.feeds.columns import REGION_NAMES


def registry() -> pd.DataFrame:
    """The review's 412 individual and 10 group cases, as one register would hold them."""
    return pd.concat([table1_cases(), table3_cases()], ignore_index=True)


def with_committee_outcomes() -> pd.DataFrame:
    """Tilgangsordningen cases with a no-consensus and a withdrawn case besides the decisions."""
    return pd.DataFrame({
        "scheme": "access_scheme", "year": 2025,
        "region": ["Helse Vest", "Helse Vest", "Helse Vest", "Helse Nord", "Helse Nord"],
        "outcome": ["granted", "no_consensus", "withdrawn", "refused", "granted"],
        "diagnosis_group": ["II", "II", "II", "IX", "II"],
        "method": ["ID2023_001", "ID2023_001", "ID2023_001", "ID2024_010", "ID2023_001"],
    })


def test_counts_by_scheme_keep_individual_and_group_exceptions_apart() -> None:
    counts = outcome_counts(registry(), ["scheme"]).set_index("row_type")
    cells = counts.loc["cell"].set_index("scheme")[["granted", "refused", "total"]]
    assert cells.loc["individual_exception"].tolist() == [310, 102, 412]
    assert cells.loc["group_exception"].tolist() == [8, 2, 10]
    assert counts.loc["total", "total"] == 422


def test_counts_by_diagnosis_group_and_method_add_up_to_the_cases() -> None:
    cases = registry()
    for key in ("diagnosis_group", "method"):
        counts = outcome_counts(cases, [key])
        cells = counts[counts["row_type"] == "cell"]
        expected = cases.groupby(key)["outcome"].value_counts().unstack(fill_value=0)
        got = cells.set_index(key)[["granted", "refused"]]
        pd.testing.assert_frame_equal(
            got.sort_index(), expected[["granted", "refused"]].sort_index(),
            check_names=False, check_dtype=False,
        )
        assert cells["total"].sum() == counts.iloc[-1]["total"] == len(cases)
    unknown = outcome_counts(cases, ["method"]).set_index("method").loc["ukjent"]
    assert unknown["total"] == 412  # Table 1 names no method


def test_other_outcomes_are_counted_apart_and_never_as_granted() -> None:
    counts = outcome_counts(with_committee_outcomes(), ["region"])
    assert list(counts.columns) == [
        "row_type", "level", "region", "granted", "refused", "no_consensus", "withdrawn",
        "total",
    ]
    vest = counts.set_index("region").loc["Helse Vest"]
    assert (vest["granted"], vest["no_consensus"], vest["withdrawn"], vest["total"]) == (1, 1, 1, 3)
    rates = grant_rates(with_committee_outcomes(), ["region"]).set_index("region")
    # withdrawn is not a decision; no consensus is a decision that grants nothing
    assert rates.loc["Helse Vest", "decided"] == 2
    assert rates.loc["Helse Vest", "rate"] == pytest.approx(0.5)


def test_every_region_appears_with_zeros_where_it_had_no_case() -> None:
    counts = outcome_counts(with_committee_outcomes(), ["year", "region"])
    cells = counts[counts["row_type"] == "cell"]
    assert cells["region"].tolist() == list(REGION_NAMES)
    assert cells.set_index("region").loc["Helse Sør-Øst", "total"] == 0
    rates = grant_rates(with_committee_outcomes(), ["region"]).set_index("region")
    assert np.isnan(rates.loc["Helse Sør-Øst", "rate"])
    assert np.isnan(rates.loc["Helse Sør-Øst", "ci_lower"])


def test_clopper_pearson_equals_scipy_binomtest_exact() -> None:
    ks, ns = [], []
    for n in (1, 2, 5, 13, 25, 77, 412):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            ks.append(k)
            ns.append(n)
    for confidence in (0.95, 0.99, 0.8):
        lower, upper = clopper_pearson(ks, ns, confidence)
        for k, n, lo, up in zip(ks, ns, lower, upper, strict=True):
            ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
            assert lo == pytest.approx(ci.low, abs=1e-12), (k, n)
            assert up == pytest.approx(ci.high, abs=1e-12), (k, n)


def test_grant_rates_of_table_1_by_region_equal_scipy() -> None:
    rates = grant_rates(table1_cases(), ["year", "region"])
    assert len(rates) == 16
    for _, row in rates.iterrows():
        ci = binomtest(int(row["granted"]), int(row["decided"])).proportion_ci(method="exact")
        assert row["rate"] == pytest.approx(row["granted"] / row["total"])
        assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_clopper_pearson_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="0 <= successes <= trials"):
        clopper_pearson([5], [4])
    with pytest.raises(ValueError, match="between 0 and 1"):
        clopper_pearson([1], [4], confidence=95)
    lower, upper = clopper_pearson(0, 0)
    assert np.isnan(lower) and np.isnan(upper)


def test_applications_and_grants_per_100_000_by_region_of_residence() -> None:
    cases = table1_cases()
    population = load_population()
    result = rates_per_population(cases, population)
    assert result["region"].iloc[:4].tolist() == list(REGION_NAMES)
    inhabitants = population.set_index("region")["population"]
    by_region = cases.groupby("region")["outcome"].agg(
        applications="size", granted=lambda o: int((o == "granted").sum())
    )
    for _, row in result.iloc[:4].iterrows():
        region = row["region"]
        assert row["population"] == inhabitants[region]
        assert row["applications_per"] == pytest.approx(
            by_region.loc[region, "applications"] / inhabitants[region] * 1e5)
        assert row["granted_per"] == pytest.approx(
            by_region.loc[region, "granted"] / inhabitants[region] * 1e5)
    national = result.iloc[-1]
    assert national["row_type"] == "total" and national["population"] == inhabitants.sum()
    assert national["granted_per"] == pytest.approx(310 / inhabitants.sum() * 1e5)
    assert (result["population_year"] == 2024).all()


def test_rates_per_population_read_the_region_of_residence_column() -> None:
    cases = table1_cases().rename(columns={"region": "residence_region"})
    cases["region"] = "Helse Vest"  # the deciding region must not be what is counted
    result = rates_per_population(cases, load_population(), region_column="residence_region")
    assert result.set_index("region").loc["Helse Nord", "applications"] == 25


def test_rates_per_population_say_which_population_is_missing() -> None:
    population = load_population()
    with pytest.raises(ValueError, match="no figure for Helse Sør-Øst, Helse Vest.* in 2019"):
        rates_per_population(table1_cases(), population, population_year=2019)
    with pytest.raises(ValueError, match="no column population"):
        rates_per_population(table1_cases(), population.drop(columns="population"))


def test_bad_cases_are_refused_with_the_fix() -> None:
    good = with_committee_outcomes()
    with pytest.raises(ValueError, match="full name"):
        check_cases(good.assign(region="Midt"), ["region"])
    with pytest.raises(ValueError, match="scheme must be one of"):
        check_cases(good.assign(scheme="exception"), ["scheme"])
    with pytest.raises(ValueError, match="outcome is missing in rows \\[1\\]"):
        check_cases(good.assign(outcome=["granted", None, "refused", "refused", "granted"]))
    with pytest.raises(ValueError, match="no column diagnosis_group"):
        outcome_counts(good.drop(columns="diagnosis_group"), ["diagnosis_group"])
    with pytest.raises(ValueError, match="does not list \\['no_consensus', 'withdrawn'\\]"):
        outcome_counts(good, ["region"], outcomes=["granted", "refused"])
