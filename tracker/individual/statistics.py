"""National statistics of individual access, from the register's fewest-parameters core.

What the exception scheme's review could not produce (000_3134ab22afa02640.txt L1230–1245):
counts by year, region and outcome, by diagnosis group, method and scheme; grant rates with exact
intervals; applications and grants per 100,000 inhabitants by region of residence; the
variation across regions (χ² and the exact Fisher–Freeman–Halton test) and the funnel plot. The
numbers come from `tracker.analytics.access_*`; this module reads the cases and applies the
disclosure control: for a reader without small-count access counts of 1–4 are hidden with
secondary suppression, and whatever would give a hidden count back (a rate, a funnel point, a
test statistic) is withheld with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.analytics import access_rates, access_reference, access_stats, access_variation
from tracker.analytics.access_suppression import suppress_outcome_counts
from tracker.individual.enums import Scheme
from tracker.individual.models import AccessCase
from tracker.methods.models import Method

TABLES: dict[str, list[str]] = {
    "year_region": ["year", "region"],
    "diagnosis_group": ["diagnosis_group"],
    "method": ["method"],
    "scheme": ["scheme"],
}
LOW, HIGH = 1, 4


@dataclass
class Statistics:
    """The statistics of one selection of decided cases, as one reader may see them."""

    cases: int | None  # None: withheld (it would give a hidden count back)
    suppressed: bool
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rates: list[dict[str, Any]] = field(default_factory=list)
    per_population: list[dict[str, Any]] = field(default_factory=list)
    variation: dict[str, Any] | None = None
    variation_withheld: str | None = None
    funnel: dict[str, Any] | None = None
    population_year: int | None = None
    withheld_tables: list[str] = field(default_factory=list)  # not given for this selection


def decided_cases(
    *, session: Session, scheme: Scheme | None = None, year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Return the decided cases (granted, refused, no consensus) as the statistics' DataFrame."""
    columns = [col(AccessCase.scheme), col(AccessCase.decided_on), col(AccessCase.region),
               col(AccessCase.residence_region), col(AccessCase.outcome),
               col(AccessCase.diagnosis_group), col(Method.nye_metoder_id)]
    statement = sa.select(*columns).join(
        Method, col(Method.id) == col(AccessCase.method_id)).where(
        col(AccessCase.decided_on).is_not(None),
        col(AccessCase.outcome).in_(["granted", "refused", "no_consensus"]))
    if scheme is not None:
        statement = statement.where(col(AccessCase.scheme) == scheme)
    rows = session.execute(statement).all()
    frame = pd.DataFrame(rows, columns=["scheme", "decided_on", "region", "residence_region",
                                        "outcome", "diagnosis_group", "method"])
    frame["year"] = pd.to_datetime(frame["decided_on"]).dt.year.astype("Int64")
    if year_from is not None:
        frame = frame[frame["year"] >= year_from]
    if year_to is not None:
        frame = frame[frame["year"] <= year_to]
    frame["diagnosis_group"] = frame["diagnosis_group"].fillna(access_stats.UNKNOWN)
    # Group exceptions are national decisions: they have no region in the statistics.
    national = frame["scheme"] == Scheme.group_exception
    for name in ("region", "residence_region"):
        frame[name] = frame[name].astype(object).where(~national, None)
    return frame.drop(columns=["decided_on"]).reset_index(drop=True)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in table.to_dict("records"):
        out.append({k: _json(v) for k, v in row.items()})
    return out


