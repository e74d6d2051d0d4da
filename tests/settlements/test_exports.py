"""The patient lines of a settlement as CSV and Excel: every line, one trust's if asked, the
API's codes in the CSV and Norwegian words and real dates in the Excel sheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import create_temporary_introduction
from tests.feeds.helpers import upload
from tests.settlements.test_api import PATIENTS, TERMS, A, _extract


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The exports add no SQL of their own (the lines' query is tested on both backends)."""
    return str(request.param)


@pytest.fixture
def settlement(client: Any) -> dict[str, Any]:
    """The issue's fixture settled for the second quarter of 2026 (240 000 NOK)."""
    intro = create_temporary_introduction(client)
    agreement = client.post("/api/v1/agreements", json={
        "type": "payment_by_result", "method_id": intro["method_id"],
        "introduction_id": intro["id"], "start_date": "2026-01-01", "terms": TERMS}).get_json()
    assert upload(client, intro["id"], _extract(PATIENTS), data_cut="2026-06-30").status_code == 201
    response = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                           json={"period_start": "2026-04-01", "as_of": "2026-07-01"})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def _csv(client: Any, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel then reads ø in "St. Olavs" right
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_csv_holds_every_line_with_the_apis_codes(client, settlement):
    rows = _csv(client, f"/api/v1/settlements/{settlement['id']}/lines.csv")
    assert [r["patient_id"] for r in rows] == [p[0] for p in PATIENTS]
    death = next(r for r in rows if r["patient_id"] == "P04")
    assert (death["patient_class"], death["event"], death["event_date"],
            float(death["amount_nok"])) == ("non_responder", "death", "2026-04-01", 60000)
    assert sum(float(r["amount_nok"]) for r in rows) == 240000
    api = client.get(f"/api/v1/settlements/{settlement['id']}/lines").get_json()["items"]
    assert [int(r["id"]) for r in rows] == [line["id"] for line in api]


def test_one_trusts_lines_add_up_to_its_credit_note(client, settlement):
    rows = _csv(client, f"/api/v1/settlements/{settlement['id']}/lines.csv?health_trust={A}")
    assert {r["health_trust"] for r in rows} == {A} and len(rows) == 5
    note = next(n for n in settlement["credit_notes"] if n["health_trust"] == A)
    assert sum(float(r["amount_nok"]) for r in rows) == note["amount_nok"] == 120000


def test_the_excel_sheet_speaks_norwegian_with_real_dates(client, settlement):
    response = client.get(f"/api/v1/settlements/{settlement['id']}/lines.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None and sheet.title == "Oppgjør"
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:5] == ["Linje nr.", "Linjetype", "Korrigerer linje nr.", "Pseudonym",
                          "Helseforetak"]
    assert "Beløp (NOK)" in header and "Klasse" in header
    by_patient = {row[header.index("Pseudonym")]: row for row in rows[1:]}
    death = by_patient["P04"]
    assert death[header.index("Klasse")] == "ikke-responder"
    assert death[header.index("Hendelse")] == "død"
    assert death[header.index("Hendelsesdato")] == datetime(2026, 4, 1)
    assert death[header.index("Beløp (NOK)")] == 60000
    assert by_patient["P05"][header.index("Klasse")] == "avventer"
    assert by_patient["P05"][header.index("Årsak")] == "oppfølgingen slutter i vinduet"
    assert by_patient["P01"][header.index("Linjetype")] == "opprinnelig"


def test_a_settlement_that_does_not_exist_is_not_exported(client):
    assert client.get("/api/v1/settlements/999/lines.csv").status_code == 404
    assert client.get("/api/v1/settlements/999/lines.xlsx").status_code == 404
