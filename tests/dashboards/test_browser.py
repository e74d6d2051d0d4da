"""The dashboards in a real headless Chromium: what a user looks for on each page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.dashboards.confidential import confidential_needles, leaks
from tests.dashboards.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

# What the Dash app sends about the page (not the JavaScript bundles under _dash-component-suites).
DASH_DATA = re.compile(r"/dashboards/_dash-(layout|update-component)")
# Drawn: plotly holds the registry curve AND has painted it (an SVG path or the WebGL canvas).
KM_DRAWN = """() => {
  const el = document.querySelector('#km-figure .js-plotly-plot');
  if (!el || !el.data || !el.data.some(d => d.meta === 'km')) return false;
  return !!el.querySelector('.scatterlayer .trace path, canvas.gl-canvas');
}"""
KM_TRACES = """() => {
  const el = document.querySelector('#km-figure .js-plotly-plot');
  if (!el || !el.data) return null;
  return el.data.map(d => ({name: d.name, meta: d.meta, type: d.type, n: (d.x || []).length,
                            shape: d.line && d.line.shape, dash: d.line && d.line.dash}));
}"""


def _open(page: Any, server: LiveServer, path: str, ready: str) -> None:
    """Open a dashboard page and wait until `ready` shows and its callbacks are done."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.page_url(path))
    try:
        page.wait_for_selector(ready)
    except PlaywrightTimeout as exc:
        # Say why the app did not start (a blocked script, a failing callback), not just where.
        raise AssertionError(f"{path} did not render {ready}; browser errors: {errors}") from exc
    page.wait_for_load_state("networkidle")


def test_overview_lists_introductions_with_review_dates(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server, "", "#overview-table")
    rows = page.locator("#overview-table tbody tr")
    assert rows.count() == 7
    table = page.inner_text("#overview-table")
    for method_id in ("ID2021_901", "ID2022_906", "ID2019_915", "ID2020_916"):
        assert method_id in table
    assert "31.08.2026" in table  # review dates the Norwegian way
    timeline = page.evaluate(
        "() => document.querySelector('#timeline-figure .js-plotly-plot').data.map(d => d.meta)"
    )
    assert timeline == ["review", "milestone"]
    # Flags are for logged-in users, as in the API: the public is told to log in.
    assert page.locator("#overview-table .flag").count() == 0
    assert "Logg inn" in page.inner_text("#flags-note")
    screenshot(page, "overview")

    # Filtering by status leaves only matching rows; the count says so.
    page.click("#filter-status")
    page.get_by_role("option", name="Under revurdering").click()
    page.wait_for_function(
        "() => !document.querySelector('#overview-count').innerText.startsWith('7 av 7')"
    )

    # Export of the table as CSV.
    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Metode,Virkestoff")
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    assert download_info.value.suggested_filename.endswith(".xlsx")
    assert Path(download_info.value.path()).read_bytes()[:2] == b"PK"  # an Office Open XML file


def test_secretariat_sees_the_flagged_deadline(page_as: Any, live_server: LiveServer) -> None:
    page = page_as("secretariat")
    _open(page, live_server, "", "#overview-table")
    assert "sekretariatet" in page.inner_text("#viewer-role")
    overdue = page.locator("#overview-table .flag-overdue")
    assert overdue.count() >= 1
    assert "På overtid" in overdue.first.inner_text()
    # ID2021_901's review date (31.08.2026) has passed: its row and its date are marked.
    row = page.locator("#overview-table tbody tr", has_text="ID2021_901")
    assert "Revurdering på overtid" in row.inner_text()
    assert row.locator(".review-date.date-overdue").count() == 1
    screenshot(page, "overview-secretariat")


def test_filtering_by_region_keeps_introductions_with_enough_patients_there(
        page: Any, live_server: LiveServer) -> None:
    # Every demo introduction has patients in Helse Nord, but only some have 5 or more: the
    # public (no small-count access) keeps those, so the filter reveals no count under 5.
    _open(page, live_server, "", "#overview-table")
    page.click("#filter-region")
    page.get_by_role("option", name="Helse Nord").click()
    page.wait_for_function(
        "() => !document.querySelector('#overview-count').innerText.startsWith('7 av 7')")
    shown = int(page.inner_text("#overview-count").split()[0])
    assert 1 <= shown < 7
    assert page.locator("#overview-table tbody tr").count() == shown


