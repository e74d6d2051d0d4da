"""The secretariat registers methods and decisions in the browser, as the API would store them."""

from __future__ import annotations

import pytest

from tests.conftest import BACKENDS
from tests.factories import MethodPayload
from tests.test_identifiers_everywhere import FNR
from tests.web.conftest import csrf_of, hidden_of


def _method(client, **over):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/methods", json=MethodPayload(**over))
    assert response.status_code == 201
    return response.get_json()


def test_the_secretariat_registers_a_method_and_reads_it_back_through_the_api(
        browser_as, client):
    browser = browser_as("secretariat")
    response = browser.submit("/arbeid/metoder/ny", {
        "nye_metoder_id": "ID2026_101", "active_substance": "testomab",
        "trade_name": "Testo", "indications": "Lungekreft\nBrystkreft",
        "method_type": "drug", "ma_status": "conditional", "orphan": ["", "true"],
        "atmp": "",
    })
    assert response.status_code == 302
    method_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    stored = client.get(f"/api/v1/methods/{method_id}").get_json()
    assert stored["indications"] == ["Lungekreft", "Brystkreft"]
    assert stored["ma_status"] == "conditional" and stored["orphan"] is True
    assert stored["atmp"] is False
    audit = client.get(f"/api/v1/audit/methods/{method_id}").get_json()
    assert audit["events"][0]["interface"] == "web"


def test_errors_are_shown_next_to_their_fields_in_norwegian_and_nothing_is_stored(
        browser_as, client):
    browser = browser_as("secretariat")
    response = browser.submit("/arbeid/metoder/ny", {
        "nye_metoder_id": "feil", "active_substance": "", "method_type": "drug",
        "ma_status": "full"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-active_substance"' in page and "Må fylles ut." in page
    assert 'id="error-nye_metoder_id"' in page
    assert 'aria-invalid="true"' in page
    assert client.get("/api/v1/methods").get_json()["total"] == 0


def test_a_decision_date_is_typed_the_norwegian_way(browser_as, client):
    method = _method(client)
    browser = browser_as("secretariat")
    bad = browser.submit(f"/arbeid/metoder/{method['id']}/beslutninger/ny", {
        "decision_date": "31.02.2026", "outcome": "temporarily_introduced",
        "decision_text": "Midlertidig innført."})
    assert bad.status_code == 422 and "Datoen finnes ikke" in bad.get_data(as_text=True)
    good = browser.submit(f"/arbeid/metoder/{method['id']}/beslutninger/ny", {
        "decision_date": "16.03.2026", "outcome": "temporarily_introduced",
        "decision_text": "Midlertidig innført."})
    assert good.status_code == 302
    decisions = client.get(f"/api/v1/decisions?method_id={method['id']}").get_json()["items"]
    assert [d["decision_date"] for d in decisions] == ["2026-03-16"]


def test_a_stale_edit_shows_what_changed_and_overwrites_nothing(browser_as, client):
    method = _method(client, active_substance="gammelnavn")
    kari, ola = browser_as("secretariat", "kari"), browser_as("secretariat", "ola")
    path = f"/arbeid/metoder/{method['id']}"
    kari_page = kari.page(path)
    assert ola.submit(path, {"active_substance": "olas navn", "method_type": "drug",
                             "ma_status": "full"}).status_code == 302
    response = kari.client.post(path, data={
        "csrf_token": csrf_of(kari_page), "version": hidden_of(kari_page, "version"),
        "_base": hidden_of(kari_page, "_base"), "active_substance": "karis navn",
        "method_type": "drug", "ma_status": "full"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="stale-conflict"' in page and "olas navn" in page and "gammelnavn" in page
    assert 'value="karis navn"' in page  # what Kari typed is kept on the page
    assert client.get(f"/api/v1/methods/{method['id']}").get_json()["active_substance"] == \
        "olas navn"


def test_a_form_post_without_the_csrf_token_is_refused(browser_as, client):
    browser = browser_as("secretariat")
    response = browser.client.post("/arbeid/metoder/ny", data={
        "nye_metoder_id": "ID2026_102", "active_substance": "x"})
    assert response.status_code == 400
    assert client.get("/api/v1/methods").get_json()["total"] == 0


def test_a_role_without_the_right_sees_no_form_and_cannot_post_one(browser_as, client):
    method = _method(client)
    clinician = browser_as("clinician")
    listing = clinician.page("/arbeid/metoder")
    assert 'id="new-method"' not in listing
    page = clinician.page(f"/arbeid/metoder/{method['id']}")
    assert 'id="method-form"' not in page and 'id="new-decision"' not in page
    forged = clinician.client.post(f"/arbeid/metoder/{method['id']}", data={
        "csrf_token": csrf_of(clinician.page("/arbeid/metoder")) if 'csrf_token' in listing
        else csrf_of(page), "active_substance": "x"})
    assert forged.status_code == 403
    assert client.get("/api/v1/methods").get_json()["items"][0]["active_substance"] != "x"


def test_the_public_is_sent_to_the_login_page(anonymous):
    response = anonymous.get("/arbeid/metoder/ny")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_identifier_in_a_form_is_refused_without_echoing_the_number(browser_as, client):
    browser = browser_as("secretariat")
    response = browser.submit("/arbeid/metoder/ny", {
        "nye_metoder_id": "ID2026_103", "active_substance": f"pasient {FNR} fikk",
        "method_type": "drug", "ma_status": "full"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "fødselsnummer" in page and FNR not in page
    assert client.get("/api/v1/methods").get_json()["total"] == 0


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """This module runs the form machinery on both databases (see tests/web/conftest.py)."""
    return str(request.param)
