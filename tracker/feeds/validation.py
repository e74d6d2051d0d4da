"""Validate a whole extract before anything is stored, and derive each patient's endpoints.

Every check works on whole columns (Arrow/numpy); Python only words the first 1,000 problems.
Rows are numbered as a spreadsheet shows them: the header is row 1, the first patient row 2.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.feeds import columns as c
from tracker.feeds.endpoints import derive_endpoints, endpoint_warnings
from tracker.feeds.identifiers import identifier_mask
from tracker.feeds.problems import Problems, may_show, row_number, shown
from tracker.feeds.reading import column_label, read_extract

IDENTIFIER_MESSAGE = (
    "holds a fødselsnummer or D-number, a direct identifier (alone or within the text); replace "
    "it with the registry's pseudonym (the value is not shown)"
)
EPOCH = date(1970, 1, 1)
# Descriptive columns whose gaps are worth a warning (gaps in event dates are normal).
DESCRIPTIVE = ("health_trust", "region", "birth_year", "sex", "diagnosis")
MAX_TREATMENT_LINE = 20


@dataclass
class ValidatedExtract:
    """A valid extract, ready to store: typed columns in FeedRecord order, plus its warnings."""

    n_rows: int
    columns: dict[str, pa.Array]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    file_format: str = "csv"


def _day(value: date) -> float:
    return float((value - EPOCH).days)


def _iso(days: Any) -> str:
    return (EPOCH + timedelta(days=int(days))).isoformat()


def _warning(message: str, column: str | None = None, count: int | None = None) -> dict[str, Any]:
    return {"column": column, "message": message, "count": count}


def validate_extract(
    content: bytes, *, data_cut: date, decision_date: date | None = None
) -> ValidatedExtract:
    """Check every rule on the whole file; raise ExtractRejected listing the problems."""
    problems = Problems(column_order=c.COLUMNS)
    raw = read_extract(content, problems)
    if raw is None:
        problems.raise_if_any()
        raise AssertionError("unreadable extract without problems")  # pragma: no cover
    table = raw.table
    n = table.num_rows
    names = list(table.column_names)
    for name in c.REQUIRED:
        if name not in names:
            problems.file(f"required column {name!r} is missing", column=name)
    if n == 0:
        problems.file("the file has a header row but no patient rows")
    # Column names holding an identifier were refused while reading; others that may not be
    # shown (a long run of digits) are named by their position.
    extra = [name for name in names if name not in c.COLUMNS]
    labels = {name: column_label(name, position) for position, name in enumerate(names, 1)}
    if n == 0:
        problems.raise_if_any()

    combined: dict[str, pa.Array] = {}

    def column(name: str) -> pa.Array:
        if name not in combined:
            combined[name] = table[name].combine_chunks() if name in names else c.absent(n)
        return combined[name]

    # Direct identifiers, alone in a cell or within its text: free text and extra columns are
    # searched cell by cell; typed columns only where a cell failed to parse (a valid date,
    # number or code cannot hold one).
    numeric = [name for name in c.INTEGERS if name in names
               and not pa.types.is_string(column(name).type)]  # Parquet numbers, not text
    scanned = [*c.TEXT_LIMITS, *numeric, *extra]
    masks = _in_parallel([partial(identifier_mask, column(name)) for name in scanned])
    identifiers = dict(zip(scanned, masks, strict=True))
    for name, found in identifiers.items():
        label, position = labels.get(name, (name, None))
        problems.rows(found, label, lambda i: IDENTIFIER_MESSAGE, identifier=True,
                      position=position)

    parsed = _parse(column)
    for name in numeric:  # an identifier is reported as such, not as an impossible number
        _numbers(parsed[name])[identifiers[name]] = np.nan
    _check_cells(problems, parsed, identifiers)
    _check_required(problems, parsed, names)
    _check_diagnosis(problems, parsed["diagnosis"], identifiers.get("diagnosis"))
    days = {name: _numbers(parsed[name]) for name in c.DATES}
    _check_dates(problems, days, data_cut)
    _check_numbers(problems, _numbers(parsed["birth_year"]), _numbers(parsed["treatment_line"]),
                   days["treatment_start"], data_cut)
    _check_duplicates(problems, parsed["patient_id"].stored, days["treatment_start"])
    problems.raise_if_any()

    derived = derive_endpoints(days)
    # A column name that may not be shown is kept on the delivery by its position.
    extra = [name if may_show(name) else f"column {labels[name][1]}" for name in extra]
    warnings = _warnings(names, extra, parsed, n) + endpoint_warnings(days, derived, decision_date)
    stored = {"row_no": pa.array(np.arange(row_number(0), row_number(n), dtype=np.int32))}
    for name in c.COLUMNS:
        stored[name] = parsed[name].stored
    stored["diagnosis"] = pc.utf8_upper(stored["diagnosis"])
    stored.update({key: pa.array(value) for key, value in derived.items()})
    return ValidatedExtract(n, stored, warnings, extra, raw.file_format)


def _parse(column: Callable[[str], pa.Array]) -> dict[str, c.Parsed]:
    """Parse every column of the format; columns are independent, so they run in parallel."""
    tasks: dict[str, Callable[[], c.Parsed]] = {}
    for name in c.DATES:
        tasks[name] = partial(c.dates, column(name))
    for name in c.INTEGERS:
        tasks[name] = partial(c.integers, column(name))
    tasks["region"] = partial(c.categories, column("region"), c.REGIONS)
    tasks["sex"] = partial(c.categories, column("sex"), c.SEXES)
    tasks["stop_reason"] = partial(
        c.categories, column("stop_reason"), {r: r for r in c.STOP_REASONS}
    )
    tasks["best_response"] = partial(
        c.categories, column("best_response"), {r: r for r in c.RESPONSES}, upper=True
    )
    for name, limit in c.TEXT_LIMITS.items():
        tasks[name] = partial(c.free_text, column(name), limit)
    return dict(zip(tasks, _in_parallel(list(tasks.values())), strict=True))


def _in_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    # Arrow and numpy kernels release the GIL, so threads use every core.
    with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda job: job(), jobs))


def _numbers(result: c.Parsed) -> npt.NDArray[np.float64]:
    assert result.numbers is not None
    return result.numbers


def _check_cells(
    problems: Problems, parsed: dict[str, c.Parsed], identifiers: dict[str, npt.NDArray[np.bool_]]
) -> None:
    """Report cells that do not parse, unless they hold an identifier (reported instead)."""
    for name, result in parsed.items():
        if not result.bad.any() or result.source_text is None:
            continue
        bad = result.bad
        if name in identifiers:  # searched already: free text too long with a number in it
            bad = bad & ~identifiers[name]
        else:
            positions = np.flatnonzero(bad)
            ids = identifier_mask(pc.take(result.source_text, pa.array(positions)))
            if ids.any():
                id_mask = np.zeros_like(bad)
                id_mask[positions[ids]] = True
                problems.rows(id_mask, name, lambda i: IDENTIFIER_MESSAGE, identifier=True)
                bad = bad & ~id_mask
        problems.rows(bad, name, _cell_message(name, result.source_text))


def _cell_message(name: str, cells: pa.Array) -> Any:
    def describe(i: int) -> str:
        value = shown(cells[i].as_py())
        if name in c.DATES:
            return f"{value} is not a date in ISO form YYYY-MM-DD (e.g. 2024-03-18)"
        if name in c.INTEGERS:
            return f"{value} is not a whole number"
        if name == "region":
            return f"unknown region {value}; use one of {', '.join(c.REGION_NAMES)} " \
                "(or HSØ, HV, HMN, HN)"
        if name == "sex":
            return f"unknown sex {value}; use K or M (F is read as K)"
        if name == "stop_reason":
            return f"unknown stop reason {value}; use one of {', '.join(c.STOP_REASONS)}"
        if name == "best_response":
            return f"unknown response {value}; use one of {', '.join(c.RESPONSES)}"
        return f"is longer than {c.TEXT_LIMITS[name]} characters"

    return describe


def _check_required(problems: Problems, parsed: dict[str, c.Parsed], names: list[str]) -> None:
    for name in c.REQUIRED:
        if name not in names:
            continue
        result = parsed[name]
        empty = ~c.present(result.stored) & ~result.bad
        if result.source_text is not None:
            empty &= ~c.present(result.source_text)
        problems.rows(empty, name, lambda i: "is empty; every row needs a value here")


def _check_diagnosis(
    problems: Problems, result: c.Parsed, identifiers: npt.NDArray[np.bool_] | None
) -> None:
    codes = result.stored
    malformed = c.present(codes) & ~c.mask(pc.match_substring_regex(codes, c.ICD10_PATTERN))
    malformed &= ~result.bad
    if identifiers is not None:
        malformed &= ~identifiers
    problems.rows(malformed, "diagnosis", lambda i: (
        f"{shown(codes[i].as_py())} is not an ICD-10 code (e.g. C34 or C34.1)"))


def _compared(
    values: npt.NDArray[np.float64], other: npt.NDArray[np.float64] | None, wording: str
) -> Callable[[int], str]:
    """Word a date problem: `wording` gets {value} and {other} as ISO dates."""

    def describe(i: int) -> str:
        return wording.format(value=_iso(values[i]),
                              other=_iso(other[i]) if other is not None else "")

    return describe


def _check_dates(
    problems: Problems, days: dict[str, npt.NDArray[np.float64]], data_cut: date
) -> None:
    start = days["treatment_start"]
    death = days["death_date"]
    cut = _day(data_cut)
    with np.errstate(invalid="ignore"):
        for name in ("last_followup", "treatment_stop", "progression_date", "death_date"):
            values = days[name]
            problems.rows(values < start, name, _compared(
                values, start, "{value} is before treatment_start ({other})"))
        for name in c.DATES:
            values = days[name]
            problems.rows(values > cut, name, _compared(
                values, None, f"{{value}} is after the data cut ({data_cut.isoformat()})"))
        followup = days["last_followup"]
        problems.rows(followup > death, "last_followup", _compared(
            followup, death, "follow-up until {value} is after death_date ({other}); for a "
            "patient who died, last follow-up is at most the date of death"))
        for name in ("treatment_stop", "progression_date"):
            values = days[name]
            problems.rows(values > death, name, _compared(
                values, death, "{value} is after death_date ({other})"))
        end = np.where(np.isnan(death), followup, death)
        entry = days["entry_date"]
        problems.rows(entry > end, "entry_date", _compared(
            entry, end, "{value} is after the end of follow-up ({other}); a patient must enter "
            "the registry's observation before leaving it"))


def _check_numbers(
    problems: Problems, years: npt.NDArray[np.float64], lines: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64], data_cut: date,
) -> None:
    latest = np.where(np.isnan(start), float(data_cut.year), c.years_of(start))
    with np.errstate(invalid="ignore"):
        impossible = (years < 1900) | (years > latest)
        problems.rows(impossible, "birth_year", lambda i: (
            f"birth year {shown(int(years[i]), quote=False)} is impossible: it must be from "
            f"1900 to the year of treatment start ({int(latest[i])})"))
        problems.rows((lines < 1) | (lines > MAX_TREATMENT_LINE), "treatment_line", lambda i: (
            f"treatment line {shown(int(lines[i]), quote=False)} is impossible: lines are "
            f"counted from 1 (at most {MAX_TREATMENT_LINE})"))


def _check_duplicates(
    problems: Problems, patient: pa.Array, start: npt.NDArray[np.float64]
) -> None:
    usable = c.present(patient) & ~np.isnan(start)
    if not usable.any():
        return
    # One int64 key per (patient, start): the pseudonym's dictionary code and the start day.
    codes = pc.dictionary_encode(patient).indices.to_numpy(zero_copy_only=False)
    days = np.where(usable, start, 0).astype(np.int64)
    offset = days.min()
    span = int(days.max() - offset) + 1
    key = np.where(usable, np.nan_to_num(codes, nan=0).astype(np.int64) * span + days - offset, -1)
    duplicate = usable & pd.Series(key).duplicated(keep="first").to_numpy()
    if not duplicate.any():
        return
    unique_keys, first_index = np.unique(key, return_index=True)
    first = first_index[np.searchsorted(unique_keys, key)]
    problems.rows(duplicate, "patient_id", lambda i: (
        f"same patient_id and treatment_start as row {row_number(int(first[i]))}; "
        "each treatment course must appear once"))


def _warnings(
    names: list[str], extra: list[str], parsed: dict[str, c.Parsed], n: int
) -> list[dict[str, Any]]:
    warnings = []
    missing = [name for name in c.OPTIONAL if name not in names]
    if missing:
        warnings.append(_warning(
            f"optional column(s) not in the file: {', '.join(missing)}", count=len(missing)))
    if extra:
        warnings.append(_warning(
            f"column(s) not imported (not part of the format): {', '.join(extra)}",
            count=len(extra)))
    for name in DESCRIPTIVE:
        if name not in names:
            continue
        empty = int((~c.present(parsed[name].stored)).sum())
        if empty:
            warnings.append(_warning(f"{name} is empty in {empty} of {n} rows", name, empty))
    reason = c.present(parsed["stop_reason"].stored)
    no_stop = int((reason & ~c.present(parsed["treatment_stop"].stored)).sum())
    if no_stop:
        warnings.append(_warning(
            f"stop_reason without treatment_stop in {no_stop} rows: treated as still on "
            "treatment (time on treatment censored at last follow-up)", "stop_reason", no_stop))
    return warnings
