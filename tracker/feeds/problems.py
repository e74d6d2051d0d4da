"""Collect the problems of an extract from whole-column checks and report the first 1,000."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tracker.errors import InvalidInput

MAX_LISTED = 1000
# How many problems a refused extract's full report (the browser's download) can list: far more
# than anyone fixes by hand, while a file that is wrong in every cell stays cheap to word.
MAX_REPORTED = 100_000
FIRST_DATA_ROW = 2  # row numbers as a spreadsheet shows them: the header is row 1


def row_number(index: int) -> int:
    """Return the row a user sees in a spreadsheet for a 0-based data-row index."""
    return index + FIRST_DATA_ROW


def may_show(text: str) -> bool:
    """Whether a text may be quoted in a message: not if it could hold (part of) an identifier."""
    return re.search(r"\d{6}", text) is None


def shown(value: Any, *, quote: bool = True) -> str:
    """Quote a cell for a message, unless it could be (part of) an identifier."""
    text = str(value)
    if not may_show(text):
        return "(value not shown: it holds a long run of digits)"
    text = text[:40] + ("…" if len(text) > 40 else "")
    return repr(text) if quote else text


@dataclass
class _RowCheck:
    column: str | None
    indices: npt.NDArray[np.intp]  # at most MAX_REPORTED data-row indices, ascending
    describe: Callable[[int], str]
    position: int | None = None  # the column's place in the header, when its name is not shown


class Problems:
    """Every problem found in an extract; only the first MAX_LISTED are spelled out."""

    def __init__(self, column_order: Sequence[str] = ()) -> None:
        self.total = 0
        self.identifiers = 0
        self._order = {name: i for i, name in enumerate(column_order)}
        self._file: list[dict[str, Any]] = []
        self._checks: list[_RowCheck] = []

    def file(
        self, message: str, *, column: str | None = None, row: int | None = None,
        position: int | None = None,
    ) -> None:
        """Record a problem of the file as a whole (or of one column or one physical row).

        A column whose name may not be shown (it holds an identifier or a long run of digits) is
        named by its `position` in the header instead, counted from 1: "column 7".
        """
        self.total += 1
        if len(self._file) < MAX_REPORTED:
            self._file.append(_detail(row, column, message, position))

    def rows(
        self,
        mask: npt.NDArray[np.bool_],
        column: str | None,
        describe: Callable[[int], str],
        *,
        identifier: bool = False,
        position: int | None = None,
    ) -> int:
        """Record one problem per row where `mask` is true; `describe(i)` words it for row i."""
        indices = np.flatnonzero(mask)
        if indices.size:
            self.total += int(indices.size)
            if identifier:
                self.identifiers += int(indices.size)
            self._checks.append(_RowCheck(column, indices[:MAX_REPORTED], describe, position))
        return int(indices.size)

    def details(self, limit: int = MAX_LISTED) -> list[dict[str, Any]]:
        """Return the first `limit` problems (at most MAX_REPORTED): file-level ones first, then
        by row and column."""
        limit = min(limit, MAX_REPORTED)
        listed = self._file[:limit]
        # Each check's rows are ascending, so the first `limit` of all are among its first
        # `limit`.
        keyed = [
            (int(i), self._order.get(check.column or "", len(self._order)), n, int(i))
            for n, check in enumerate(self._checks)
            for i in check.indices[:limit]
        ]
        keyed.sort()
        for index, _, n, _ in keyed[: max(0, limit - len(listed))]:
            check = self._checks[n]
            listed.append(_detail(row_number(index), check.column, check.describe(index),
                                  check.position))
        return listed

    def raise_if_any(self) -> None:
        """Refuse the extract if anything was found."""
        if self.total:
            raise ExtractRejected(self)


def _detail(
    row: int | None, column: str | None, message: str, position: int | None = None
) -> dict[str, Any]:
    where = column if column is not None else (str(position) if position is not None else None)
    if row is not None and where is not None:
        field = f"row {row}, column {where}"
    elif row is not None:
        field = f"row {row}"
    elif where is not None:
        field = f"column {where}"
    else:
        field = "file"
    return {"field": field, "message": message, "row": row, "column": column}


class ExtractRejected(InvalidInput):
    """The extract has problems; nothing was stored. `details` lists the first 1,000;
    `report()` lists them all (up to MAX_REPORTED), for a download."""

    def __init__(self, problems: Problems) -> None:
        self._problems = problems
        details = problems.details()
        total = problems.total
        listed = f"; the first {len(details)} are listed" if total > len(details) else ""
        lead = "The extract was refused and nothing was stored"
        if problems.identifiers:
            lead += (
                f": {problems.identifiers} cell(s) hold a fødselsnummer or D-number, a direct "
                "identifier (only pseudonymised extracts may be imported; values are not shown)"
            )
        super().__init__(f"{lead}. {total} problem(s) in all{listed}.", details)
        self.total_problems = total

    def report(self) -> list[dict[str, Any]]:
        """Return every problem found (at most MAX_REPORTED), in the order of `details`."""
        return self._problems.details(MAX_REPORTED)

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["total_problems"] = self.total_problems
        return body
