"""Exports carry no live formula and cannot be broken by stored text (CSV and Excel, API and
dashboards)."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import MethodPayload, create_temporary_introduction, patch_current
from tracker import exports

# What an attacker types into a stored text to have a spreadsheet run it (OWASP's list, and the
# same behind leading blanks), plus characters that broke the Excel export.
ATTACKS = [
    '=HYPERLINK("http://127.0.0.1/x","Klikk her")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "\uff1d1+1",
]
BREAKERS = ["styr\u0003tegn", "null\x00byte", "ensom \ud800 surrogat", "DEL\x7f"]


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def assert_no_live_formula_in_csv(text: str) -> None:
    for row in csv_cells(text):
        for cell in row:
            assert not exports.is_formula_like(cell), repr(cell)


def assert_no_live_formula_in_xlsx(content: bytes) -> list[str]:
    """Check every cell; return the texts as a spreadsheet user would read them."""
    sheet = load_workbook(io.BytesIO(content)).active
    texts = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                texts.append(cell.value)
                if exports.is_formula_like(cell.value):
                    assert cell.quotePrefix, repr(cell.value)
    return texts


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_text_is_neutralised_in_both_formats(text):
    csv_text = exports.to_csv(["a"], [[text]])
    assert_no_live_formula_in_csv(csv_text)
    assert csv_cells(csv_text)[1] == ["'" + text]
    texts = assert_no_live_formula_in_xlsx(exports.to_xlsx(["a"], [[text]], sheet="Ark"))
    assert texts[1].strip() == text.strip()  # the text itself is kept, as text (XML: CR is LF)


def test_numbers_stay_numbers_and_ordinary_text_is_untouched():
    content = exports.to_xlsx(["n", "t"], [[-5, "Ikke-småcellet lungekreft"]], sheet="Ark")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == -5 and sheet["B2"].value == "Ikke-småcellet lungekreft"
    assert csv_cells(exports.to_csv(["n"], [[-5]]))[1] == ["-5"]


@pytest.mark.parametrize("text", BREAKERS)
def test_no_stored_text_makes_an_export_fail(text):
    csv_text = exports.to_csv(["a"], [[text]])
    csv_text.encode("utf-8")  # a lone surrogate would raise here
    texts = assert_no_live_formula_in_xlsx(exports.to_xlsx(["a"], [[text]], sheet="Ark"))
    assert texts[1] == exports.clean_text(text) and texts[1]


# Control characters the API now refuses, but that older rows or other writers may hold.
STORED_CONTROLS = ["styr\u0003tegn", "enhet\x1fskille", "vertikal\x0btab"]


def _store_attacks(client: Any, session: Any) -> dict[str, Any]:
    """Put the attack texts where the exports read them: method names and milestone texts."""
    from tracker.introductions.models import Milestone

    intro = create_temporary_introduction(client)
    base = f"/api/v1/introductions/{intro['id']}"
    method_url = f"/api/v1/methods/{intro['method_id']}"
    assert patch_current(client, method_url, {"active_substance": ATTACKS[0]}).status_code == 200
    for i, text in enumerate(ATTACKS[1:] + STORED_CONTROLS):
        response = client.post(f"{base}/milestones", json={
            "data_source": "INSPIRE",
            "description": f"uttrekk {i}" if text in STORED_CONTROLS else text,
            "expected_date": f"2026-{i % 12 + 1:02d}-15", "responsible_party": "Kreftregisteret"})
        assert response.status_code in (200, 201), response.json
        if text in STORED_CONTROLS:
            row = session.get(Milestone, response.json["milestones"][-1]["id"])
            row.description = text
            session.add(row)
            session.commit()
    return intro


def test_the_deadline_exports_carry_no_formula_for_any_role(client, as_user, session):
    _store_attacks(client, session)
    for headers in ({}, as_user("kari", "secretariat"), as_user("lege", "clinician")):
        csv_response = client.get("/api/v1/deadlines.csv?as_of=2026-01-01", headers=headers)
        assert csv_response.status_code == 200
        text = csv_response.get_data(as_text=True)
        assert "HYPERLINK" in text or "cmd|" in text  # the texts are there, as text
        assert_no_live_formula_in_csv(text)
        xlsx = client.get("/api/v1/deadlines.xlsx?as_of=2026-01-01", headers=headers)
        assert xlsx.status_code == 200
        texts = assert_no_live_formula_in_xlsx(xlsx.data)
        assert any("styrtegn" in t for t in texts)  # the control character dropped, text kept


def _dashboard_export(browser: Any, button: str) -> dict[str, Any]:
    body = {
        "output": "overview-download.data",
        "outputs": {"id": "overview-download", "property": "data"},
        "inputs": [
            {"id": "export-csv", "property": "n_clicks",
             "value": 1 if button == "export-csv" else None},
            {"id": "export-xlsx", "property": "n_clicks",
             "value": 1 if button == "export-xlsx" else None},
        ],
        "state": [
            {"id": "filter-area", "property": "value", "value": None},
            {"id": "filter-status", "property": "value", "value": None},
            {"id": "filter-region", "property": "value", "value": None},
            {"id": "overview-ctx", "property": "data", "value": {"lang": "nb"}},
        ],
        "changedPropIds": [f"{button}.n_clicks"],
    }
    response = browser.post("/dashboards/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return dict(response.json["response"]["overview-download"]["data"])


def test_the_overview_exports_the_public_downloads_carry_no_formula(client, anonymous, session):
    _store_attacks(client, session)
    sent = _dashboard_export(anonymous, "export-csv")
    assert sent["filename"].endswith(".csv")
    assert ATTACKS[0] in sent["content"].replace("'", "", 1) or "HYPERLINK" in sent["content"]
    assert_no_live_formula_in_csv(sent["content"])
    sent = _dashboard_export(anonymous, "export-xlsx")
    assert sent["filename"].endswith(".xlsx") and sent["base64"]
    texts = assert_no_live_formula_in_xlsx(base64.b64decode(sent["content"]))
    assert ATTACKS[0] in texts


def test_the_method_name_reaches_the_export_as_typed(client):
    """The neutralising apostrophe is added in the file only, never to what is stored."""
    method = client.post("/api/v1/methods", json=MethodPayload(trade_name="=1+1")).json
    assert client.get(f"/api/v1/methods/{method['id']}").json["trade_name"] == "=1+1"


@pytest.mark.parametrize("text", ["null\x00byte", "styr\u0003tegn", "escape\x1b[31m"])
def test_the_api_refuses_control_characters_on_both_databases(client, text):
    response = client.post("/api/v1/methods", json=MethodPayload(trade_name=text))
    assert response.status_code == 422
    assert [d["field"] for d in response.json["details"]] == ["trade_name"]
    assert "control character" in response.json["details"][0]["message"]
    assert client.get("/api/v1/methods").json["total"] == 0
