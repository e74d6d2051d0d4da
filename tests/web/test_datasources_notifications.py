"""The data-source catalogue and one's own notifications, worked in the browser."""

from __future__ import annotations

from typing import Any

from tests.factories import create_temporary_introduction
from tests.flags.helpers import sweep


def test_the_secretariat_adds_and_changes_a_data_source(browser_as, client):
    browser = browser_as("secretariat")
    created = browser.submit("/arbeid/datakilder/ny", {
        "code": "KVAL_TEST", "name": "Testregisteret for kvalitet", "kind": "quality_registry",
        "holds": "Behandling og utfall per pasient.", "patient_level": ["", "true"]})
    assert created.status_code == 302
    [source] = [s for s in client.get("/api/v1/data-sources?limit=500").json["items"]
                if s["code"] == "KVAL_TEST"]
    assert source["kind"] == "quality_registry" and source["patient_level"] is True
    listing = browser.page("/arbeid/datakilder")
    assert "Nasjonalt kvalitetsregister" in listing and "quality_registry" not in listing
    changed = browser.submit(f"/arbeid/datakilder/{source['id']}", {
        "name": "Testregisteret", "kind": "quality_registry", "holds": "Utfall.",
        "latency": "årlig", "patient_level": ""})
    assert changed.status_code == 302
    stored = client.get(f"/api/v1/data-sources/{source['id']}").json
    assert stored["name"] == "Testregisteret" and stored["latency"] == "årlig"
    assert stored["patient_level"] is False and stored["code"] == "KVAL_TEST"


def test_a_bad_code_is_told_in_norwegian_and_nothing_is_stored(browser_as, client):
    before = client.get("/api/v1/data-sources?limit=500").json["total"]
    response = browser_as("secretariat").submit("/arbeid/datakilder/ny", {
        "code": "liten kode", "name": "", "kind": "other"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-code"' in page and 'id="error-name"' in page and "Må fylles ut." in page
    assert client.get("/api/v1/data-sources?limit=500").json["total"] == before


def test_a_clinician_reads_the_catalogue_but_cannot_change_it(browser_as, client):
    create_temporary_introduction(client)
    source = client.get("/api/v1/data-sources").json["items"][0]
    clinician = browser_as("clinician")
    assert 'id="new-data-source"' not in clinician.page("/arbeid/datakilder")
    page = clinician.page(f"/arbeid/datakilder/{source['id']}")
    assert 'id="data-source-form"' not in page and source["name"] in page
    from tests.web.conftest import csrf_of

    forged = clinician.client.post(f"/arbeid/datakilder/{source['id']}", data={
        "csrf_token": csrf_of(clinician.page("/arbeid/varslinger")), "name": "x",
        "version": str(source["version"])})
    assert forged.status_code == 403
    assert client.get(f"/api/v1/data-sources/{source['id']}").json["name"] == source["name"]


def _notified(client: Any, email: str) -> dict[str, Any]:
    intro = create_temporary_introduction(client, responsible_emails=[email],
                                          review_date="2027-03-01")
    sweep(client, "2027-01-15")  # the review is due within the window: a flag and a notice
    return intro


def test_a_user_reads_their_notifications_marks_one_read_and_chooses_a_digest(
        browser_as, client):
    browser = browser_as("secretariat", "kari")
    _notified(client, "kari@example.org")
    page = browser.page("/arbeid/varslinger")
    assert 'id="notifications-table"' in page and "Revurdering nærmer seg" in page
    notes = client.get("/api/v1/notifications?recipient=kari@example.org").json["items"]
    first = notes[0]
    assert first["read_at"] is None
    from tests.web.conftest import csrf_of

    marked = browser.client.post(f"/arbeid/varslinger/{first['id']}/lest",
                                 data={"csrf_token": csrf_of(page)})
    assert marked.status_code == 302
    again = client.get("/api/v1/notifications?recipient=kari@example.org").json["items"]
    assert [n["read_at"] is not None for n in again if n["id"] == first["id"]] == [True]
    unread = browser.page("/arbeid/varslinger?unread=true")
    assert f'id="notification-{first["id"]}"' not in unread
    chosen = browser.client.post("/arbeid/varslinger", data={
        "csrf_token": csrf_of(page), "mode": "daily_digest"})
    assert chosen.status_code == 302
    assert client.get("/api/v1/notification-preferences/kari@example.org").json["mode"] == \
        "daily_digest"


def test_nobody_reads_or_marks_another_users_notifications(browser_as, client):
    _notified(client, "kari@example.org")
    browser_as("secretariat", "kari")
    [note, *_] = client.get("/api/v1/notifications?recipient=kari@example.org").json["items"]
    ola = browser_as("clinician", "ola")
    page = ola.page("/arbeid/varslinger")
    assert "Revurdering nærmer seg" not in page
    from tests.web.conftest import csrf_of

    response = ola.client.post(f"/arbeid/varslinger/{note['id']}/lest",
                               data={"csrf_token": csrf_of(page)})
    assert response.status_code == 403
    stored = client.get("/api/v1/notifications?recipient=kari@example.org").json["items"]
    assert all(n["read_at"] is None for n in stored)


def test_a_bad_choice_of_mode_is_refused(browser_as, client):
    browser = browser_as("secretariat", "kari")
    page = browser.page("/arbeid/varslinger")
    from tests.web.conftest import csrf_of

    response = browser.client.post("/arbeid/varslinger", data={
        "csrf_token": csrf_of(page), "mode": "hver_time"})
    assert response.status_code == 422 and "Velg en av verdiene" in response.get_data(as_text=True)
    assert client.get("/api/v1/notification-preferences/kari@example.org").json["mode"] == \
        "immediate"