def _json(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _table(cases: pd.DataFrame, by: list[str], suppress: bool) -> list[dict[str, Any]]:
    counts = access_stats.outcome_counts(cases, by)
    if not suppress:
        return _records(counts)
    records = _records(suppress_outcome_counts(counts, by, low=LOW, high=HIGH).table)
    records = hide_small_totals(records, by)
    full = _records(counts)
    if len(by) == 2:
        # The all-years counts per region (the rates) add up each region's cells over the
        # years: protect those lines too, or a hidden cell follows from the two tables together.
        protect_across(records, full, by)
    protect_margins(records, full, by)
    return records


COUNTS = ("granted", "refused", "no_consensus", "total")


def protect_margins(records: list[dict[str, Any]], full: list[dict[str, Any]],
                    by: list[str]) -> None:
    """Hide subtotals and totals of 1–4 (a year's refusals nationally are a count too), and
    more until no line has exactly one hidden count: a row (its outcomes add up to its total),
    the subtotals of the years (they add up to the total) and each year's cells with its
    subtotal; in a one-way table, the cells with the total."""
    columns = [k for k in COUNTS if k in full[0]] if full else []
    for row in records:
        if row.get("row_type") != "cell":
            for k in columns:
                if _small(row.get(k)):
                    row[k] = None
    rows = range(len(records))
    kind = [records[i].get("row_type") for i in rows]
    lines = [[(i, k) for k in columns] for i in rows if "total" in records[i]]
    totals = [i for i in rows if kind[i] == "total"]
    for k in columns:
        if len(by) == 1:
            lines.append([(i, k) for i in rows if kind[i] in ("cell", "total")])
            continue
        subtotals = [i for i in rows if kind[i] == "subtotal"]
        lines.append([(i, k) for i in subtotals + totals])
        for s in subtotals:
            lines.append([(i, k) for i in rows if kind[i] == "cell"
                          and records[i][by[0]] == records[s][by[0]]] + [(s, k)])
    while _close_lines(records, full, lines) and len(by) == 2:
        protect_across(records, full, by)  # a cell hidden here may leave one alone there


def _close_lines(records: list[dict[str, Any]], full: list[dict[str, Any]],
                 lines: list[list[tuple[int, str]]]) -> bool:
    """Hide the smallest shown count of every line with exactly one hidden; say if any was."""
    changed_any = False
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [m for m in line if records[m[0]].get(m[1]) is None]
            shown = [m for m in line if records[m[0]].get(m[1]) is not None]
            if len(hidden) != 1 or not shown:
                continue
            i, k = min(shown, key=lambda m: (full[m[0]][m[1]] == 0, full[m[0]][m[1]]))
            records[i][k] = None
            changed = changed_any = True
    return changed_any


def protect_across(records: list[dict[str, Any]], full: list[dict[str, Any]],
                   by: list[str]) -> None:
    """Hide more cells until no line of the table has exactly one hidden cell: within a year
    (each outcome), within a row (granted + refused = total) and across the years of a region
    (each outcome, whose sum over the years is published with the rates)."""
    outer, inner = by
    outcomes = [k for k in ("granted", "refused", "no_consensus") if k in full[0]]
    cells = [i for i, row in enumerate(records) if row.get("row_type") == "cell"]
    lines: list[list[tuple[int, str]]] = []
    for key in (outer, inner):
        for value in {records[i][key] for i in cells}:
            members = [i for i in cells if records[i][key] == value]
            lines += [[(i, k) for i in members] for k in outcomes]
    lines += [[(i, k) for k in outcomes] for i in cells if records[i]["total"] is not None]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [m for m in line if records[m[0]][m[1]] is None]
            if len(hidden) != 1:
                continue
            shown = [m for m in line if records[m[0]][m[1]] is not None]
            if not shown:
                continue
            i, k = min(shown, key=lambda m: (full[m[0]][m[1]] == 0, full[m[0]][m[1]]))
            records[i][k] = None
            for derived in ("rate", "ci_lower", "ci_upper", "decided"):
                if derived in records[i]:
                    records[i][derived] = None
            changed = True


def hide_small_totals(records: list[dict[str, Any]], by: list[str]) -> list[dict[str, Any]]:
    """Hide a row's total of 1–4 (a count of cases too), and a second one beside it.

    The cell-level suppression keeps row totals; a total under 5 is itself a small count, so it
    goes, with the whole row. Where that leaves one hidden total among the rows a subtotal adds
    up, the smallest other row goes too, so the subtotal gives neither back.
    """
    keys = set(by) | {"row_type", "level"}
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in records:
        if row.get("row_type") == "cell":
            groups.setdefault(tuple(row.get(k) for k in by[:-1]), []).append(row)

    def hide(row: dict[str, Any]) -> None:
        for name in row:
            if name not in keys:
                row[name] = None

    for rows in groups.values():
        small = [row for row in rows if _small(row.get("total"))]
        for row in small:
            hide(row)
        if len(small) == 1:
            others = [row for row in rows if row.get("total")]
            if others:
                hide(min(others, key=lambda row: row["total"]))
    return records


def _small(value: Any) -> bool:
    return value is not None and not pd.isna(value) and LOW <= int(value) <= HIGH


def compute(*, cases: pd.DataFrame, suppress: bool, tests: bool = True) -> Statistics:
    """Compute every table and test (`tests=False`: the tables only); hide what a reader without
    small-count access may not see."""
    out = Statistics(cases=len(cases), suppressed=suppress)
    if suppress and _small(len(cases)):
        out.cases = 0
        out.variation_withheld = "too_few"
        return out
    regional = cases[cases["region"].notna()]
    for name, by in TABLES.items():
        # Group exceptions are national: they count in every table but the regional one.
        chosen = regional if "region" in by else cases
        out.tables[name] = _table(chosen, by, suppress) if len(chosen) else []
    rates = access_rates.grant_rates(regional, ["region"])
    out.rates = (hide_small_totals(
        _records(suppress_outcome_counts(rates, ["region"], low=LOW, high=HIGH).table),
        ["region"]) if suppress else _records(rates))
    population = access_reference.load_population()
    out.population_year = int(population["year"].max())
    resident = cases[cases["residence_region"].notna()]
    per = access_rates.rates_per_population(resident, population,
                                            region_column="residence_region")
    records = _records(per)
    if suppress:
        # One hidden region would follow from the national row and the others, and a region's
        # grants here with its total in the rates would give its refusals: hide the column
        # when anything is hidden in either table.
        cells = [row for row in records if row.get("row_type") == "cell"]
        rated = [row for row in out.rates if row.get("row_type") == "cell"]
        for key, rate_keys in (("applications", ("total",)), ("granted", ("granted", "refused",
                                                                          "total"))):
            if any(_small(row.get(key)) for row in cells) or any(
                    row.get(k) is None for row in rated for k in rate_keys):
                for row in cells:
                    row[key] = row[f"{key}_per"] = None
    out.per_population = records
    hidden = suppress and any(
        row.get(outcome) is None for row in out.rates if row.get("row_type") == "cell"
        for outcome in ("granted", "refused"))
    if hidden:
        out.variation_withheld = "small_counts"
    elif tests and len(regional) and regional["region"].nunique() >= 2:
        table = access_variation.grant_table(regional)
        chi = access_variation.chi_square_test(table)
        exact = access_variation.fisher_freeman_halton(table)
        out.variation = {
            "chi_square": {"statistic": chi.statistic, "dof": chi.dof, "p_value": chi.p_value,
                           "min_expected": chi.min_expected},
            "exact": {"p_value": exact.p_value, "tables": exact.n_tables},
        }
        funnel = access_variation.funnel_data(regional)
        out.funnel = {"p0": funnel.p0, "points": _records(funnel.points),
                      "limits": _records(funnel.limits)}
    return out


def for_reader(
    *, session: Session, suppress: bool, scheme: Scheme | None = None,
    year_from: int | None = None, year_to: int | None = None,
) -> Statistics:
    """Return the statistics of the decided cases in a selection, as this reader may see them.

    A reader without small-count access gets an answer read from one protected answer per
    scheme (`tracker.individual.statistics_linked`), so that no two answers taken together
    give a hidden count back."""
    if not suppress:
        cases = decided_cases(session=session, scheme=scheme, year_from=year_from,
                              year_to=year_to)
        return compute(cases=cases, suppress=False)
    from tracker.individual import statistics_linked

    cases = decided_cases(session=session, scheme=scheme)
    return statistics_linked.protected(cases, year_from=year_from, year_to=year_to)
