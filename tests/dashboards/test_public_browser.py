"""The public section in a real headless Chromium, as a visitor who is not signed in: every
section reads, passes axe-core in Norwegian and English, works with JavaScript turned off, and
prints without navigation. Screenshots in tests/artifacts/offentlig-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.dashboards.axe import assert_accessible
from tests.dashboards.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

SECTIONS = (  # the link in the section bar, the page's heading in Norwegian and in English
    ("#section-link-start", "Offentlig innsyn: midlertidige innføringer",
     "Public information: temporary introductions"),
    ("#section-link-avtaler", "Prisavtalenes struktur", "The structure of the price agreements"),
    ("#section-link-gruppeunntak", "Gruppeunntak", "Group exceptions"),
    ("#section-link-individuell-tilgang", "Individuell tilgang: statistikk og vedtak",
     "Individual access: statistics and decisions"),
)


def _lumykras(page: Any) -> str:
    """The link of the demo's sotorasib introduction in the list."""
    link = page.locator("#introductions-table a", has_text="Lumykras")
    return str(link.get_attribute("href"))


def test_the_public_reads_every_section_and_each_passes_axe(page: Any,
                                                            live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/offentlig/")
    assert page.inner_text("h1") == SECTIONS[0][1]
    assert page.locator("#introductions-table tbody tr").count() >= 7
    assert "ID2021_901" in page.inner_text("#introductions-table")
    assert "offentlig (uten innlogging)" in page.inner_text("#viewer-role")
    assert_accessible(page, "the public list (nb)")
    screenshot(page, "offentlig-liste")

    page.click(f"#introductions-table a[href='{_lumykras(page)}']")
    page.wait_for_selector("#review-history")
    assert page.inner_text("h1") == "Midlertidig innføring: Lumykras (sotorasib)"
    assert "Fastsatt i beslutningen" in page.inner_text("#review-history")
    assert len(page.inner_text("#plan-sha")) == 64
    assert "Resultatbasert betaling" in page.inner_text("#agreements")
    assert_accessible(page, "an introduction (nb)")
    screenshot(page, "offentlig-innforing")

    for link, heading, _ in SECTIONS[1:]:
        page.click(link)
        expect(page.locator("h1")).to_have_text(heading, timeout=60_000)
        assert page.locator(f"{link}[aria-current=page]").count() == 1
        assert_accessible(page, f"{heading} (nb)")
    assert "skjult" in page.inner_text("#stats-year_region")
    assert page.locator("#committee-level").is_visible()
    screenshot(page, "offentlig-individuell-tilgang")

    # Printed: no navigation, no forms, no download links; the tables stay.
    page.goto(f"{live_server.url}/offentlig/")
    page.emulate_media(media="print")
    assert page.locator("#public-sections").is_hidden()
    assert page.locator("#list-filters").is_hidden()
    assert page.locator("#downloads").is_hidden()
    assert page.locator(".site-header nav").is_hidden()
    assert page.locator("#introductions-table").is_visible()


def test_the_language_button_switches_every_section_to_english(page: Any,
                                                               live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/offentlig/?status=under_reassessment")
    page.click("#lang-toggle")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.inner_text("h1") == SECTIONS[0][2]
    assert page.locator("#f-status").input_value() == "under_reassessment"  # the filter stays
    assert "Under reassessment" in page.inner_text("#introductions-table")
    assert_accessible(page, "the public list (en)")
    page.click(f"#introductions-table a[href='{_lumykras(page)}']")
    page.wait_for_selector("#review-history")
    assert page.inner_text("h1") == "Temporary introduction: Lumykras (sotorasib)"
    assert "Review date: 31 Aug 2026" in page.inner_text("#review-now")
    assert_accessible(page, "an introduction (en)")
    for link, _, heading in SECTIONS[1:]:
        page.click(link)
        expect(page.locator("h1")).to_have_text(heading, timeout=60_000)
        assert_accessible(page, f"{heading} (en)")
    assert "hidden" in page.inner_text("#stats-year_region")
    screenshot(page, "offentlig-english")


def test_the_list_and_an_introduction_work_without_javascript(browser: Any,
                                                              live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False, locale="nb-NO",
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(90_000)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/offentlig/")
        assert page.locator("#introductions-table tbody tr").count() >= 7
        assert "Beslutningsforum kan innføre en metode midlertidig" in page.inner_text("#what-is")
        page.fill("#f-q", "sotorasib")
        page.click("#filter-submit")  # a plain GET form
        page.wait_for_url("**/offentlig/?q=sotorasib*")
        rows = page.locator("#introductions-table tbody tr")
        assert rows.count() == 1 and "Lumykras" in rows.inner_text()
        page.click("#introductions-table a")
        page.wait_for_selector("#decision-text")
        assert "innføres midlertidig" in page.inner_text("#decision-text")
        assert "Fastsatt i beslutningen" in page.inner_text("#review-history")
        assert "Forhåndsspesifisert analyseplan" in page.inner_text("#plan-text")
        page.goto(f"{live_server.url}/offentlig/individuell-tilgang")
        page.select_option("#f-scheme", "individual_exception")
        page.click("#access-submit")
        page.wait_for_url("**scheme=individual_exception*")
        assert "avgjorte saker i utvalget" in page.inner_text("#stats-count")
    finally:
        context.close()
