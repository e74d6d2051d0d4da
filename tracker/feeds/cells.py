"""Byte-level checks on whole text columns: control characters and line breaks in cells.

A NUL byte cannot be stored in PostgreSQL (HTTP 500 before these checks) and a line break in a
cell means, in a registry extract, a quote that was opened and not closed where it should have
been. The checks look at a column's bytes with numpy, without copying the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

TAB, LF, CR, DEL = 0x09, 0x0A, 0x0D, 0x7F
C1_LEAD = 0xC2  # U+0080-U+009F (C1 controls) are encoded C2 80 to C2 9F


def as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """Return a column as one string array (dictionaries decoded), or None if it is not text."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    return None


def string_parts(array: pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """Return the offsets (one more than the values) and the bytes of a string array, uncopied."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    _, offsets_buffer, data_buffer = array.buffers()
    if len(array) == 0 or offsets_buffer is None:
        return np.zeros(len(array) + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    first = array.offset
    offsets = np.frombuffer(offsets_buffer, dtype=width)[first : first + len(array) + 1]
    data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    return offsets.astype(np.int64, copy=False), data


def rows_of(
    offsets: npt.NDArray[np.int64], positions: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """Return the row holding each byte position of a string array's data."""
    return np.searchsorted(offsets, positions, side="right") - 1  # type: ignore[no-any-return]


@dataclass
class Controls:
    """The cells of a column that hold line breaks, and those that hold other control characters."""

    line_breaks: npt.NDArray[np.bool_]
    other: npt.NDArray[np.bool_]


def control_characters(array: pa.Array | pa.ChunkedArray) -> Controls | None:
    """Find cells with control characters (C0 but tab, DEL, C1); None if the column has none.

    One comparison over the column's bytes decides for almost every column; only a column that
    has such a byte is looked at again to find the rows.
    """
    text = as_text(array)
    if text is None or len(text) == 0:
        return None
    offsets, data = string_parts(text)
    values = data[offsets[0] : offsets[-1]]
    low = values < 0x20
    n_low = int(np.count_nonzero(low))
    has_del = bool(np.count_nonzero(values == DEL))
    lead = np.flatnonzero(values[:-1] == C1_LEAD) if values.size > 1 else np.zeros(0, np.intp)
    c1 = lead[values[lead + 1] < 0xA0] if lead.size else lead
    if n_low and n_low == int(np.count_nonzero(values == TAB)):
        n_low = 0  # tabs only: white space, trimmed at the ends like spaces
    if not n_low and not has_del and not c1.size:
        return None
    n = len(text)
    breaks = np.zeros(n, dtype=bool)
    other = np.zeros(n, dtype=bool)
    if n_low:
        is_break = (values == LF) | (values == CR)
        breaks[rows_of(offsets, np.flatnonzero(is_break) + offsets[0])] = True
        is_other = low & ~is_break & (values != TAB)
        other[rows_of(offsets, np.flatnonzero(is_other) + offsets[0])] = True
    if has_del:
        other[rows_of(offsets, np.flatnonzero(values == DEL) + offsets[0])] = True
    if c1.size:
        other[rows_of(offsets, c1 + offsets[0])] = True
    if text.null_count:
        valid = text.is_valid().to_numpy(zero_copy_only=False)
        breaks &= valid
        other &= valid
    return Controls(breaks, other)


def long_cells(array: pa.Array | pa.ChunkedArray, limit: int) -> npt.NDArray[np.bool_] | None:
    """Return the cells longer than `limit` bytes, or None if there are none."""
    text = as_text(array)
    if text is None or len(text) == 0:
        return None
    offsets, _ = string_parts(text)
    lengths = np.diff(offsets)
    if int(lengths.max()) <= limit:
        return None
    return lengths > limit  # type: ignore[no-any-return]
