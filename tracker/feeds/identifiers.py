"""Find fødselsnumre, D-, H- and synthetic test numbers inside cells and names of an extract.

`tracker.privacy.national_id_mask` decides whether a value *is* such a number; here a number is
found anywhere in a text (``pasient 24128549753``), also written 6 + 5 digits with one space,
dot, dash or underscore between (``241285 49753``, ``241285.49753``, ``241285-49753``). A run
of digits counts only as a whole: 12 digits in a row are not an identifier with one digit
before it. Ten digits are read as a number that lost its leading zero only when they fill the
cell, as spreadsheets do to a column of numbers.

Every step works on whole columns: the digits of each cell are counted with numpy, and only the
few cells with ten digits or more go through regular expressions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tracker.feeds.cells import as_text, string_parts
from tracker.privacy import national_id_mask

# White space (also no-break spaces), dot, dash or underscore between the date and the rest.
_SEPARATOR = r"[\s\p{Z}._\-]"
_SPLIT = r"(\d{6})" + _SEPARATOR + r"(\d{5})"
_NOT_DIGITS = r"[^0-9]+"
_FEWEST_DIGITS = 10


def _digit_counts(text: pa.Array) -> npt.NDArray[np.int64]:
    """Count the ASCII digits of every cell (empty and missing cells: 0)."""
    offsets, data = string_parts(text)
    counts = np.zeros(len(text), dtype=np.int64)
    lengths = np.diff(offsets)
    filled = np.flatnonzero(lengths >= _FEWEST_DIGITS)
    if filled.size == 0:
        return counts
    values = data[offsets[0] : offsets[-1]]
    is_digit = (values - np.uint8(ord("0"))) < 10
    # Sums from each long cell's start to the next one's: the cells between are shorter, and
    # their digits are taken off again below.
    starts = offsets[filled] - offsets[0]
    sums = np.add.reduceat(is_digit, starts, dtype=np.int32)
    ends = offsets[filled + 1] - offsets[0]
    next_starts = np.append(starts[1:], values.size)
    spill = ends < next_starts
    if spill.any():
        cumulative = np.concatenate([[0], np.cumsum(is_digit, dtype=np.int32)])
        sums[spill] = cumulative[ends[spill]] - cumulative[starts[spill]]
    counts[filled] = sums
    return counts


def identifier_mask(values: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """Return, per cell, whether it holds a national identity number, alone or within text.

    Numbers (Parquet integer, float and decimal columns) are compared as whole values.

    Examples
    --------
    >>> cells = pa.array(["pasient 24128549753", "241285-49753", "PSN-001", "124128549753"])
    >>> identifier_mask(cells).tolist()
    [True, True, False, False]
    """
    text = as_text(values)
    if text is None:
        return national_id_mask(values)
    result = np.zeros(len(text), dtype=bool)
    candidates = np.flatnonzero(_digit_counts(text) >= _FEWEST_DIGITS)
    if candidates.size == 0:
        return result
    cells = pc.take(text, pa.array(candidates))
    joined = pc.replace_substring_regex(cells, _SPLIT, r"\1\2")
    runs = pc.split_pattern_regex(joined, _NOT_DIGITS)
    flat = pc.list_flatten(runs)
    parents = pc.list_parent_indices(runs).to_numpy(zero_copy_only=False)
    lengths = pc.binary_length(flat).to_numpy(zero_copy_only=False)
    whole = pc.binary_length(pc.utf8_trim_whitespace(joined)).to_numpy(zero_copy_only=False)
    keep = (lengths == 11) | ((lengths == 10) & (whole[parents] == 10))
    if not keep.any():
        return result
    kept = np.flatnonzero(keep)
    found = national_id_mask(pc.take(flat, pa.array(kept)))
    result[candidates[parents[kept[found]]]] = True
    return result


def holds_identifier(text: Any) -> bool:
    """Return whether one text (a file or column name) holds a national identity number."""
    return bool(identifier_mask(pa.array([str(text)], type=pa.string()))[0])
