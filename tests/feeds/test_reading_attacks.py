"""Hostile and broken extracts are refused with 422, the row and column named, nothing stored.

Each test performs the attack through the HTTP API, on SQLite and on PostgreSQL, and checks that
no value of the file is echoed. The limits are those of `tracker.feeds.limits`.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.feeds.helpers import CRAFTED, DATA_CUT, csv_bytes, parquet_bytes, rows, stored, upload
from tracker.feeds import limits


def upload_large(client: Any, introduction_id: int, content: bytes) -> Any:
    """POST a large extract from memory (the test client would spool it to a temporary file)."""
    boundary, body = encode_multipart({
        "file": FileStorage(io.BytesIO(content), filename="uttrekk.csv"), "source": "INSPIRE",
        "data_cut": DATA_CUT})
    return client.post(f"/api/v1/introductions/{introduction_id}/feeds", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def refused(response: Any, app: Any, *secrets: str) -> list[dict[str, Any]]:
    """Assert a 422 in the problem format with nothing stored and no secret echoed."""
    assert response.status_code == 422, response.data[:2000]
    body = response.json
    assert body["error"] == "invalid_input"
    for secret in secrets:
        assert secret.encode() not in response.data
    assert stored(app) == (0, 0)
    return body["details"]


def lines_of(records: list[dict[str, Any]]) -> list[bytes]:
    return csv_bytes(records).split(b"\n")


def parquet_of(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


# Quotes and line breaks --------------------------------------------------------------------

def test_an_unterminated_quote_is_refused_at_the_row_where_it_opened(client, app, intro):
    lines = lines_of(CRAFTED)
    lines[3] = lines[3].replace(b",PD-L1 \xe2\x89\xa5 50 %,", b',"PD-L1 \xe2\x89\xa5 50 %,')
    details = refused(upload(client, intro["id"], b"\n".join(lines)), app)
    assert [(d["field"], d["row"]) for d in details] == [("row 4", 4)]
    assert "a quote opens in this row and is not closed" in details[0]["message"]


def test_a_quote_closed_rows_later_cannot_merge_patients_into_one_cell(client, app, intro):
    # Balanced quotes, so Arrow reads 3 records from 5 patient rows: rows 3-5 become one row
    # whose subgroup holds two line breaks and two other patients.
    lines = lines_of(CRAFTED)
    lines[2] = lines[2].replace(b",PD-L1 1-49 %,", b',"PD-L1 1-49 %,')
    lines[4] = lines[4].replace(b",PD-L1 1-49 %,", b',PD-L1 1-49 %",')
    details = refused(upload(client, intro["id"], b"\n".join(lines)), app)
    assert [(d["row"], d["column"]) for d in details] == [(3, "subgroup")]
    assert "holds a line break: a quote opened in this row is probably not closed" \
        in details[0]["message"]


def test_a_quoted_line_break_is_refused_as_such(client, app, intro):
    content = csv_bytes(rows(2, health_trust="St. Olavs\nhospital HF"))
    details = refused(upload(client, intro["id"], content), app)
    assert [(d["field"], d["column"]) for d in details] == [("row 4, column health_trust",
                                                             "health_trust")]


def test_a_carriage_return_inside_a_line_is_refused(client, app, intro):
    lines = lines_of(CRAFTED)
    lines[2] = lines[2].replace(b"Helse Bergen HF", b"Helse\rBergen HF")
    details = refused(upload(client, intro["id"], b"\n".join(lines)), app)
    assert details[0]["row"] == 3 and "carriage return (CR)" in details[0]["message"]


def test_windows_line_breaks_are_read(client, app, intro):
    content = csv_bytes(CRAFTED).replace(b"\n", b"\r\n") + b"\r\n"  # and one blank line
    response = upload(client, intro["id"], content)
    assert response.status_code == 201, response.json
    assert stored(app) == (1, 5)


# Control characters ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("records", "row", "column"),
    [
        pytest.param(rows(1, subgroup="PD-L1\x00 1-49 %"), 3, "subgroup", id="NUL in text"),
        pytest.param(rows(3, patient_id="PSN-\x00004"), 5, "patient_id", id="NUL in pseudonym"),
        pytest.param(rows(0, region="Helse\x1b Sør-Øst"), 2, "region", id="escape in a code"),
        pytest.param(rows(2, health_trust="St. Olavs\x7f hospital"), 4, "health_trust",
                     id="DEL"),
        pytest.param(rows(4, health_trust="Sykehuset\u0085Østfold"), 6, "health_trust",
                     id="C1 next line"),
        pytest.param([dict(r, merknad="ok\x00" if i == 1 else "") for i, r in
                      enumerate(CRAFTED)], 3, "merknad", id="NUL in an extra column"),
    ],
)
def test_a_control_character_in_a_cell_is_refused(client, app, intro, records, row, column):
    details = refused(upload(client, intro["id"], csv_bytes(records)), app)
    assert [(d["row"], d["column"]) for d in details] == [(row, column)]
    assert "holds a control character (such as NUL)" in details[0]["message"]


def test_a_nul_in_a_parquet_cell_is_refused(client, app, intro):
    table = pq.read_table(io.BytesIO(parquet_bytes(rows(1, subgroup="a\x00b"))))
    details = refused(upload(client, intro["id"], parquet_of(table), name="u.parquet"), app)
    assert [(d["row"], d["column"]) for d in details] == [(3, "subgroup")]


def test_a_control_character_in_the_file_name_or_source_is_refused(client, app, intro):
    details = refused(upload(client, intro["id"], csv_bytes(CRAFTED), name="ut\x00trekk.csv"),
                      app)
    assert details[0]["field"] == "file"
    details = refused(upload(client, intro["id"], csv_bytes(CRAFTED), source="INSP\x00IRE"), app)
    assert details[0]["field"] == "source"


# Size and shape ----------------------------------------------------------------------------

def test_twenty_thousand_columns_are_refused_from_the_header(client, app, intro):
    header = ",".join(["patient_id", "treatment_start", "last_followup"]
                      + [f"c{i}" for i in range(19_997)])
    row = ",".join(["PSN-1", "2024-01-01", "2024-02-01"] + ["x"] * 19_997)
    content = f"{header}\n{row}\n".encode()
    details = refused(upload(client, intro["id"], content), app)
    assert [d["row"] for d in details] == [1]
    assert f"at most {limits.MAX_COLUMNS} are read" in details[0]["message"]


def test_a_header_just_over_the_column_limit_is_refused(client, app, intro):
    names = [*CRAFTED[0], *(f"ekstra_{i}" for i in range(limits.MAX_COLUMNS))]
    content = (",".join(names) + "\n" + ",".join(["x"] * len(names)) + "\n").encode()
    details = refused(upload(client, intro["id"], content), app)
    assert details[0]["message"].startswith(f"the header row has {len(names)} columns")


def test_a_parquet_file_with_too_many_columns_is_refused_before_reading(client, app, intro):
    table = pa.table({f"c{i}": pa.array([1]) for i in range(limits.MAX_COLUMNS + 1)})
    details = refused(upload(client, intro["id"], parquet_of(table), name="u.parquet"), app)
    assert f"at most {limits.MAX_COLUMNS} are read" in details[0]["message"]


@pytest.mark.parametrize("where", ["header", "body", "last line"])
def test_a_line_longer_than_the_limit_is_refused_before_parsing(client, app, intro, where):
    long = b"x" * (limits.MAX_LINE_BYTES + 1)
    content = csv_bytes(CRAFTED)
    if where == "header":
        content, row = long, 1
    elif where == "body":
        lines = content.split(b"\n")
        lines.insert(3, long)
        content, row = b"\n".join(lines), 4
    else:
        content, row = content + long, 7
    details = refused(upload(client, intro["id"], content), app)
    assert [d["row"] for d in details] == [row]
    assert f"is longer than {limits.MAX_LINE_BYTES:,} bytes" in details[0]["message"]


def test_a_five_megabyte_single_line_is_refused(client, app, intro):
    content = b"patient_id," + b"9" * (5 * 1024 * 1024)
    details = refused(upload_large(client, intro["id"], content), app)
    assert [d["row"] for d in details] == [1]


def test_a_long_parquet_cell_is_refused(client, app, intro):
    table = pq.read_table(io.BytesIO(parquet_bytes(rows(2, subgroup="x" * 70_000))))
    details = refused(upload(client, intro["id"], parquet_of(table), name="u.parquet"), app)
    assert [(d["row"], d["column"]) for d in details] == [(4, "subgroup")]


def test_more_rows_than_the_limit_are_refused_before_parsing(client, app, intro, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 4)
    details = refused(upload(client, intro["id"], csv_bytes(CRAFTED)), app)
    assert "the file has 5 rows; at most 4 are read" in details[0]["message"]
    details = refused(upload(client, intro["id"], parquet_bytes(CRAFTED), name="u.parquet"), app)
    assert "the file has 5 rows; at most 4 are read" in details[0]["message"]


def test_many_rows_of_garbage_stop_the_reading_early(client, app, intro):
    content = csv_bytes(CRAFTED[:1]) + b"garbage\n" * 200_000
    details = refused(upload_large(client, intro["id"], content), app)
    assert details[0] == {"field": "row 3", "row": 3, "column": None,
                          "message": "has 1 fields but the header row has 16 (delimiter ',')"}
    assert "reading stopped after 999 rows" in details[-1]["message"]
    assert len(details) == 1000


def test_a_parquet_file_that_expands_beyond_its_budget_is_refused(client, app, intro):
    # 200,000 copies of one 60 KB text: a 4 KB file that would take 12 GB once decoded.
    n = 200_000
    huge = pa.DictionaryArray.from_arrays(pa.array([0] * n, type=pa.int32()),
                                          pa.array(["x" * 60_000]))
    dates = pa.array(["2024-01-01"] * n)
    table = pa.table({"patient_id": huge, "treatment_start": dates, "last_followup": dates})
    content = parquet_of(table)
    assert len(content) < 100_000
    details = refused(upload(client, intro["id"], content, name="u.parquet"), app)
    assert "expands to more than" in details[0]["message"]


@pytest.mark.parametrize(
    "column",
    [pa.array([[1, 2]] * 5), pa.array([{"a": 1, "b": "x"}] * 5), pa.array([b"\x00"] * 5)],
    ids=["list", "struct", "binary"],
)
def test_parquet_nested_and_binary_columns_are_refused(client, app, intro, column):
    table = pq.read_table(io.BytesIO(parquet_bytes(CRAFTED))).append_column("tillegg", column)
    details = refused(upload(client, intro["id"], parquet_of(table), name="u.parquet"), app)
    assert [d["field"] for d in details] == ["column tillegg"]
    assert "only text, numbers, dates and timestamps are read" in details[0]["message"]


# Text that is not text ---------------------------------------------------------------------

def test_invalid_utf8_far_into_the_file_names_its_row(client, app, intro):
    records = [dict(CRAFTED[1], patient_id=f"PSN-{i:05d}") for i in range(3000)]
    content = csv_bytes(records)
    lines = content.split(b"\n")
    lines[2500] = lines[2500].replace(b"Helse Bergen HF", b"Helse B\xf8rgen HF")
    details = refused(upload(client, intro["id"], b"\n".join(lines)), app)
    assert [d["row"] for d in details] == [2501]
    assert "not UTF-8 text from this row on" in details[0]["message"]


def test_a_header_only_file_with_blank_lines_is_refused(client, app, intro):
    content = csv_bytes(CRAFTED).split(b"\n")[0] + b"\n\n\r\n\n"
    details = refused(upload(client, intro["id"], content), app)
    assert any("has a header row but no patient rows" in d["message"] for d in details)


# Logs never carry a cell -------------------------------------------------------------------

def test_a_refused_file_leaves_no_cell_in_the_logs(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "HEMMELIG-VERDI"
    content = csv_bytes(rows(1, subgroup=f"{secret}\x00"))
    refused(upload(client, intro["id"], content), app, secret)
    assert secret not in "\n".join(r.getMessage() for r in caplog.records)
