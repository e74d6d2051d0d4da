"""What an outcome-based agreement owes is confidential: the settlement pages, the printable
credit note, the exports and the API refuse the clinician, the secretariat and the public, and
no amount reaches them on any page they may open; procurement and the forum see them."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from tests.access.conftest import auth
from tests.dashboards.confidential import leaks
from tests.settlements.helpers import AMOUNTS, outcome_agreement, settle

REFUSED = ("public", "secretariat", "clinician")


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The pages and exports add no SQL of their own (the API's tests run on both)."""
    return str(request.param)


@pytest.fixture
def settled(client: Any) -> dict[str, Any]:
    agreement = outcome_agreement(client)
    settlement = settle(client, agreement["id"])
    line = client.get(f"/api/v1/settlements/{settlement['id']}/lines").get_json()["items"][0]
    return {"agreement": agreement, "settlement": settlement, "line": line}


def _urls(data: dict[str, Any]) -> dict[str, list[str]]:
    aid, sid = data["agreement"]["id"], data["settlement"]["id"]
    nid, lid = data["settlement"]["credit_notes"][0]["id"], data["line"]["id"]
    return {
        "pages": ["/arbeid/oppgjor", f"/arbeid/avtaler/{aid}/oppgjor", f"/arbeid/oppgjor/{sid}",
                  f"/arbeid/oppgjor/{sid}/kreditnota/{nid}",
                  f"/arbeid/avtaler/{aid}/oppgjor/linje/{lid}"],
        "api": [f"/api/v1/agreements/{aid}/settlements", f"/api/v1/settlements/{sid}",
                f"/api/v1/settlements/{sid}/lines", f"/api/v1/settlements/{sid}/lines.csv",
                f"/api/v1/settlements/{sid}/lines.xlsx",
                f"/api/v1/agreements/{aid}/reckoning?year=2026"],
        # What every role may open: none may show an amount to a role that may not see it.
        "open": ["/", f"/api/v1/agreements/{aid}", "/api/v1/agreements",
                 f"/arbeid/avtaler/{aid}", "/arbeid/frister", "/api/v1/deadlines",
                 "/api/v1/deadlines.csv", "/api/v1/flags"],
    }


def _text(response: Any) -> str:
    if response.mimetype.endswith("sheet"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as book:
            return " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize("role", REFUSED)
def test_the_settlements_refuse_who_may_not_see_amounts(app, tokens, settled, role):
    browser = app.test_client()
    headers = auth(tokens.get(role))
    urls = _urls(settled)
    for url in urls["pages"]:
        response = browser.get(url, headers=headers)
        if role == "public":  # sent to the login page, nothing of the page shown
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, (role, url, response.status_code)
        assert not leaks(AMOUNTS, _text(response)), (role, url)
    for url in urls["api"]:
        response = browser.get(url, headers=headers)
        assert response.status_code == (401 if role == "public" else 403), (role, url)
        assert not leaks(AMOUNTS, _text(response)), (role, url)
    for url in urls["open"]:
        response = browser.get(url, headers=headers)
        if response.status_code == 200:
            text = _text(response)
            assert not leaks(AMOUNTS, text), (role, url, leaks(AMOUNTS, text))
            assert 'id="nav-settlements"' not in text and "agreement-settlements" not in text


@pytest.mark.parametrize("role", ["secretariat", "clinician"])
def test_nor_may_they_settle_or_move_a_credit_note(app, client, tokens, settled, role):
    browser = app.test_client()
    headers = auth(tokens[role])
    aid, note = settled["agreement"]["id"], settled["settlement"]["credit_notes"][0]
    refused = browser.post(f"/api/v1/agreements/{aid}/settlements", headers=headers,
                           json={"period_start": "2026-07-01", "as_of": "2026-10-01"})
    assert refused.status_code == 403
    moved = browser.post(f"/api/v1/credit-notes/{note['id']}/transitions", headers=headers,
                         json={"to": "issued", "version": note["version"]})
    assert moved.status_code == 403
    stored = client.get(f"/api/v1/agreements/{aid}/settlements").get_json()["items"]
    assert len(stored) == 1 and stored[0]["credit_notes"][0]["state"] == "draft"


@pytest.mark.parametrize("role", ["procurement", "forum"])
def test_procurement_and_the_forum_see_the_amounts(app, tokens, settled, role):
    browser = app.test_client()
    headers = auth(tokens[role])
    urls = _urls(settled)
    for url in urls["pages"][:4] + urls["api"][:5]:
        response = browser.get(url, headers=headers)
        assert response.status_code == 200, (role, url, response.status_code)
    page = _text(browser.get(urls["pages"][2], headers=headers))
    assert leaks(["240\u00a0000"], page) and 'id="nav-settlements"' in page
    assert leaks(["240000.0"], _text(browser.get(urls["api"][1], headers=headers)))
