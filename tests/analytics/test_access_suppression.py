"""Small-count suppression: no count of 1–4 is shown, and none can be worked out from what is.

The attacker here sees the shown cells and the exact row and column totals, and solves the
linear equations they give for the hidden cells (and, stronger, the bounds that non-negative
counts add, with a linear programme).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tracker.analytics.access_rates import grant_rates
from tracker.analytics.access_reference import table1_cases
from tracker.analytics.access_stats import outcome_counts
from tracker.analytics.access_suppression import (
    suppress_outcome_counts,
    suppress_small_counts,
    suppression_mask,
)


def constraints(x: np.ndarray, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the reader knows about the hidden cells: for each row and column (that has a total
    worth showing), the sum of its hidden cells = its total minus its shown cells."""
    rows, cols = x.shape
    cells = list(zip(*np.nonzero(hidden), strict=True))
    # a one-column table shows no row totals (each would be its cell), likewise for one row
    lines = ([("r", i) for i in range(rows)] if cols >= 2 else []) + (
        [("c", j) for j in range(cols)] if rows >= 2 else [])
    a = np.zeros((len(lines) + 1, len(cells)))
    b = np.zeros(len(lines) + 1)
    for k, (kind, index) in enumerate(lines):
        for c, (i, j) in enumerate(cells):
            a[k, c] = (i if kind == "r" else j) == index
        line = x[index] if kind == "r" else x[:, index]
        shown = ~(hidden[index] if kind == "r" else hidden[:, index])
        b[k] = line.sum() - line[shown].sum()
    a[-1] = 1.0  # and the grand total
    b[-1] = x.sum() - x[~hidden].sum()
    return a, b


def determined_by_equations(x: np.ndarray, hidden: np.ndarray) -> list[int]:
    """Hidden cells whose value the equations fix: e_j lies in the row space of A."""
    a, _ = constraints(x, hidden)
    rank = np.linalg.matrix_rank(a)
    out = []
    for j in range(a.shape[1]):
        unit = np.zeros(a.shape[1])
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(j)
    return out


def determined_by_bounds(x: np.ndarray, hidden: np.ndarray) -> list[int]:
    """Hidden cells whose smallest and largest value given the totals and x >= 0 coincide."""
    a, b = constraints(x, hidden)
    out = []
    for j in range(a.shape[1]):
        objective = np.zeros(a.shape[1])
        objective[j] = 1.0
        low = linprog(objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs").fun
        high = -linprog(-objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs").fun
        if high - low < 0.5:
            out.append(j)
    return out


def assert_protected(x: np.ndarray, hidden: np.ndarray, bounds: bool = True) -> None:
    small = (x >= 1) & (x <= 4)
    assert hidden[small].all(), "a count of 1-4 is shown"
    rows, cols = x.shape
    if cols >= 2:
        assert not (hidden.sum(axis=1) == 1).any(), "a row has one hidden cell"
    if rows >= 2:
        assert not (hidden.sum(axis=0) == 1).any(), "a column has one hidden cell"
    if hidden.any():
        assert determined_by_equations(x, hidden) == []
        if bounds:
            values = x[hidden]
            fixed = [j for j in determined_by_bounds(x, hidden) if 1 <= values[j] <= 4]
            assert fixed == [], f"hidden small counts {values[fixed]} follow from the bounds"


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_table_1_by_region_and_outcome_cannot_be_recovered_in_any_year(year: int) -> None:
    cases = table1_cases()
    counts = outcome_counts(cases[cases["year"] == year], ["region"], totals=False)
    x = counts[["granted", "refused"]].to_numpy()
    assert_protected(x, suppression_mask(x))


def test_table_1_as_shown_hides_the_small_regions_and_keeps_every_total() -> None:
    rates = grant_rates(table1_cases(), ["year", "region"])
    shown, mask = suppress_outcome_counts(rates, ["year", "region"])
    cells = shown[shown["row_type"] == "cell"].set_index(["year", "region"])
    # 2020: Helse Nord 1/1, Helse Midt-Norge 12/1, Helse Vest 13/2 -> three regions hidden
    assert cells.loc[2020, "granted"].isna().tolist() == [False, True, True, True]
    assert cells.loc[(2022, "Helse Nord"), "granted"] is None  # 3 granted, 3 refused
    assert cells.loc[(2021, "Helse Nord"), "granted"] == 10  # nothing small in 2021
    # the totals and their rates stay: they are the published figures
    pd.testing.assert_series_equal(shown["total"].astype(int), rates["total"].astype(int))
    totals = shown[shown["row_type"] != "cell"]
    assert totals[["granted", "refused", "rate"]].notna().all().all()
    # a rate (or its interval) in a row with a hidden cell would give the cell back
    hidden_rows = mask[["granted", "refused"]].any(axis=1)
    assert shown.loc[hidden_rows, ["decided", "rate", "ci_lower", "ci_upper"]].isna().all().all()
    assert not mask.loc[~hidden_rows].any().any()
    for year in (2020, 2021, 2022):
        part = (rates["row_type"] == "cell") & (rates["year"] == year)
        x = rates.loc[part, ["granted", "refused"]].to_numpy()
        assert_protected(x, mask.loc[part, ["granted", "refused"]].to_numpy())


def test_secondary_cells_mend_two_lines_at_once_where_they_can() -> None:
    table = pd.DataFrame({"granted": [3, 20, 30], "refused": [9, 8, 7]})
    hidden = suppress_small_counts(table).mask.to_numpy()
    assert hidden.tolist() == [[True, True], [True, True], [False, False]]


def test_a_hidden_cell_on_a_bridge_gets_a_cycle() -> None:
    # two blocks of four hidden cells joined by one: the line rule alone leaves the joining
    # cell determined by the totals (it is the difference of the blocks' sums)
    x = np.array([
        [2, 2, 50, 50],
        [2, 3, 4, 60],
        [70, 80, 2, 2],
        [90, 90, 2, 2],
    ])
    hidden = suppression_mask(x)
    assert_protected(x, hidden)
    assert hidden.sum() > 9


def test_zeros_are_shown_and_a_one_column_table_only_needs_its_column_total() -> None:
    x = np.array([[0], [3], [40], [12]])
    hidden = suppression_mask(x)
    assert hidden[:, 0].tolist() == [False, True, False, True]  # 3 and the next smallest, 12
    assert_protected(x, hidden)


def test_hidden_zeros_that_add_up_to_nothing_get_a_non_zero_partner() -> None:
    # the 1 needs partners in its row and column; the column offers only zeros, and a row of
    # hidden zeros whose total is 5 with the 5 shown would say they are all 0
    x = np.array([[0, 40, 1], [5, 0, 0]])
    hidden = suppression_mask(x)
    assert hidden[1, 0]  # the 5 is hidden too
    assert_protected(x, hidden, bounds=True)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 6), cols=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
    zeros=st.booleans(),
)
def test_no_hidden_cell_follows_from_the_totals_in_random_tables(
    rows: int, cols: int, seed: int, zeros: bool
) -> None:
    assume(rows * cols > 1)  # a single cell is its own total
    rng = np.random.default_rng(seed)
    x = np.where(rng.random((rows, cols)) < 0.4, rng.integers(1, 5, (rows, cols)),
                 rng.integers(5, 60, (rows, cols)))
    if zeros:
        x = np.where(rng.random((rows, cols)) < 0.2, 0, x)
    hidden = suppression_mask(x)
    assert_protected(x, hidden, bounds=not zeros)


