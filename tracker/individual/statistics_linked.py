"""Statistics for readers without small-count access that stay protected taken together.

Each answer of `statistics.compute` protects its own tables. But a reader can ask several: the
method table for all schemes minus the same table for each scheme, or all years minus the other
years, gives a hidden count back (the demo gave four such counts away). So for these readers
every answer is read from **one protected answer per scheme** (all its years), and shows only
what follows from those:

* a selection of several schemes sums the schemes' shown counts; a count is shown only when every
  scheme's part of it is (a scheme with no case there adds a known 0);
* a selection of years shows those years' rows of the year × region table and the rates per region
  summed from them; the tables by diagnosis group, method and scheme and the rates per
  inhabitant, which the protected answers do not hold by year, are withheld for part of the
  years (`withheld_tables`);
* figures computed from counts (rates, intervals, the variation tests, the funnel) are taken from
  the unprotected computation only where every count they come from is shown.

The answers of different schemes count different cases, so taken together they give away no
more than each does alone; and everything else is a function of what they show.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tracker.individual.enums import Scheme
from tracker.individual.statistics import HIGH, LOW, TABLES, Statistics, compute

PART_OF_YEARS = ("diagnosis_group", "method", "scheme")
STRUCTURE = {"row_type", "level", "year", "region", "diagnosis_group", "method", "scheme",
             "population", "population_year"}
DERIVED = {"rate", "ci_lower", "ci_upper", "applications_per", "granted_per"}


def _key(row: dict[str, Any], by: tuple[str, ...]) -> tuple[Any, ...]:
    return (row.get("row_type"), *(row.get(k) for k in by))


def _counts(row: dict[str, Any]) -> list[str]:
    return [k for k in row if k not in STRUCTURE and k not in DERIVED]


def _index(rows: list[dict[str, Any]], by: tuple[str, ...]) -> dict[tuple[Any, ...], dict]:
    return {_key(row, by): row for row in rows}


def _too_few(part: Statistics) -> bool:
    return part.variation_withheld == "too_few"


def _sum_parts(full: list[dict[str, Any]], parts: list[tuple[list[dict[str, Any]],
                                                              list[dict[str, Any]], bool]],
               by: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each row of the unprotected table with its counts summed from the parts' shown counts.

    `parts`: per scheme (its protected rows, its unprotected rows, whether it showed nothing).
    A count is None when any part's count is hidden; derived figures only where all are shown.
    """
    indexed = [(_index(shown, by), _index(raw, by), nothing) for shown, raw, nothing in parts]
    out = []
    for row in full:
        key = _key(row, by)
        result = dict(row)
        complete = True
        for name in _counts(row):
            total: int | None = 0
            for shown, raw, nothing in indexed:
                if key not in raw:
                    continue  # the scheme has no case here: a known 0
                value = None if nothing else shown.get(key, {}).get(name)
                total = None if value is None or total is None else total + int(value)
            result[name] = total
            complete = complete and total is not None
        if not complete:
            for name in DERIVED & set(row):
                result[name] = None
        out.append(result)
    return out


def protected(cases: pd.DataFrame, *, year_from: int | None, year_to: int | None) -> Statistics:
    """The statistics of these cases in these years, as a reader without small-count access
    may see them, read from one protected answer per scheme (see the module's docstring)."""
    years = cases["year"]
    chosen = pd.Series(True, index=cases.index)
    if year_from is not None:
        chosen &= years >= year_from
    if year_to is not None:
        chosen &= years <= year_to
    whole = bool(chosen.all())
    schemes = sorted(cases["scheme"].dropna().unique())
    masters = {s: compute(cases=cases[cases["scheme"] == s].reset_index(drop=True),
                          suppress=True, tests=whole and len(schemes) == 1) for s in schemes}
    if whole and len(schemes) == 1:
        return masters[schemes[0]]
    raws = {s: compute(cases=cases[cases["scheme"] == s].reset_index(drop=True), suppress=False,
                       tests=False) for s in schemes}
    selected = cases[chosen].reset_index(drop=True)
    full = compute(cases=selected, suppress=False)
    out = Statistics(cases=full.cases, suppressed=True, population_year=full.population_year)
    if LOW <= len(selected) <= HIGH:
        out.cases, out.variation_withheld = 0, "too_few"
        return out

    # Group exceptions are published one by one, with method and dates (000 L492–495): their
    # counts are public, and hiding them here would only hide the other schemes' with them.
    shown = {s: raws[s] if s == Scheme.group_exception else masters[s] for s in schemes}

    def parts(attribute: str, table: str | None = None) -> list[tuple[list, list, bool]]:
        def rows(stats: Statistics) -> list[dict[str, Any]]:
            return list(stats.tables.get(table, []) if table else getattr(stats, attribute))
        return [(rows(shown[s]), rows(raws[s]), _too_few(shown[s])) for s in schemes]

    in_range = set(selected["year"].dropna().astype(int))
    for name, by in TABLES.items():
        if not whole and name in PART_OF_YEARS:
            out.tables[name] = []
            out.withheld_tables.append(name)
            continue
        out.tables[name] = _sum_parts(full.tables.get(name, []), parts("tables", name),
                                      tuple(by))
    if whole:
        out.rates = _sum_parts(full.rates, parts("rates"), ("region",))
        out.per_population = _sum_parts(full.per_population, parts("per_population"),
                                        ("region",))
        known = [shown[s].cases for s in schemes if not _too_few(shown[s])]
        out.cases = sum(int(k or 0) for k in known) if len(known) == len(schemes) else None
    else:
        rows = out.tables.get("year_region", [])
        _total_from_years(rows, in_range)
        out.rates = _rates_from_years(full.rates, rows)
        out.per_population, out.withheld_tables = [], [*out.withheld_tables, "per_population"]
        regional: list[int | None] = [r.get("total") for r in rows
                                      if r.get("row_type") == "subtotal"]
        # Group exceptions are published one by one (000 L492–495): their number is public.
        national = int((selected["scheme"] == Scheme.group_exception).sum())
        out.cases = (None if any(v is None for v in regional)
                     else sum(int(v or 0) for v in regional) + national)
    rated = all(row.get(k) is not None for row in out.rates if row.get("row_type") == "cell"
                for k in ("granted", "refused"))
    if not rated:
        out.variation_withheld = "small_counts"
    else:
        out.variation, out.funnel = full.variation, full.funnel
        out.variation_withheld = full.variation_withheld
    return out


def _total_from_years(rows: list[dict[str, Any]], years: set[int]) -> None:
    """The year × region table's grand total for part of the years: the years' subtotals added
    (hidden if any is)."""
    subtotals = [r for r in rows if r.get("row_type") == "subtotal" and r.get("year") in years]
    for row in rows:
        if row.get("row_type") != "total":
            continue
        for name in _counts(row):
            values = [s.get(name) for s in subtotals]
            row[name] = None if None in values else sum(values)


def _rates_from_years(full: list[dict[str, Any]], year_rows: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """Each region's counts over the chosen years, added from the shown year × region cells."""
    cells = [r for r in year_rows if r.get("row_type") == "cell"]
    out = []
    for row in full:
        result = dict(row)
        members = (cells if row.get("row_type") != "cell"
                   else [c for c in cells if c.get("region") == row.get("region")])
        complete = True
        for name in _counts(row):
            source = "total" if name == "decided" else name
            values = [c.get(source) for c in members]
            result[name] = None if None in values else sum(values)
            complete = complete and result[name] is not None
        if not complete:
            for name in DERIVED & set(row):
                result[name] = None
        out.append(result)
    return out
