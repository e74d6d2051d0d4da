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


def control_characters(
    array: pa.Array | pa.ChunkedArray, *, high: bool = True
) -> Controls | None:
    """Find cells with control characters (C0 but tab, DEL, C1); None if the column has none.

    The lowest and highest byte of the column decide for almost every column in one pass each;
    only a column that may hold such a byte is looked at again. `high=False` says the caller
    knows that no DEL and no C1 lead byte occur (a CSV file without them).
    """
    text = as_text(array)
    if text is None or len(text) == 0:
        return None
    offsets, data = string_parts(text)
    values = data[offsets[0] : offsets[-1]]
    if values.size == 0:
        return None
    low = high_bytes = False
    if values.min() < 0x20:
        is_low = values < 0x20
        low = int(np.count_nonzero(is_low)) > int(np.count_nonzero(values == TAB))
    if high and values.max() >= DEL:
        is_del = values == DEL
        lead = np.flatnonzero(values[:-1] == C1_LEAD)
        c1 = lead[values[lead + 1] < 0xA0]
        high_bytes = bool(is_del.any() or c1.size)
    if not low and not high_bytes:
        return None
    n = len(text)
    breaks = np.zeros(n, dtype=bool)
    other = np.zeros(n, dtype=bool)
    start = offsets[0]
    if low:
        is_break = (values == LF) | (values == CR)
        breaks[rows_of(offsets, np.flatnonzero(is_break) + start)] = True
        other[rows_of(offsets, np.flatnonzero(is_low & ~is_break & (values != TAB)) + start)] = True
    if high_bytes:
        other[rows_of(offsets, np.flatnonzero(is_del) + start)] = True
        other[rows_of(offsets, c1 + start)] = True
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
