"""National statistics of individual access: the table of cases and its counts by outcome.

Every function takes a DataFrame of *decided cases* ("saker"), one row per case, with columns

``scheme``
    ``"individual_exception"`` (unntak for enkeltpasient), ``"group_exception"``
    (gruppeunntak) or ``"access_scheme"`` (Tilgangsordningen).
``year``
    int, the year of the decision.
``region``
    one of :data:`tracker.feeds.columns.REGION_NAMES`, or missing (a group exception is a
    national decision and may have no region).
``outcome``
    ``"granted"`` (innvilget) or ``"refused"`` (avslått); other outcomes
    (``"no_consensus"``, ``"withdrawn"``) are counted in columns of their own, never as granted.
``diagnosis_group``
    str, e.g. the ICD-10 chapter; ``"ukjent"`` where it is not known.
``method``
    str, the Nye metoder ID; ``"ukjent"`` where it is not known.

Only the columns a function reads must be present. These are "the fewest possible parameters"
the review of the exception scheme asks a national register for (000_3134ab22afa02640.txt
L1230–1245); :func:`outcome_counts` by ``("year", "region")`` is the shape of its Table 1
(L403–442).

Grant rates, their intervals and rates per inhabitant are in
:mod:`tracker.analytics.access_rates`, the tests of variation across regions and the funnel plot
in :mod:`tracker.analytics.access_variation`, small-count suppression in
:mod:`tracker.analytics.access_suppression`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracker.feeds.columns import REGION_NAMES

__all__ = [
    "CASE_COLUMNS",
    "DECIDED",
    "NOT_DECIDED",
    "OUTCOMES",
    "SCHEMES",
    "UNKNOWN",
    "check_cases",
    "outcome_counts",
]

CASE_COLUMNS: tuple[str, ...] = (
    "scheme", "year", "region", "outcome", "diagnosis_group", "method",
)
SCHEMES: tuple[str, ...] = ("individual_exception", "group_exception", "access_scheme")
#: The outcomes every count table has a column for, in this order; others follow them.
OUTCOMES: tuple[str, ...] = ("granted", "refused")
#: Outcomes that are not a decision: left out of a grant rate's denominator (access_rates).
NOT_DECIDED: tuple[str, ...] = ("withdrawn",)
#: What a case without a known method or diagnosis group is counted under.
UNKNOWN = "ukjent"
#: The extra columns ``access_rates.grant_rates`` adds to a count table.
DECIDED: tuple[str, ...] = ("decided", "rate", "ci_lower", "ci_upper")


def check_cases(cases: pd.DataFrame, columns: Sequence[str] = ("outcome",)) -> pd.DataFrame:
    """Validate a table of cases and return it; raise ValueError saying how to fix it.

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case (see the module docstring).
    columns : sequence of str
        The columns the caller reads; each must be present. ``outcome`` is always checked.

    Returns
    -------
    pandas.DataFrame
        ``cases`` itself (not copied).

    Examples
    --------
    >>> check_cases(pd.DataFrame({"outcome": ["granted"], "region": ["Helse Vest"]}),
    ...             ["region"]).shape
    (1, 2)
    """
    if not isinstance(cases, pd.DataFrame):
        raise ValueError(
            f"cases must be a pandas DataFrame with one row per case, got {type(cases)}."
        )
    wanted = list(dict.fromkeys(["outcome", *columns]))
    missing = [c for c in wanted if c not in cases.columns]
    if missing:
        raise ValueError(
            f"cases has no column {', '.join(missing)}; expected the columns "
            f"{', '.join(CASE_COLUMNS)} (one row per decided case)."
        )
    outcome = cases["outcome"]
    if outcome.isna().any():
        rows = np.flatnonzero(outcome.isna().to_numpy())[:5].tolist()
        raise ValueError(
            f"outcome is missing in rows {rows}; leave undecided cases out of the statistics "
            "or record them as 'withdrawn'."
        )
    if "scheme" in cases.columns:
        bad = sorted(set(cases["scheme"].dropna()) - set(SCHEMES))
        if bad or cases["scheme"].isna().any():
            raise ValueError(
                f"scheme must be one of {', '.join(SCHEMES)}; found {bad or 'missing'}."
            )
    if "region" in cases.columns:
        bad = sorted(set(cases["region"].dropna()) - set(REGION_NAMES))
        if bad:
            raise ValueError(
                f"region must be one of {', '.join(REGION_NAMES)} (the regional health "
                f"authority's full name) or missing; found {bad}."
            )
    if "year" in cases.columns and not pd.api.types.is_integer_dtype(cases["year"].dropna()):
        raise ValueError("year must hold whole numbers (e.g. 2021); convert with astype(int).")
    return cases


def _outcome_columns(cases: pd.DataFrame, outcomes: Sequence[str] | None) -> list[str]:
    if outcomes is not None:
        unlisted = sorted(set(cases["outcome"]) - set(outcomes))
        if unlisted:
            raise ValueError(
                f"outcomes does not list {unlisted}, which occur in cases; add them so that "
                "no case is left out of the totals."
            )
        return list(outcomes)
    others = sorted(set(cases["outcome"]) - set(OUTCOMES))
    return [*OUTCOMES, *others]


def _key_order(values: pd.Series, key: str) -> list[object]:
    """The categories of a key in display order: the regions as in REGION_NAMES, others sorted."""
    present = [v for v in pd.unique(values) if not pd.isna(v)]
    if key == "region":
        return list(REGION_NAMES)
    return sorted(present)


def outcome_counts(
    cases: pd.DataFrame,
    by: Sequence[str] = ("year", "region"),
    *,
    outcomes: Sequence[str] | None = None,
    totals: bool = True,
) -> pd.DataFrame:
    """Cases counted by ``by`` and outcome, with subtotals and a grand total (like Table 1).

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case with ``outcome`` and the columns in ``by``.
    by : sequence of str, default ("year", "region")
        The grouping keys, outermost first, e.g. ``["scheme"]``, ``["diagnosis_group"]``,
        ``["method"]`` or ``["year", "region"]``.
    outcomes : sequence of str, optional
        The outcome columns, in order. By default ``granted, refused`` and then every other
        outcome that occurs, alphabetically.
    totals : bool, default True
        Add a subtotal row for every value of each leading key (``by[:k]`` for ``k`` from
        ``len(by) - 1`` down to 1, e.g. each year) and a grand total row.

    Returns
    -------
    pandas.DataFrame
        Columns ``row_type`` (``"cell"``, ``"subtotal"`` or ``"total"``), ``level`` (how many
        keys the row fixes: ``len(by)`` for a cell, 0 for the grand total), the keys, one column
        per outcome and ``total``. Keys a total row adds up over are missing (NA). Every region
        appears for every combination of the other keys, with zeros where there is no case; a
        case without a region has a cell row of its own with the region missing. Total rows
        follow the rows they add up.

    Examples
    --------
    >>> cases = pd.DataFrame({
    ...     "year": [2020, 2020, 2021], "region": ["Helse Nord", "Helse Vest", "Helse Vest"],
    ...     "outcome": ["granted", "refused", "granted"]})
    >>> outcome_counts(cases, ["region"])[["region", "granted", "refused", "total"]]
               region  granted  refused  total
    0   Helse Sør-Øst        0        0      0
    1      Helse Vest        1        1      2
    2  Helse Midt-Norge      0        0      0
    3      Helse Nord        1        0      1
    4            <NA>        2        1      3
    """
    by = list(by)
    if not by:
        raise ValueError("by must name at least one column, e.g. ['region'] or ['year', 'region'].")
    check_cases(cases, by)
    columns = _outcome_columns(cases, outcomes)
    counted = cases[[*by, "outcome"]].astype(object)
    cells = (
        counted.groupby([*by, "outcome"], dropna=False).size()
        .unstack("outcome", fill_value=0)
        .reindex(columns=columns, fill_value=0)
        .reset_index()
    )
    if "region" in by:
        cells = _with_every_region(cells, by, columns)
    cells["_depth"] = len(by)
    parts = [cells]
    if totals:
        for depth in range(len(by) - 1, 0, -1):
            sub = cells.groupby(by[:depth], dropna=False)[columns].sum().reset_index()
            sub["_depth"] = depth
            parts.append(sub)
        grand = cells[columns].sum().to_frame().T
        grand["_depth"] = 0
        parts.append(grand)
    table = pd.concat(parts, ignore_index=True).reindex(columns=["_depth", *by, *columns])
    table[columns] = table[columns].fillna(0).astype(np.int64)
    table["total"] = table[columns].sum(axis=1).astype(np.int64)
    table = table.iloc[_display_order(table, by, counted)].reset_index(drop=True)
    table.columns.name = None
    depth = table.pop("_depth").to_numpy(np.int64)
    row_type = np.select([depth == len(by), depth == 0], ["cell", "total"], "subtotal")
    table.insert(0, "row_type", row_type)
    table.insert(1, "level", depth)
    for key in by:
        if key == "year":
            years = table[key].astype(object).where(table[key].notna(), None)
            table[key] = pd.array(years, dtype="Int64")
        else:
            table[key] = table[key].astype(object).where(table[key].notna(), pd.NA)
    return table


def _with_every_region(cells: pd.DataFrame, by: list[str], columns: list[str]) -> pd.DataFrame:
    """Add zero rows so that every region appears for each combination of the other keys."""
    others = [k for k in by if k != "region"]
    regions = pd.DataFrame({"region": list(REGION_NAMES)}, dtype=object)
    full = cells[others].drop_duplicates().merge(regions, how="cross") if others else regions
    merged = full.merge(cells, on=by, how="outer")
    merged[columns] = merged[columns].fillna(0)
    return merged[[*by, *columns]]


def _display_order(table: pd.DataFrame, by: list[str], cases: pd.DataFrame) -> npt.NDArray[np.intp]:
    """Rows sorted key by key; total rows after the rows they add up, missing keys before them."""
    depth = table["_depth"].to_numpy()
    sort_keys = []
    for position, key in enumerate(by):
        order = {value: i for i, value in enumerate(_key_order(cases[key], key))}
        code = np.array(
            [len(order) if pd.isna(v) else order.get(v, len(order)) for v in table[key]]
        )
        sort_keys.append(np.where(depth <= position, len(order) + 1, code))
    return np.lexsort(sort_keys[::-1])
