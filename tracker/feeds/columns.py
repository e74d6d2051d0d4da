"""The columns of a registry extract and how each kind of cell is parsed, a whole column at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

REQUIRED = ("patient_id", "treatment_start", "last_followup")
OPTIONAL = (
    "health_trust", "region", "birth_year", "sex", "diagnosis", "subgroup", "treatment_line",
    "treatment_stop", "stop_reason", "progression_date", "death_date", "best_response",
    "entry_date",
)
COLUMNS = REQUIRED + OPTIONAL
DATES = (
    "treatment_start", "last_followup", "treatment_stop", "progression_date", "death_date",
    "entry_date",
)
INTEGERS = ("birth_year", "treatment_line")
# Free text, stored as given (trimmed); the longest value each column may hold.
TEXT_LIMITS = {"patient_id": 64, "health_trust": 120, "diagnosis": 16, "subgroup": 120}

REGION_NAMES = ("Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord")
# Accepted spellings (compared in lower case) -> the regional health authority's full name.
REGIONS = {
    "helse sør-øst": "Helse Sør-Øst", "hsø": "Helse Sør-Øst",
    "helse sor-ost": "Helse Sør-Øst", "hso": "Helse Sør-Øst",
    "helse vest": "Helse Vest", "hv": "Helse Vest",
    "helse midt-norge": "Helse Midt-Norge", "hmn": "Helse Midt-Norge",
    "helse nord": "Helse Nord", "hn": "Helse Nord",
}
SEXES = {"k": "K", "f": "K", "m": "M"}  # kvinne / female -> K, mann -> M
STOP_REASONS = (
    "progression", "toxicity", "death", "completed", "patient_choice", "other", "unknown",
)
RESPONSES = ("CR", "PR", "SD", "PD", "NE")
# ICD-10: a letter, two digits, optionally a subdivision with or without the dot (C34, C34.1, C341).
ICD10_PATTERN = r"^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z]{1,4})?$"

_NULL_STRING = pa.scalar(None, pa.string())


def absent(n: int, type_: pa.DataType = pa.string()) -> pa.Array:
    """Return an all-null column for an optional column the file does not have."""
    return pa.nulls(n, type=type_)


# Bytes that may start or end a value with whitespace for `utf8_trim_whitespace`: ASCII white
# space, and the lead (start) or last (end) bytes of the Unicode white-space characters.
_MAY_START_SPACE = np.zeros(256, dtype=np.bool_)
_MAY_START_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20,
                  0xC2, 0xE1, 0xE2, 0xE3]] = True
_MAY_END_SPACE = np.zeros(256, dtype=np.bool_)
_MAY_END_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
_MAY_END_SPACE[0x80:] = True


def _offsets(array: pa.Array) -> npt.NDArray[np.int32]:
    raw = np.frombuffer(array.buffers()[1], dtype=np.int32)
    return raw[array.offset : array.offset + len(array) + 1]


def _may_need_trim(array: pa.Array) -> bool:
    """Whether a value might start or end with white space (cheap: two bytes per value)."""
    offsets = _offsets(array)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.any():
        return False
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
    return bool(_MAY_START_SPACE[data[starts[filled]]].any()
                or _MAY_END_SPACE[data[ends[filled] - 1]].any())


def _empty_as_null(array: pa.Array) -> pa.Array:
    """Mark empty strings as null, sharing the offsets and characters (no copy of the text)."""
    filled = np.diff(_offsets(array)) > 0
    if array.null_count:
        filled &= array.is_valid().to_numpy(zero_copy_only=False)
    if filled.all():
        return array
    if not filled.any():
        return pa.nulls(len(array), pa.string())
    # A validity bitmap that starts where the array's buffers start (the array may be a slice).
    bitmap = pa.array(np.concatenate([np.zeros(array.offset, dtype=np.bool_), filled]))
    return pa.Array.from_buffers(
        pa.string(), len(array), [bitmap.buffers()[1], *array.buffers()[1:]],
        null_count=int(len(array) - filled.sum()), offset=array.offset,
    )


def text(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return the column as trimmed strings, with empty cells as null.

    A million-row column is not copied unless a value has white space to trim: fresh memory is
    what a large import spends most of its time on after parsing.
    """
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if not pa.types.is_string(array.type):  # large strings (e.g. from polars), numbers, ...
        array = pc.cast(array, pa.string())
    if len(array) and _may_need_trim(array):
        array = pc.utf8_trim_whitespace(array)
    return _empty_as_null(array) if len(array) else array


