"""The review's published tables as cases, and the population the rates are divided by.

The register must reproduce the only national figures there are: Table 1 (412 individual
exception applications 2020–Q3 2022 by year and region, 000_3134ab22afa02640.txt L403–442) and
Table 3 (ten group exception applications, L497–686). The tables are shipped as CSV files in
``seeds/reference/`` (see its README for the transcription) and expanded here into one row per
case, in the shape :mod:`tracker.analytics.access_stats` takes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tracker.analytics.access_stats import CASE_COLUMNS, UNKNOWN, check_cases
from tracker.feeds.columns import REGION_NAMES
from tracker.settings import PROJECT_ROOT

__all__ = [
    "REFERENCE_DIR",
    "load_population",
    "load_table1",
    "load_table3",
    "table1_cases",
    "table3_cases",
]

REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"


def _read(path: Path | None, name: str) -> pd.DataFrame:
    return pd.read_csv(path or REFERENCE_DIR / name, encoding="utf-8", dtype={"source_lines": str})


def load_table1(path: Path | None = None) -> pd.DataFrame:
    """Table 1 of the review: decided individual applications by year and region.

    Returns
    -------
    pandas.DataFrame
        ``year, region, region_in_source, granted, refused, total, source_lines``, one row per
        year and region.

    Examples
    --------
    >>> table = load_table1()
    >>> int(table["granted"].sum()), int(table["refused"].sum()), int(table["total"].sum())
    (310, 102, 412)
    """
    table = _read(path, "unntak_table1.csv")
    bad = table["granted"] + table["refused"] != table["total"]
    if bad.any():
        raise ValueError(
            f"unntak_table1.csv: granted + refused differs from total in rows "
            f"{np.flatnonzero(bad.to_numpy()).tolist()}; correct the transcription."
        )
    unknown = sorted(set(table["region"]) - set(REGION_NAMES))
    if unknown:
        raise ValueError(f"unntak_table1.csv: unknown regions {unknown}; use the full names.")
    return table


def table1_cases(path: Path | None = None) -> pd.DataFrame:
    """Table 1 as 412 cases: scheme individual exception, method and diagnosis unknown.

    Returns
    -------
    pandas.DataFrame
        The case columns (``scheme, year, region, outcome, diagnosis_group, method``), one row
        per application, grouped by year and region, granted before refused.

    Examples
    --------
    >>> cases = table1_cases()
    >>> len(cases), cases["outcome"].value_counts().to_dict()
    (412, {'granted': 310, 'refused': 102})
    """
    table = load_table1(path)
    long = table.melt(
        id_vars=["year", "region"], value_vars=["granted", "refused"],
        var_name="outcome", value_name="n",
    ).sort_values(["year", "region", "outcome"], kind="stable")
    cases = long.loc[long.index.repeat(long["n"])].drop(columns="n").reset_index(drop=True)
    cases["scheme"] = "individual_exception"
    cases["diagnosis_group"] = UNKNOWN
    cases["method"] = UNKNOWN
    cases["year"] = cases["year"].astype(np.int64)
    return check_cases(cases[list(CASE_COLUMNS)], CASE_COLUMNS)


def load_table3(path: Path | None = None) -> pd.DataFrame:
    """Table 3 of the review: the ten group exception applications, as transcribed.

    Returns
    -------
    pandas.DataFrame
        ``row, year, method, method_in_source, indication, decision_in_source, outcome,
        comment, still_current_in_source, publication_status, diagnosis_group,
        source_lines`` (see seeds/reference/README.md).

    Examples
    --------
    >>> load_table3()["publication_status"].value_counts().sort_index().to_dict()
    {'current': 4, 'previous': 4, 'refused': 2}
    """
    table = _read(path, "unntak_table3.csv")
    expected = {"Innvilget": "granted", "Avslått": "refused"}
    wrong = table["decision_in_source"].map(expected) != table["outcome"]
    if wrong.any():
        raise ValueError(
            f"unntak_table3.csv: outcome does not match the decision in rows "
            f"{table.loc[wrong, 'row'].tolist()}; Innvilget is granted, Avslått refused."
        )
    return table


def table3_cases(path: Path | None = None) -> pd.DataFrame:
    """Table 3 as ten group exception cases (national decisions: no region).

    The method is the table's name for it (the source gives no Nye metoder ID).

    Examples
    --------
    >>> cases = table3_cases()
    >>> len(cases), int((cases["outcome"] == "granted").sum()), bool(cases["region"].isna().all())
    (10, 8, True)
    """
    table = load_table3(path)
    cases = pd.DataFrame({
        "scheme": "group_exception",
        "year": table["year"].astype(np.int64),
        "region": pd.Series([None] * len(table), dtype=object),
        "outcome": table["outcome"],
        "diagnosis_group": table["diagnosis_group"].fillna(UNKNOWN),
        "method": table["method"],
    })
    return check_cases(cases, CASE_COLUMNS)


def load_population(path: Path | None = None) -> pd.DataFrame:
    """Inhabitants by regional health authority and year (SSB table 07459, 1 January).

    The shipped figures are for 2024 and were transcribed without network access; check them
    against SSB before publishing (seeds/reference/README.md).

    Examples
    --------
    >>> pop = load_population()
    >>> pop["region"].tolist() == list(REGION_NAMES), int(pop["year"].iloc[0])
    (True, 2024)
    """
    table = _read(path, "population_by_region.csv")
    missing = {"region", "year", "population"} - set(table.columns)
    if missing:
        raise ValueError(f"population file lacks columns {sorted(missing)}.")
    unknown = sorted(set(table["region"]) - set(REGION_NAMES))
    if unknown:
        raise ValueError(f"population file has unknown regions {unknown}; use the full names.")
    return table
