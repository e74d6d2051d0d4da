"""The secretariat's registry extracts and flags in Chromium: a small extract is uploaded with
the progress bar reaching 100 % and its provenance shown; a bad one shows its problems table and
stores nothing; a flag is acknowledged from the work list. The API shows what was done."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.dashboards.axe import assert_accessible
from tests.dashboards.conftest import LiveServer, admin_api, own_introduction, screenshot
from tests.dashboards.test_browser import KM_DRAWN
from tests.feeds.helpers import CRAFTED, csv_bytes

pytestmark = pytest.mark.browser

# Records what the upload script shows on the progress bar, in sessionStorage, which outlives
# the page the script replaces with the answer.
RECORD_PROGRESS = """() => {
  const bar = document.getElementById('upload-progress');
  const status = document.getElementById('upload-status');
  sessionStorage.removeItem('seen-progress');
  const seen = [];
  new MutationObserver(() => {
    seen.push({value: bar.value, max: bar.max, text: status.textContent});
    sessionStorage.setItem('seen-progress', JSON.stringify(seen));
  }).observe(document.getElementById('upload-progress-box'),
             {attributes: true, subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Any:
    """The live server's API as an administrator (to prepare data and check the result)."""
    return admin_api(live_server, "work-feeds-admin")


@pytest.fixture(scope="module")
def introduction(api: Any) -> dict[str, Any]:
    """A temporary introduction of its own, so the demo data stay as the other tests need."""
    return own_introduction(api, "ID2026_976", "opplastimab")


_no_serious_violations = assert_accessible



def _deliveries(api: Any, intro: dict[str, Any]) -> list[dict[str, Any]]:
    return list(api.get(f"/api/v1/introductions/{intro['id']}/feeds").json["items"])


def _choose(page: Any, content: bytes, name: str) -> None:
    page.select_option("#f-source", "INSPIRE")
    page.fill("#f-data_cut", "31.12.2025")
    page.set_input_files("#f-file", files=[{"name": name, "mimeType": "text/csv",
                                             "buffer": content}])


def test_the_secretariat_uploads_an_extract_and_sees_the_progress_and_its_provenance(
        page_as: Any, live_server: LiveServer, api: Any, introduction: dict[str, Any]) -> None:
    page = page_as("secretariat")
    page.goto(f"{live_server.url}/arbeid/innforinger/{introduction['id']}/leveranser/ny")
    page.wait_for_selector("#upload-form")
    assert page.locator("#upload-progress-box").is_hidden()
    _no_serious_violations(page, "the upload form")
    content = csv_bytes(CRAFTED)
    _choose(page, content, "INSPIRE_opplastimab.csv")
    page.evaluate(RECORD_PROGRESS)

    page.click("#upload")
    page.wait_for_selector("#provenance")

    seen = json.loads(page.evaluate("() => sessionStorage.getItem('seen-progress')") or "[]")
    assert seen, "the progress bar was never updated: the form was not sent by the script"
    assert seen[-1]["value"] == seen[-1]["max"] == 100
    assert any(entry["text"].startswith("100 %") for entry in seen)
    [delivery] = _deliveries(api, introduction)
    assert page.url.endswith(f"/arbeid/innforinger/{introduction['id']}/leveranser/"
                             f"{delivery['id']}")
    assert "Uttrekket er importert: 5 behandlingsforløp." in page.inner_text("#flash-saved")
    assert page.inner_text("#prov-sha256") == delivery["sha256"]
    assert page.inner_text("#prov-rows") == "5"
    assert page.inner_text("#prov-data-cut") == "31.12.2025"
    assert "INSPIRE" in page.inner_text("#prov-source")
    _no_serious_violations(page, "the delivery's provenance")
    screenshot(page, "work-feed-provenance")

    page.click("#curves-link")
    page.wait_for_url(f"**/dashboards/introduksjon/{introduction['id']}")
    page.wait_for_function(KM_DRAWN)  # the new delivery's registry curve is drawn


def test_a_bad_extract_shows_its_problems_table_and_stores_nothing(
        page_as: Any, live_server: LiveServer, api: Any, introduction: dict[str, Any]) -> None:
    before = len(_deliveries(api, introduction))
    bad = [dict(row, treatment_start="18.03.2024") for row in CRAFTED]
    page = page_as("secretariat")
    page.goto(f"{live_server.url}/arbeid/innforinger/{introduction['id']}/leveranser/ny")
    _choose(page, csv_bytes(bad), "feil.csv")

    page.click("#upload")
    page.wait_for_selector("#problems-table")

    assert "ingenting er lagret: 5 problem(er)" in page.inner_text("#refused")
    headers = page.locator("#problems-table thead th").all_inner_texts()
    assert headers == ["Rad", "Kolonne", "Problem"]
    first = page.locator("#problems-table tbody tr").first.locator("td").all_inner_texts()
    assert first[:2] == ["2", "treatment_start"]
    assert first[2].startswith("'18.03.2024' er ikke en dato")
    assert page.locator("#problems-table tbody tr").count() == 5
    assert page.locator("#problems-download").is_visible()
    assert len(_deliveries(api, introduction)) == before
    _no_serious_violations(page, "the problems of a refused extract")
    screenshot(page, "work-feed-problems")


def test_the_secretariat_acknowledges_a_flag_from_the_work_list(
        page_as: Any, live_server: LiveServer, api: Any) -> None:
    page = page_as("secretariat")
    page.goto(f"{live_server.url}/arbeid/varsler")
    page.wait_for_selector("#flags-table")
    _no_serious_violations(page, "the flags work list")
    row = page.locator("#flags-table tbody tr").first
    flag_id = int(row.get_attribute("id").split("-", 1)[1])
    assert api.get(f"/api/v1/flags/{flag_id}").json["acknowledged_at"] is None

    page.click(f"#actions-{flag_id} summary")
    page.fill(f"#f-ack-{flag_id}-reason", "Sekretariatet følger opp med leverandøren.")
    page.click(f"#ack-{flag_id}")
    page.wait_for_selector("#flash-saved")

    assert "Varselet er kvittert." in page.inner_text("#flash-saved")
    stored = api.get(f"/api/v1/flags/{flag_id}").json
    assert stored["acknowledged_reason"] == "Sekretariatet følger opp med leverandøren."
    assert stored["acknowledged_by"] == "secretariat" and stored["is_open"]
    assert "Kvittert av secretariat" in page.inner_text(f"#flag-{flag_id}")
    screenshot(page, "work-flags")


def test_the_deadline_list_opens_with_its_exports_and_calendar_address(
        page_as: Any, live_server: LiveServer) -> None:
    page = page_as("secretariat")
    page.goto(f"{live_server.url}/arbeid/frister")
    page.wait_for_selector("#deadlines-table")
    assert page.locator("#deadlines-table tbody tr").count() > 0
    assert page.input_value("#ical-url") == f"{live_server.url}/api/v1/calendar.ics"
    _no_serious_violations(page, "the deadline list")
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename.startswith("frister-")
    screenshot(page, "work-deadlines")
