"""Sykehusinnkjøp settles a quarter of the demo's outcome-based agreement in Chromium, sends a
trust its credit note, records the supplier's dispute (refused without a reason) and opens the
printable credit note; the API shows what was done, and a clinician finds no way in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboards.axe import assert_accessible
from tests.dashboards.conftest import LiveServer, admin_api, screenshot

pytestmark = pytest.mark.browser

REASON = "Leverandøren mener progresjonen ble påvist etter vinduet."


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Any:
    return admin_api(live_server, "work-settlements-admin")


def _demo_agreement(api: Any) -> dict[str, Any]:
    """The demo's outcome-based agreement that `tracker seed feeds` settled a quarter of."""
    items = api.get("/api/v1/agreements?type=payment_by_result&limit=100").json["items"]
    return next(a for a in items if (a.get("terms") or {}).get("cost_per_window_nok"))


def test_procurement_settles_a_quarter_and_disputes_a_credit_note(
        page_as: Any, live_server: LiveServer, api: Any) -> None:
    agreement = _demo_agreement(api)
    seeded = api.get(f"/api/v1/agreements/{agreement['id']}/settlements").json["items"]
    assert [s["period_start"] for s in seeded] == ["2022-07-01"]

    page = page_as("procurement")
    page.goto(f"{live_server.url}/arbeid/oppgjor")
    page.click(f"#open-settlements-{agreement['id']}")
    page.wait_for_selector("#settle-form")
    assert page.locator(f"#settlement-{seeded[0]['id']}").is_visible()
    # The form opens on the quarter after the one settled.
    assert page.locator("#f-period_start").input_value() == "01.10.2022"
    assert_accessible(page, "the agreement's settlements")
    screenshot(page, "oppgjor-avtale")
    page.click("#settle-submit")
    page.wait_for_selector("#flash-saved")
    settlement_id = int(page.url.split("?")[0].rsplit("/", 1)[-1])
    stored = api.get(f"/api/v1/settlements/{settlement_id}").json
    assert stored["period_start"] == "2022-10-01"
    assert page.inner_text("h1") == "Oppgjør 4. kvartal 2022"
    assert "Fortrolig – unntatt offentlighet" in page.inner_text("#confidential-mark")
    assert page.inner_text("#total-patients") == str(stored["totals"]["patients"])
    assert page.locator("#lines-table tbody tr").count() == stored["totals"]["patients"]
    assert_accessible(page, "the settlement")
    screenshot(page, "oppgjor-oppgjor")

    # The trust owed the most gets its credit note: sent, then disputed by the supplier.
    note = max(stored["credit_notes"], key=lambda n: n["amount_nok"])
    nid = note["id"]
    page.click(f"#note-{nid}-issued")
    page.wait_for_selector("#flash-saved")
    assert page.inner_text(f"#note-state-{nid}") == "sendt"
    page.click(f"#dispute-{nid} summary")
    page.click(f"#dispute-go-{nid}")
    page.wait_for_selector("#error-summary")
    assert "Skriv leverandørens begrunnelse." in page.inner_text(f"#dispute-{nid}")
    assert api.get(f"/api/v1/settlements/{settlement_id}").json["credit_notes"] \
        and _state(api, settlement_id, nid) == "issued"
    page.fill(f"#f-dispute-{nid}-reason", REASON)
    page.click(f"#dispute-go-{nid}")
    page.wait_for_selector("#flash-saved")
    assert page.inner_text(f"#note-state-{nid}") == "bestridt"
    assert REASON in page.inner_text(f"#note-reason-{nid}")
    assert _state(api, settlement_id, nid) == "disputed"
    screenshot(page, "oppgjor-kreditnotaer", element=page.locator("#credit-notes"))

    # The printable credit note of that trust, as it prints.
    page.click(f"#print-note-{nid}")
    page.wait_for_selector("#credit-note")
    assert note["health_trust"] in page.inner_text("#credit-note-to")
    assert "bestridt" in page.inner_text("#credit-note-state")
    assert page.locator("#print-button").is_visible()
    assert_accessible(page, "the printable credit note")
    page.emulate_media(media="print")
    assert page.locator("#nav-settlements").is_hidden()
    assert page.locator("#print-button").is_hidden()
    screenshot(page, "oppgjor-kreditnota-utskrift")


def _state(api: Any, settlement_id: int, note_id: int) -> str:
    notes = api.get(f"/api/v1/settlements/{settlement_id}").json["credit_notes"]
    return str(next(n for n in notes if n["id"] == note_id)["state"])


def test_a_clinician_finds_no_settlement(page_as: Any, live_server: LiveServer,
                                         api: Any) -> None:
    agreement = _demo_agreement(api)
    page = page_as("clinician")
    page.goto(f"{live_server.url}/arbeid/avtaler/{agreement['id']}")
    page.wait_for_selector("#agreement")
    assert page.locator("#nav-settlements").count() == 0
    assert page.locator("#agreement-settlements").count() == 0
    response = page.goto(f"{live_server.url}/arbeid/avtaler/{agreement['id']}/oppgjor")
    assert response is not None and response.status == 403
    assert "Rollen din har ikke tilgang til dette." in page.inner_text("main")
