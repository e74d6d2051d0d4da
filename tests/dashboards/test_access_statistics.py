"""The statistics page of individual access in a real Chromium, on the demo database (its
synthetic exceptions and Tilgangsordningen cases): the public sees the tables with small counts
hidden and told why, the secretariat sees every count, both tests and the funnel plot; the page
speaks Norwegian, switches to English, filters, and downloads what the API gives."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboards.i18n import fmt_number
from tests.dashboards.conftest import LiveServer, admin_api, screenshot

pytestmark = pytest.mark.browser

PATH = "tilgang/statistikk"
API = "/api/v1/access-statistics"
# Codes of the answer that must never reach a reader as such (as whole words).
CODES = re.compile(r"\b(access_scheme|individual_exception|group_exception|no_consensus|"
                   r"row_type|subtotal|cell|granted|refused|ukjent|None|nan|null)\b")
FUNNEL = """() => {
  const el = document.querySelector('#funnel-figure .js-plotly-plot');
  if (!el || !el.data) return null;
  const observed = el.data.find(d => d.meta === 'observed');
  return {metas: el.data.map(d => d.meta), x: observed.x, y: observed.y, text: observed.text,
          xtitle: el.layout.xaxis.title.text, separators: el.layout.separators};
}"""


def _open(page: Any, url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    try:
        page.wait_for_selector("#stats-content")
    except PlaywrightTimeout as exc:
        raise AssertionError(f"{url} did not render; browser errors: {errors}") from exc
    page.wait_for_load_state("networkidle")


def _answer(server: LiveServer, query: str = "", *, public: bool) -> dict[str, Any]:
    client = server.app.test_client() if public else admin_api(server, "statistikk-leser")
    response = client.get(API + query)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def _headers(answer: dict[str, Any], lang: str) -> list[str]:
    rows = answer["tables"]["year_region"]
    names = {"nb": ["År", "Region", "Innvilget", "Avslått", "Ikke konsensus", "Totalt"],
             "en": ["Year", "Region", "Granted", "Refused", "No consensus", "Total"]}[lang]
    return [n for n in names if n not in ("Ikke konsensus", "No consensus")
            or any("no_consensus" in row for row in rows)]


def _no_codes(text: str) -> None:
    found = CODES.findall(text)
    assert not found, f"codes on the page: {found}"


def test_the_public_sees_the_tables_with_small_counts_hidden(page: Any,
                                                             live_server: LiveServer) -> None:
    answer = _answer(live_server, public=True)
    assert answer["suppressed"] is True and answer["cases"] >= 50  # the demo's decided cases
    page.goto(live_server.page_url(""))
    page.wait_for_selector("#overview-table")
    page.click("#nav-access-statistics")  # everyone may read the statistics: in the menu
    page.wait_for_selector("#stats-year_region")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("h2") == "Individuell tilgang: nasjonal statistikk"
    headers = page.locator("#stats-year_region thead th").all_inner_texts()
    assert headers == _headers(answer, "nb")
    # Every count the API hides reads "skjult", and the page says why.
    rows = answer["tables"]["year_region"]
    hidden = sum(row[k] is None for row in rows for k in ("granted", "refused", "total"))
    assert hidden > 0
    assert page.locator("#stats-year_region .hidden-count").count() == hidden
    assert set(page.locator("#stats-year_region .hidden-count").all_inner_texts()) == {"skjult"}
    assert "kan avsløre enkeltpasienter" in page.inner_text("#suppression-note")
    body = page.inner_text("#stats-year_region tbody")
    assert "Sum alle regioner" in body and "Totalt" in body
    # Words, not codes: schemes by name, diagnosis groups with the chapter's title.
    schemes = page.inner_text("#stats-scheme")
    for name in ("Tilgangsordningen", "Unntak for enkeltpasient", "Gruppeunntak"):
        assert name in schemes
    assert "II Svulster" in page.inner_text("#stats-diagnosis_group")
    assert "tarlatamab" in page.inner_text("#stats-method")
    assert "SSB" in page.inner_text("#population-source")
    assert str(answer["population_year"]) in page.inner_text("#population-source")
    assert "kontrollert mot SSB" in page.inner_text("#population-check")
    if answer["variation_withheld"]:
        assert "vises ikke" in page.inner_text("#variation-withheld")
        assert page.locator("#funnel-figure").count() == 0
    else:
        page.wait_for_function(FUNNEL)
    _no_codes(page.inner_text("#page"))
    screenshot(page, "access-statistics-public")

    # The download is what the API gives the public: the hidden counts are empty cells.
    link = page.locator("#download-year_region-csv")
    assert link.get_attribute("href") == f"{API}.csv?table=year_region"
    with page.expect_download() as download_info:
        link.click()
    lines = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "row_type,year,region," + ",".join(
        k for k in ("granted", "refused", "no_consensus", "total") if k in rows[0])
    assert len(lines) == 1 + len(rows)
    assert sum(line.split(",")[3] == "" for line in lines[1:]) == sum(
        row["granted"] is None for row in rows)


def test_the_secretariat_sees_every_count_the_tests_and_the_funnel(
        page_as: Any, live_server: LiveServer) -> None:
    answer = _answer(live_server, public=False)
    assert answer["suppressed"] is False and answer["variation"] is not None
    page = page_as("secretariat")
    _open(page, live_server.page_url(PATH))
    text = page.inner_text("#page")
    assert "skjult" not in text and page.locator("#suppression-note").count() == 0
    assert page.inner_text("#stats-count") == f"{answer['cases']} avgjorte saker i utvalget."
    total = next(r for r in answer["tables"]["year_region"] if r["row_type"] == "total")
    last = page.locator("#stats-year_region tbody tr").last.all_inner_texts()[0]
    assert last.split("\t")[-1] == fmt_number(total["total"], "nb")
    # The two tests, in Norwegian numbers, with the sentence that says what they mean.
    tests = page.inner_text("#variation-tests")
    exact = answer["variation"]["exact"]["p_value"]
    chi = answer["variation"]["chi_square"]
    assert f"p = {fmt_number(exact, 'nb', 3)}" in tests
    assert f"χ² = {fmt_number(chi['statistic'], 'nb', 2)}" in tests
    assert f"{chi['dof']} frihetsgrader" in tests
    assert "foretrekkes derfor når tallene er små" in page.inner_text("#section-variation")
    if chi["min_expected"] < 5:
        assert "upålitelig" in page.inner_text("#chi-unreliable")
    # The funnel: one point per region at (decided cases, grant rate), limits at both levels.
    page.wait_for_function(FUNNEL)
    funnel = page.evaluate(FUNNEL)
    points = answer["funnel"]["points"]
    assert {"observed", "national", "limit_95_lower", "limit_95_upper", "limit_998_lower",
            "limit_998_upper"} <= set(funnel["metas"])
    assert funnel["x"] == [p["n"] for p in points]
    assert funnel["y"] == pytest.approx([p["rate"] for p in points])
    assert funnel["text"] == [p["region"] for p in points]
    assert funnel["xtitle"] == "Antall avgjorte saker" and funnel["separators"] == ", "
    _no_codes(text)
    screenshot(page, "access-statistics-secretariat")

    # Choosing a scheme narrows every table, and the downloads follow the choice.
    chosen = _answer(live_server, "?scheme=access_scheme", public=False)
    page.click("#stats-filter-scheme")
    page.get_by_role("option", name="Tilgangsordningen").click()
    page.wait_for_function(
        f"() => document.querySelector('#stats-count').innerText.startsWith("
        f"'{chosen['cases']} ')")
    link = page.locator("#download-year_region-xlsx")
    assert link.get_attribute("href") == f"{API}.xlsx?table=year_region&scheme=access_scheme"
    with page.expect_download() as download_info:
        link.click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert book.active is not None
    sheet = [[c.value for c in row] for row in book.active.iter_rows()]
    assert sheet[0] == ["Rad", *_headers(chosen, "nb")]
    assert len(sheet) == 1 + len(chosen["tables"]["year_region"])
    assert sheet[-1][-1] == next(r["total"] for r in chosen["tables"]["year_region"]
                                 if r["row_type"] == "total")


def test_the_page_switches_to_english(page_as: Any, live_server: LiveServer) -> None:
    answer = _answer(live_server, public=False)
    page = page_as("secretariat")
    _open(page, live_server.page_url(PATH))
    assert page.inner_text("#nav-access-statistics") == "Tilgangsstatistikk"
    page.click("#lang-toggle")
    page.wait_for_function(
        "() => document.querySelector('h2').innerText === 'Individual access: national statistics'")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#nav-access-statistics") == "Access statistics"
    assert page.locator("#stats-year_region thead th").all_inner_texts() == _headers(answer, "en")
    assert "Exception for one patient" in page.inner_text("#stats-scheme")
    assert "II Neoplasms" in page.inner_text("#stats-diagnosis_group")
    assert "Inhabitants on 1 January" in page.inner_text("#population-source")
    assert "preferred when counts are small" in page.inner_text("#section-variation")
    page.wait_for_function(FUNNEL)
    funnel = page.evaluate(FUNNEL)
    assert funnel["xtitle"] == "Number of decided cases" and funnel["separators"] == ".,"
    text = page.inner_text("#page")
    for norwegian in ("Innvilget", "Avslått", "avgjorte saker", "Last ned", "frihetsgrader"):
        assert norwegian not in text
    _no_codes(text)
    link = page.locator("#download-year_region-xlsx")
    assert link.get_attribute("href") == f"{API}.xlsx?table=year_region&lang=en"
    screenshot(page, "access-statistics-english")
