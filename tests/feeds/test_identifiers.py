"""A fødselsnummer or D-number anywhere in an extract refuses it, and is never echoed or stored."""

from __future__ import annotations

import logging

import pytest

from tests.feeds.helpers import CRAFTED, csv_bytes, parquet_bytes, rows, stored, upload
from tests.test_privacy import first_valid

FNR = first_valid("150585")  # a valid fødselsnummer (check digits computed, date real)
D_NUMBER = first_valid("550585")  # the same birth date as a D-number


def _assert_never_echoed(body: bytes, caplog: pytest.LogCaptureFixture, *values: str) -> None:
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for value in values:
        assert value.encode() not in body
        assert value not in logged
        assert value[1:] not in logged  # nor without the leading digit


@pytest.mark.parametrize(
    ("records", "row", "column"),
    [
        pytest.param(rows(patient_id=FNR), 2, "patient_id", id="patient_id"),
        pytest.param(rows(2, patient_id=D_NUMBER), 4, "patient_id", id="d-number"),
        pytest.param(rows(1, subgroup=f"{FNR[:6]}-{FNR[6:]}"), 3, "subgroup", id="other column"),
        pytest.param(rows(region=FNR), 2, "region", id="coded column"),
        pytest.param(rows(death_date=D_NUMBER), 2, "death_date", id="date column"),
        pytest.param([dict(r, merknad=FNR if i == 3 else "") for i, r in enumerate(CRAFTED)], 5,
                     "merknad", id="extra column"),
    ],
)
def test_identifier_refuses_the_file_without_echoing_it(
    client, app, intro, caplog, records, row, column
):
    caplog.set_level(logging.DEBUG)
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 422
    body = response.json
    assert "fødselsnummer or D-number" in body["message"]
    problem = next(d for d in body["details"] if d["row"] == row and d["column"] == column)
    assert "direct identifier" in problem["message"]
    assert "not shown" in problem["message"]
    # Reported once, as an identifier, not also as an unknown region or a bad date.
    assert len([d for d in body["details"] if d["row"] == row and d["column"] == column]) == 1
    _assert_never_echoed(response.data, caplog, FNR, D_NUMBER)
    assert stored(app) == (0, 0)


def test_identifier_in_a_parquet_integer_column(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    records = rows(patient_id="x")
    import io

    import pandas as pd

    frame = pd.read_parquet(io.BytesIO(parquet_bytes(records)))
    frame["patient_id"] = [int(FNR)] + list(range(1, len(frame)))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    response = upload(client, intro["id"], buffer.getvalue(), name="uttrekk.parquet")
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "row 2, column patient_id"
    _assert_never_echoed(response.data, caplog, FNR)
    assert stored(app) == (0, 0)


def test_identifier_in_the_file_name(client, app, intro, caplog):
    caplog.set_level(logging.DEBUG)
    response = upload(client, intro["id"], csv_bytes(CRAFTED), name=f"pasient_{FNR}.csv")
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "file"
    _assert_never_echoed(response.data, caplog, FNR)
    assert stored(app) == (0, 0)


def test_long_digit_runs_are_not_quoted_in_other_messages(client, app, intro):
    not_quite = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)  # wrong check digit: not an identifier
    response = upload(client, intro["id"], csv_bytes(rows(treatment_start=not_quite)))
    assert response.status_code == 422
    assert not_quite.encode() not in response.data
    assert "value not shown" in response.json["details"][0]["message"]


def test_identifier_in_a_parquet_number_column(client, app, intro, caplog):
    import io

    import pandas as pd

    caplog.set_level(logging.DEBUG)
    frame = pd.read_parquet(io.BytesIO(parquet_bytes(CRAFTED)))
    frame["birth_year"] = [int(FNR)] + frame["birth_year"].tolist()[1:]
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    response = upload(client, intro["id"], buffer.getvalue(), name="uttrekk.parquet")
    assert response.status_code == 422
    details = [d for d in response.json["details"] if d["column"] == "birth_year"]
    assert len(details) == 1 and "direct identifier" in details[0]["message"]
    _assert_never_echoed(response.data, caplog, FNR)
    assert stored(app) == (0, 0)
