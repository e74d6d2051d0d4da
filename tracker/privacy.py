"""Detect Norwegian national identity numbers in data that must hold pseudonyms only.

A fødselsnummer has 11 digits ``DDMMYY III K1 K2``: the birth date, a three-digit individual
number and two mod-11 check digits (Skatteetaten, "Fødselsnummer"; the algorithm is the one in
the population register's specification):

* ``K1 = 11 - (3·d1 + 7·d2 + 6·d3 + 1·d4 + 8·d5 + 9·d6 + 4·d7 + 5·d8 + 2·d9) mod 11``
* ``K2 = 11 - (5·d1 + 4·d2 + 3·d3 + 2·d4 + 7·d5 + 6·d6 + 5·d7 + 4·d8 + 3·d9 + 2·K1) mod 11``

where a result of 11 means 0 and a result of 10 means the number is invalid. Variants use the
same check digits with an offset on the date part, all refused here because each points at a
real (or test) person:

* **D-number** (foreign nationals): 4 added to the first digit, so the day is 41–71;
* **H-number** (health-service auxiliary number): 40 added to the month (41–52);
* **synthetic test numbers** (Skatteetaten's test population, "syntetiske fødselsnumre"):
  80 added to the month (81–92).

Once the offsets are removed the first six digits must be a real calendar date (29 February
only in years divisible by four; the century is not known from six digits, so this errs on the
side of refusing). Numbers are recognised with surrounding whitespace, with one space or hyphen
after the date part (``DDMMYY-IIIKK``), and with the leading zero lost (10 digits), because
spreadsheets drop it when they turn the column into a number.

Review these rules when the announced revision of the number scheme (from 2032) takes effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "WEIGHTS_K1",
    "WEIGHTS_K2",
    "IDENTIFIER_MESSAGE",
    "contains_national_id",
    "identifier_paths",
    "walk_texts",
    "national_id_mask",
    "text_has_national_id",
]

WEIGHTS_K1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2], dtype=np.int64)
WEIGHTS_K2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], dtype=np.int64)

# Candidate shapes: 11 digits, optionally split after the date, or 10 digits (lost leading 0);
# any whitespace around, including the no-break spaces spreadsheets like to add.
_CANDIDATE = r"^[\s\p{Z}]*(?:\d{6}[\p{Z} -]?\d{5}|\d{10})[\s\p{Z}]*$"
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _valid_digits(digits: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Apply the date and check-digit rules to an (n, 11) matrix of digits."""
    if digits.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    k1 = (11 - (digits[:, :9] @ WEIGHTS_K1) % 11) % 11
    k2 = (11 - (digits[:, :10] @ WEIGHTS_K2) % 11) % 11
    checks = (k1 != 10) & (k2 != 10) & (k1 == digits[:, 9]) & (k2 == digits[:, 10])

    day = digits[:, 0] * 10 + digits[:, 1]
    day = np.where(day > 40, day - 40, day)  # D-number
    month = digits[:, 2] * 10 + digits[:, 3]
    month = np.where(month > 80, month - 80, np.where(month > 40, month - 40, month))  # test, H
    year = digits[:, 4] * 10 + digits[:, 5]
    month_ok = (month >= 1) & (month <= 12)
    last_day = _DAYS_IN_MONTH[np.where(month_ok, month, 0)]
    last_day = np.where((month == 2) & (year % 4 != 0), 28, last_day)
    date_ok = month_ok & (day >= 1) & (day <= last_day)
    return checks & date_ok  # type: ignore[no-any-return]


def _series_to_arrow(series: pd.Series) -> pa.Array:
    if pd.api.types.is_float_dtype(series.dtype):
        # Whole numbers read as floats (a column with gaps): 1234567890.0 is 1234567890.
        whole = series.notna() & np.isfinite(series) & (series == np.round(series))
        series = series.where(whole).astype("Int64")
    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Mixed Python objects: compare their text.
        return pa.array(series.map(lambda v: None if pd.isna(v) else str(v)), type=pa.string())


def _as_string_array(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if isinstance(values, pa.Array) and pa.types.is_floating(values.type):
        values = values.to_pandas()
    if not isinstance(values, pa.Array):
        if isinstance(values, pd.Series):
            series = values
        else:
            series = pd.Series(values, dtype=object if isinstance(values, list) else None)
        values = _series_to_arrow(series)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values
    return pc.cast(values, pa.string())


def _digit_matrix(padded: pa.Array) -> npt.NDArray[np.int64]:
    """View 11-character ASCII digit strings as an (n, 11) matrix without Python objects."""
    padded = pc.cast(padded, pa.string())
    n = len(padded)
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[padded.offset:]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)
    raw = data[offsets[0] : offsets[0] + 11 * n].reshape(n, 11)
    return raw.astype(np.int64) - ord("0")