def mask(array: pa.Array) -> npt.NDArray[np.bool_]:
    """Return a boolean array as numpy, nulls as False."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


def present(array: pa.Array) -> npt.NDArray[np.bool_]:
    """Return where a column has a value."""
    return array.is_valid().to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


@dataclass
class Parsed:
    """A parsed column: the values to store, their numbers for checks, and the bad cells."""

    stored: pa.Array  # typed Arrow array (string, date32 or int32), null where empty or bad
    numbers: npt.NDArray[np.float64] | None  # days since 1970-01-01 or the integer, NaN if none
    bad: npt.NDArray[np.bool_]  # non-empty cells that could not be parsed
    source_text: pa.Array | None  # the trimmed text of the cells, where the file had text


def dates(array: pa.Array | pa.ChunkedArray) -> Parsed:
    """Parse ISO dates (YYYY-MM-DD exactly); Parquet date and timestamp columns are taken as is."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_date(array.type) or pa.types.is_timestamp(array.type):
        day = pc.cast(array, pa.date32())
        bad = np.zeros(len(day), dtype=bool)
        cells = None
    else:
        cells = text(array)
        parsed = pc.cast(pc.strptime(cells, format="%Y-%m-%d", unit="s", error_is_null=True),
                         pa.date32())
        # strptime rolls 2024-02-30 over to March and accepts 2024-1-5; a round trip refuses both.
        exact = pc.equal(pc.cast(parsed, pa.string()), cells)
        bad = present(cells) & ~mask(exact)
        day = pc.if_else(pa.array(bad), pa.scalar(None, pa.date32()), parsed) if bad.any() \
            else parsed
    numbers = pc.cast(day, pa.int32()).to_numpy(zero_copy_only=False).astype(np.float64)
    return Parsed(day, numbers, bad, cells)


def integers(array: pa.Array | pa.ChunkedArray) -> Parsed:
    """Parse whole numbers; Parquet integer columns (and whole floats) are taken as is."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_integer(array.type):
        numbers = array.to_numpy(zero_copy_only=False).astype(np.float64)
        bad = np.zeros(len(array), dtype=bool)
        cells = None
    elif pa.types.is_floating(array.type):
        numbers = array.to_numpy(zero_copy_only=False).astype(np.float64)
        bad = np.isfinite(numbers) & (numbers != np.round(numbers)) | np.isinf(numbers)
        cells = None
    else:
        cells = text(array)
        whole = mask(pc.match_substring_regex(cells, r"^[+-]?[0-9]{1,9}$"))
        bad = present(cells) & ~whole
        ints = pc.cast(pc.if_else(pa.array(whole), cells, _NULL_STRING), pa.int64())
        numbers = ints.to_numpy(zero_copy_only=False).astype(np.float64)
    numbers = np.where(bad, np.nan, numbers)
    valid = ~np.isnan(numbers)
    stored = pa.array(np.where(valid, numbers, 0).astype(np.int64), mask=~valid)
    return Parsed(stored, numbers, bad, cells)


def categories(
    array: pa.Array | pa.ChunkedArray, accepted: dict[str, str], *, upper: bool = False
) -> Parsed:
    """Map accepted spellings (compared case-insensitively) to their stored form."""
    cells = text(array)
    key = pc.utf8_upper(cells) if upper else pc.utf8_lower(cells)
    index = pc.index_in(key, value_set=pa.array(list(accepted), type=pa.string()))
    bad = present(cells) & ~present(index)
    stored = pc.take(pa.array(list(accepted.values()), type=pa.string()), index)
    return Parsed(stored, None, bad, cells)


def free_text(array: pa.Array | pa.ChunkedArray, limit: int) -> Parsed:
    """Keep text as given (trimmed); a value longer than `limit` characters is bad."""
    cells = text(array)
    too_long = mask(pc.greater(pc.utf8_length(cells), limit))
    return Parsed(cells, None, too_long, cells)


def years_of(days: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Return the calendar year of each day number (NaN stays NaN)."""
    valid = ~np.isnan(days)
    years = np.full(days.shape, np.nan)
    as_dates = days[valid].astype("int64").astype("datetime64[D]")
    years[valid] = as_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    return years