def test_random_tables_with_zeros_keep_the_equations_underdetermined() -> None:
    rng = np.random.default_rng(2024)
    for _ in range(300):
        shape = tuple(rng.integers(2, 7, size=2))
        x = rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 13, 40], size=shape)
        hidden = suppression_mask(x)
        assert_protected(x, hidden, bounds=False)


def test_a_subtotal_of_one_row_is_hidden_with_it_and_protected_against_the_total() -> None:
    cases = pd.DataFrame({
        "year": [2023] * 3 + [2024] * 30 + [2025] * 20,
        "method": ["ID1"] * 3 + ["ID1"] * 12 + ["ID2"] * 18 + ["ID2"] * 20,
        "outcome": ["granted", "granted", "refused"] + ["granted"] * 25 + ["refused"] * 5
                   + ["granted"] * 17 + ["refused"] * 3,
    })
    rates = grant_rates(cases, ["year", "method"])
    shown, mask = suppress_outcome_counts(rates, ["year", "method"])
    subtotal = shown[(shown["row_type"] == "subtotal") & (shown["year"] == 2023)].iloc[0]
    # 2023 has one method: its subtotal is that method's row, so it is hidden as well ...
    assert subtotal[["granted", "refused", "rate"]].isna().all()
    assert subtotal["total"] == 3
    # ... and the year subtotals are protected against the grand total in turn
    subtotals = rates[rates["row_type"] == "subtotal"]
    part = subtotals.index
    x = subtotals[["granted", "refused"]].to_numpy()
    assert_protected(x, mask.loc[part, ["granted", "refused"]].to_numpy(), bounds=False)
    assert mask.loc[part, ["granted", "refused"]].to_numpy().sum() >= 4
    assert shown.iloc[-1][["granted", "refused", "total"]].tolist() == [44, 9, 53]


def test_the_shown_table_holds_none_where_hidden() -> None:
    table = pd.DataFrame({"granted": [1, 20, 30], "refused": [0, 8, 7]},
                         index=["Helse Nord", "Helse Vest", "Helse Sør-Øst"])
    shown, mask = suppress_small_counts(table)
    assert shown.loc["Helse Nord", "granted"] is None
    assert (shown.isna() == mask).all().all()
    assert shown.where(~mask).stack().astype(int).equals(table.where(~mask).stack().astype(int))