def national_id_mask(values: Any) -> npt.NDArray[np.bool_]:
    """Return, per value, whether it is a valid fødselsnummer, D-, H- or synthetic test number.

    `values` may be a pandas Series, a numpy array, a list, or a pyarrow (chunked) array of
    strings or integers; missing values are never identifiers. The work is vectorised: a
    regular expression picks candidates of the right shape and only those are checked.

    Examples
    --------
    >>> national_id_mask(["01010012356", "SYN-000123", "0101001235", None]).tolist()
    [True, False, False, False]
    """
    array = _as_string_array(values)
    n = len(array)
    result = np.zeros(n, dtype=bool)
    if n == 0:
        return result
    # Most cells are too short to hold 10 digits; only the others go through the expression.
    long_enough = np.flatnonzero(
        pc.fill_null(pc.greater_equal(pc.binary_length(array), 10), False).to_numpy(
            zero_copy_only=False)
    )
    if long_enough.size == 0:
        return result
    if long_enough.size < n:
        array = pc.take(array, pa.array(long_enough))
    shaped = pc.fill_null(pc.match_substring_regex(array, _CANDIDATE), False)
    found = np.flatnonzero(shaped.to_numpy(zero_copy_only=False))
    positions = long_enough[found]
    if positions.size == 0:
        return result
    candidates = pc.take(array, pa.array(found))
    digits_only = pc.utf8_trim_whitespace(candidates)
    lengths = pc.utf8_length(digits_only).to_numpy(zero_copy_only=False)
    if (lengths > 11).any():  # a separator after the date part
        digits_only = pc.replace_substring_regex(digits_only, r"[^0-9]", "")
    if (lengths == 10).any():
        # Restore a leading zero that a spreadsheet dropped (10 digits -> 11).
        digits_only = pc.utf8_lpad(digits_only, 11, "0")
    padded = digits_only
    digits = _digit_matrix(padded)
    result[positions] = _valid_digits(digits)
    return result


# In free text a number is written as 11 digits, or 6 + 5 with one space, dot or dash between
# (``DDMMYY IIIKK``, ``DDMMYY.IIIKK``, ``DDMMYY-IIIKK``); letters may touch it (``pasient24…``),
# more digits may not (a 12-digit run is some other number).
_TEXT_RUN = re.compile(r"(?<!\d)\d{6}[ .\-\u00a0\u2011\u2013]?\d{5}(?!\d)")
# File names also come from spreadsheets and scripts that drop a leading zero.
_NAME_RUN = re.compile(r"(?<!\d)(?:\d{6}[ .\-\u00a0\u2011\u2013]?\d{5}|\d{10})(?!\d)")

_NOT_DIGIT = re.compile(r"\D")

IDENTIFIER_MESSAGE = (
    "looks like a fødselsnummer, D-number or H-number (11 digits with valid check digits); "
    "direct identifiers are never stored: remove the number, or use the pseudonym from the "
    "registry extract instead"
)


def text_has_national_id(text: str) -> bool:
    """Return whether a free text contains a valid fødselsnummer, D-, H- or test number.

    Examples
    --------
    >>> text_has_national_id("pasient 010100 12356 startet")
    True
    >>> text_has_national_id("ID2021_901, 12 pasienter, 2025-12-31")
    False
    """
    if len(text) < 11:
        return False
    runs = [_NOT_DIGIT.sub("", run) for run in _TEXT_RUN.findall(text)]
    return bool(runs) and bool(national_id_mask(runs).any())


def contains_national_id(text: str) -> bool:
    """Return whether a file or column name holds an identity number, 10-digit forms too."""
    runs = [_NOT_DIGIT.sub("", run) for run in _NAME_RUN.findall(text)]
    return bool(runs) and bool(national_id_mask(runs).any())


def walk_texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (dotted path, text) for every text in a JSON value; a dictionary key is a text of
    the dictionary's own path, so that a report names the place and never the key itself."""
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path or "body", key
            yield from walk_texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from walk_texts(item, f"{path}.{index}" if path else str(index))


def identifier_paths(value: Any, path: str = "") -> list[str]:
    """Return the dotted paths (``terms.tiers.0.note``) of every text in a JSON value that holds
    an identity number; dictionary keys are texts too.

    Examples
    --------
    >>> identifier_paths({"a": ["ok", "pasient 01010012356"], "b": {"01010012356": 1}})
    ['a.1', 'b']
    """
    found = [where for where, text in walk_texts(value, path) if text_has_national_id(text)]
    return list(dict.fromkeys(found))
