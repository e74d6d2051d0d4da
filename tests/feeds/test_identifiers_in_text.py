"""A national identity number anywhere in an extract refuses it: within text, in any column, in
a Parquet column, in a column name, in the file name. Problems name the row and the column (a
column named with a number: by its position), never the value, and nothing is stored.

Valid numbers are found by search with python-stdnum, an oracle independent of the tracker's
own check digits.
"""

from __future__ import annotations

import io
import logging

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from stdnum.no import fodselsnummer

from tests.feeds.helpers import CRAFTED, csv_bytes, parquet_bytes, rows, stored, upload
from tracker.feeds.identifiers import identifier_mask


def valid_number(date_part: str) -> str:
    """Return the first number with this date part that stdnum accepts."""
    for rest in range(100_000):
        number = f"{date_part}{rest:05d}"
        if fodselsnummer.is_valid(number):
            return number
    raise AssertionError(date_part)


FNR = valid_number("241285")  # born 24 December 1985
D_NUMBER = valid_number("641285")  # the same date as a D-number (day + 40)
H_NUMBER = valid_number("245285")  # the same date as an H-number (month + 40)
ZERO = valid_number("010190")  # starts with 0: a spreadsheet drops it


def written(number: str) -> list[str]:
    """The ways a number is written inside a text: whole, or 6 + 5 with a separator."""
    return [number, f"{number[:6]} {number[6:]}", f"{number[:6]}.{number[6:]}",
            f"{number[:6]}-{number[6:]}"]


def echoes(number: str) -> list[bytes]:
    """What must never appear in an answer: the number and its two parts together."""
    return [form.encode() for form in written(number)] + [number[1:].encode()]


def refused(response, app, caplog, number: str) -> list[dict]:
    assert response.status_code == 422, response.json
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for echo in echoes(number):
        assert echo not in response.data
        assert echo.decode() not in logged
    assert stored(app) == (0, 0)
    return response.json["details"]


def test_the_oracle_numbers_are_valid_and_distinct():
    assert len({FNR, D_NUMBER, H_NUMBER, ZERO}) == 4
    assert all(fodselsnummer.is_valid(n) for n in (FNR, D_NUMBER, H_NUMBER, ZERO))


@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER], ids=["fnr", "d", "h"])
def test_numbers_within_text_are_found_in_every_written_form(number):
    cells = [f"pasient {form}" for form in written(number)] + [
        f"{number}.", f"({number[:6]}-{number[6:]})", f"id:{number}x"]
    assert identifier_mask(pa.array(cells)).all()


def test_digits_around_a_number_make_it_another_number():
    not_ids = [f"1{FNR}", f"{FNR}0", f"{FNR[:6]}  {FNR[6:]}", f"{FNR[:6]}{FNR[6:]}-1".replace(
        FNR, FNR[:-1] + str((int(FNR[-1]) + 1) % 10)), f"pasient {ZERO[1:]}", "PSN-00012345"]
    assert not identifier_mask(pa.array(not_ids)).any()
    # Ten digits are a number that lost its leading zero only when they fill the cell.
    assert identifier_mask(pa.array([ZERO[1:], f" {ZERO[1:]} "])).all()


@pytest.mark.parametrize("form", range(4), ids=["whole", "space", "dot", "dash"])
@pytest.mark.parametrize(
    ("column", "index"),
    [("subgroup", 1), ("health_trust", 3), ("patient_id", 0), ("diagnosis", 4),
     ("region", 2), ("death_date", 0)],
)
def test_a_number_within_a_text_cell_is_refused(client, app, intro, caplog, column, index, form):
    caplog.set_level(logging.DEBUG)
    cell = f"pasient {written(FNR)[form]}"
    details = refused(upload(client, intro["id"], csv_bytes(rows(index, **{column: cell}))),
                      app, caplog, FNR)
    here = [d for d in details if d["row"] == index + 2 and d["column"] == column]
    assert len(here) == 1 and "direct identifier" in here[0]["message"]
    assert here[0]["field"] == f"row {index + 2}, column {column}"


