"""The fødselsnummer / D-number detector: check digits, dates, variants, and vectorised input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from tracker.privacy import WEIGHTS_K1, WEIGHTS_K2, contains_national_id, national_id_mask


def with_check_digits(first_nine: str) -> str | None:
    """Append K1 and K2 by the published rule; None where a check digit would be 10."""
    digits = [int(ch) for ch in first_nine]
    k1 = (11 - sum(w * d for w, d in zip(WEIGHTS_K1, digits, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(w * d for w, d in zip(WEIGHTS_K2, digits, strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return first_nine + f"{k1}{k2}"


def first_valid(date_part: str) -> str:
    for individual in range(1000):
        number = with_check_digits(f"{date_part}{individual:03d}")
        if number:
            return number
    raise AssertionError(date_part)


def test_weights_are_the_published_ones():
    assert WEIGHTS_K1.tolist() == [3, 7, 6, 1, 8, 9, 4, 5, 2]
    assert WEIGHTS_K2.tolist() == [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]


@pytest.mark.parametrize(
    ("date_part", "kind"),
    [
        ("010100", "fødselsnummer"),
        ("150585", "fødselsnummer"),
        ("290200", "29 February of a leap year"),
        ("410190", "D-number (day + 40)"),
        ("714199", "D-number, 31st"),
        ("014190", "H-number (month + 40)"),
        ("018190", "synthetic test number (month + 80)"),
        ("319280", "synthetic test number, 31 December"),
    ],
)
def test_valid_numbers_of_every_kind_are_found(date_part, kind):
    number = first_valid(date_part)
    assert national_id_mask([number]).tolist() == [True], kind


@pytest.mark.parametrize(
    ("date_part", "why"),
    [
        ("310490", "31 April does not exist"),
        ("290201", "29 February of a year not divisible by four"),
        ("000190", "day 0"),
        ("011390", "month 13"),
        ("016190", "month 21 (+40 would be 41-52, +80 81-92)"),
        ("810190", "day 81 (D-numbers go to 71)"),
    ],
)
def test_numbers_whose_date_is_not_real_are_not_identifiers(date_part, why):
    number = first_valid(date_part)  # check digits valid, date not
    assert national_id_mask([number]).tolist() == [False], why


def test_a_wrong_check_digit_is_not_an_identifier():
    number = first_valid("010190")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert national_id_mask([number, wrong]).tolist() == [True, False]


def test_written_forms_spreadsheets_produce_are_found():
    number = first_valid("010190")  # leading zero: a spreadsheet drops it
    forms = [number, f" {number} ", f"{number[:6]} {number[6:]}", f"{number[:6]}-{number[6:]}",
             number[1:], f"\u00a0{number}\u00a0", f"{number[:6]}\u00a0{number[6:]}",
             f"\t{number}\r"]
    assert national_id_mask(forms).all()


def test_pseudonyms_and_other_values_are_not_identifiers():
    values = ["SYN-000123", "PSN-001", "2024-03-18", "C34.1", "", None, "12345", "abcdefghijk",
              first_valid("010190") + "0", "x" + first_valid("010190")]
    assert not national_id_mask(values).any()


def test_vectorised_input_types():
    number = first_valid("150585")
    as_int = int(number)
    assert national_id_mask(pd.Series([number, "A", None])).tolist() == [True, False, False]
    assert national_id_mask(pd.Series([as_int, 7])).tolist() == [True, False]
    assert national_id_mask(pd.Series([float(as_int), np.nan])).tolist() == [True, False]
    assert national_id_mask(pa.array([as_int, None])).tolist() == [True, False]
    assert national_id_mask(pa.chunked_array([[number], ["B"]])).tolist() == [True, False]
    assert national_id_mask(np.array([number, "B"])).tolist() == [True, False]
    assert national_id_mask([]).tolist() == []


def test_many_values_at_once():
    rng = np.random.default_rng(7)
    values = [f"{v:011d}" for v in rng.integers(0, 10**11, 20_000)]
    planted = [first_valid(f"{d:02d}0190") for d in range(1, 29)]
    mask = national_id_mask(values + planted)
    assert mask[-len(planted):].all()
    expected = [national_id_mask([v])[0] for v in values[:500]]
    assert mask[:500].tolist() == expected


def test_free_text_such_as_file_names():
    number = first_valid("010190")
    assert contains_national_id(f"uttrekk_{number}.csv")
    assert not contains_national_id("uttrekk_2025-12-31.csv")
    assert not contains_national_id("SYNTETISK_ID2021_901_INSPIRE_20251231.csv")