def test_english_toggle_switches_labels(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server, "", "#overview-table")
    assert page.inner_text("#nav-overview") == "Oversikt"
    assert page.title() == "Oppfølging av midlertidig innføring – Nye metoder"
    page.click("#lang-toggle")
    page.wait_for_function("() => document.querySelector('#nav-overview').innerText === 'Overview'")
    assert "Temporary introductions" in page.inner_text("#page")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.title() == "Follow-up of temporary introductions – Nye metoder"
    # The choice is remembered when the user follows a link without ?lang=.
    page.goto(live_server.page_url("avtaler"))
    page.wait_for_selector("#agreements-list")
    assert "Price agreements" in page.inner_text("#page")


def test_introduction_page_draws_registry_curve_against_assumption(
    page: Any, live_server: LiveServer
) -> None:
    _open(page, live_server, "introduksjon/1", "#fixed")
    assert "Fastsatt ved beslutningen" in page.inner_text("#fixed")
    assert "Skjedd siden" in page.inner_text("#since")
    # The graph is on the page from the start (empty); wait until the curves are drawn in it.
    page.wait_for_function(KM_DRAWN)
    traces = page.evaluate(KM_TRACES)
    by_meta = {t["meta"]: t for t in traces}
    assert by_meta["km"]["name"] == "Register (Kaplan–Meier)" and by_meta["km"]["n"] > 2
    assert by_meta["km"]["shape"] == "hv"
    assert by_meta["assumed"]["name"] == "Antatt i modellen"
    assert by_meta["assumed"]["dash"] == "dash"
    assert {"ci_upper", "ci_lower", "at_risk"} <= set(by_meta)
    verdict = page.inner_text("#verdict")
    assert re.search("I tråd med antagelsene|Dårligere enn antatt|Bedre enn antatt|For lite data",
                     verdict)
    # The rule behind the verdict is written in Norwegian on a Norwegian page.
    assert re.search("konfidensintervallet|hendelser|antatt kurve|log-rank", verdict)
    assert not re.search(r"\bevents\b|observed/expected|Too little", verdict)
    assert page.locator("#landmark-table tbody tr").count() >= 1
    page.wait_for_selector("#breakdown-table")
    screenshot(page, "introduction")

    # Another endpoint redraws the curve: the TTD curve replaces the OS one.
    before = page.evaluate(KM_TRACES)
    page.get_by_label("Tid på behandling (TTD)").check()
    page.wait_for_function(
        f"() => {{ const t = ({KM_TRACES})(); return !!t && JSON.stringify(t) !== "
        f"{json.dumps(json.dumps(before))} && ({KM_DRAWN})(); }}"
    )


CALENDAR_DRAWN = """() => {
  const el = document.querySelector('#calendar-figure .js-plotly-plot');
  if (!el || !el.data || !el.data.some(d => d.meta === 'calendar')) return false;
  return !!el.querySelector('.scatterlayer .trace path');
}"""
CALENDAR = """() => {
  const el = document.querySelector('#calendar-figure .js-plotly-plot');
  return {traces: el.data.map(d => ({meta: d.meta, n: (d.x || []).length,
                                     errors: !!(d.error_y && d.error_y.array)})),
          lines: (el.layout.shapes || []).map(s => [s.y0, s.y1]),
          height: el.getBoundingClientRect().height};
}"""


def test_the_evidence_panel_draws_oe_over_calendar_time_against_1(
    page: Any, live_server: LiveServer
) -> None:
    _open(page, live_server, "introduksjon/1", "#fixed")
    page.wait_for_function(CALENDAR_DRAWN)
    drawn = page.evaluate(CALENDAR)
    traces = {t["meta"]: t for t in drawn["traces"]}
    # O/E by quarter with its interval, each delivery's O/E at its data cut, a line at 1.
    assert traces["calendar"]["n"] >= 2 and traces["calendar"]["errors"]
    assert traces["deliveries"]["n"] == 2
    assert [1, 1] in drawn["lines"] and drawn["height"] > 200
    assert "Kumulativ O/E over kalendertid" in page.inner_text("#history")
    page.locator("#calendar-figure").scroll_into_view_if_needed()
    screenshot(page, "evidence-calendar")