def test_a_number_within_an_extra_column_is_refused(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    records = [dict(r, merknad=f"ring {H_NUMBER[:6]}-{H_NUMBER[6:]}" if i == 2 else "fri tekst")
               for i, r in enumerate(CRAFTED)]
    details = refused(upload(client, intro["id"], csv_bytes(records)), app, caplog, H_NUMBER)
    assert [(d["row"], d["column"]) for d in details] == [(4, "merknad")]


def test_a_number_within_a_parquet_text_column_is_refused(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    table = pq.read_table(io.BytesIO(parquet_bytes(rows(3, subgroup=f"nr. {D_NUMBER}"))))
    table = table.append_column("kommentar", pa.array(
        ["", f"{FNR[:6]}.{FNR[6:]}", "", "", ""]).dictionary_encode())
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    details = refused(upload(client, intro["id"], buffer.getvalue(), name="u.parquet"), app,
                      caplog, D_NUMBER)
    assert [(d["row"], d["column"]) for d in details] == [(3, "kommentar"), (5, "subgroup")]
    for echo in echoes(FNR):
        assert echo not in str(details).encode()


def test_a_number_in_a_parquet_integer_extra_column_is_refused(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    table = pq.read_table(io.BytesIO(parquet_bytes(CRAFTED))).append_column(
        "fnr", pa.array([0, 0, 0, int(ZERO), 0], type=pa.int64()))
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    details = refused(upload(client, intro["id"], buffer.getvalue(), name="u.parquet"), app,
                      caplog, ZERO)
    assert [(d["row"], d["column"]) for d in details] == [(5, "fnr")]


@pytest.mark.parametrize("form", range(4), ids=["whole", "space", "dot", "dash"])
def test_a_column_named_with_a_number_is_named_by_its_position(client, app, intro, caplog, form):
    caplog.set_level(logging.DEBUG)
    name = f"pasient {written(FNR)[form]}"
    records = [dict(r, **{name: "x"}) for r in CRAFTED]
    details = refused(upload(client, intro["id"], csv_bytes(records)), app, caplog, FNR)
    assert [(d["field"], d["column"], d["row"]) for d in details] == [("column 17", None, None)]
    assert "the column name holds a fødselsnummer" in details[0]["message"]


def test_a_duplicated_column_named_with_a_number_is_not_echoed(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    header = ",".join([*CRAFTED[0], FNR, f" {FNR.upper()} "])
    body = csv_bytes(CRAFTED).split(b"\n", 1)[1].replace(b"\n", b",a,b\n")
    details = refused(upload(client, intro["id"], header.encode() + b"\n" + body), app, caplog,
                      FNR)
    assert [d["field"] for d in details] == ["column 17", "column 18"]


def test_a_parquet_column_named_with_a_number_is_named_by_its_position(
    client, app, intro, caplog
):
    caplog.set_level(logging.DEBUG)
    table = pq.read_table(io.BytesIO(parquet_bytes(CRAFTED)))
    table = table.add_column(2, f"fnr_{D_NUMBER}", pa.array(["a"] * 5))
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    details = refused(upload(client, intro["id"], buffer.getvalue(), name="u.parquet"), app,
                      caplog, D_NUMBER)
    assert [d["field"] for d in details] == ["column 3"]


def test_a_repeated_name_with_a_long_digit_run_is_named_by_position(client, app, intro):
    header = ",".join([*CRAFTED[0], "lab_123456", "lab_123456"])
    body = csv_bytes(CRAFTED).split(b"\n", 1)[1].replace(b"\n", b",a,b\n")
    response = upload(client, intro["id"], header.encode() + b"\n" + body)
    assert response.status_code == 422
    assert b"123456" not in response.data
    assert [d["field"] for d in response.json["details"]] == ["column 18"]
    assert "has the same name as column 17" in response.json["details"][0]["message"]


def test_an_extra_column_with_a_long_digit_run_is_listed_by_position(client, app, intro):
    records = [dict(r, lab_123456="x") for r in CRAFTED]
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 201, response.json
    assert response.json["extra_columns"] == ["column 17"]
    assert b"123456" not in response.data


@pytest.mark.parametrize(
    "name",
    [f"pasient_{FNR}.csv", f"{FNR[:6]}.{FNR[6:]}.csv", f"{FNR[:6]}-{FNR[6:]}.csv",
     f"uttrekk {FNR[:6]} {FNR[6:]}.parquet", f"C:\\data\\{ZERO[1:]}x{FNR}.csv"],
    ids=["underscore", "dot", "dash", "space", "windows path"],
)
def test_a_number_in_the_file_name_is_refused(client, app, intro, caplog, name):
    caplog.set_level(logging.DEBUG)
    details = refused(upload(client, intro["id"], csv_bytes(CRAFTED), name=name), app, caplog,
                      FNR)
    assert details[0]["field"] == "file"