@pytest.mark.parametrize("role", ["public", "clinician"])
def test_no_confidential_price_reaches_the_browser(
    role: str, page: Any, page_as: Any, live_server: LiveServer
) -> None:
    if role != "public":
        page = page_as(role)
    bodies: list[str] = []

    def capture(route: Any) -> None:
        # Fetch the answer ourselves and hand it to the page: its body is read before the page
        # sees it, so no navigation can take it away (no getResponseBody race).
        response = route.fetch()
        if response.ok:
            bodies.append(response.text())
        route.fulfill(response=response)

    page.route(DASH_DATA, capture)
    paths = ["avtaler", "", "introduksjon/1", f"revurdering/{live_server.case_id}"]
    html: list[str] = []
    for path in paths:
        page.goto(live_server.page_url(path))
        page.wait_for_load_state("networkidle")
        html.append(page.content())
        if path == "avtaler":
            page.wait_for_selector("#agreements-list")
            listing = page.inner_text("#agreements-list")
            assert "Pris–volum" in listing and "Resultatbasert betaling" in listing
            assert "Konfidensielle opplysninger er ikke vist" in page.inner_text("#page")
            screenshot(page, f"agreements-{role}")
    assert any("agreements-list" in b for b in bodies)
    needles = confidential_needles()
    assert needles, "the demo should have confidential figures to hide"
    everything = "\n".join(html + bodies)
    # JSON escapes non-ASCII; compare against both the raw text and the decoded strings.
    decoded = "\n".join(
        json.dumps(json.loads(b), ensure_ascii=False) for b in bodies if b[:1] in "{["
    )
    assert leaks(needles, everything) == []
    assert leaks(needles, decoded) == []
    for label in ("Avtalepris (NOK)", "Rabatt (%)"):
        assert label not in everything and label not in decoded


def test_procurement_sees_the_confidential_price(page_as: Any, live_server: LiveServer) -> None:
    page = page_as("procurement")
    _open(page, live_server, "avtaler", "#agreements-list")
    card = page.locator("#agreements-list article", has_text="ID2019_915")
    text = card.inner_text()
    assert "Avtalepris (NOK)" in text and "614\u00a0400" in text
    assert "Fra antall pasienter" in text  # the price-volume tiers
    screenshot(page, "agreements-procurement", element=card)


def test_public_is_asked_to_log_in_for_the_brief(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server, f"revurdering/{live_server.case_id}", "#not-found")
    assert "Logg inn" in page.inner_text("#not-found")


def test_reassessment_brief_is_one_printable_page(page_as: Any, live_server: LiveServer) -> None:
    page = page_as("forum")
    _open(page, live_server, f"revurdering/{live_server.case_id}", "#brief-question")
    assert "Skal " in page.inner_text("#brief-question")
    assert "Antagelsene ved innføring" in page.inner_text("#brief-assumptions")
    assert page.locator("#brief-assumptions #assumptions-table tbody tr").count() >= 1
    registry = page.text_content("#brief-registry") or ""
    assert "Totaloverlevelse (OS)" in registry
    assert page.locator("#brief-registry #km-figure-OS").count() == 1
    options = page.inner_text("#options")
    for text in ("Innføres permanent", "utfasing", "prisforhandling", "undergrupper"):
        assert text in options
    print_rules = page.evaluate(
        """() => [...document.styleSheets].flatMap(s => { try { return [...s.cssRules]; }
                  catch (e) { return []; } })
              .filter(r => r.media && [...r.media].includes('print')).length"""
    )
    assert print_rules >= 1
    screenshot(page, "brief")
    page.emulate_media(media="print")
    assert page.locator("#print-button").is_hidden()
    assert page.locator("#nav-overview").is_hidden()
    page.pdf(path=str(screenshot(page, "brief-print").with_suffix(".pdf")), format="A4")
