"""Sykehusinnkjøp records a price–volume agreement in Chromium with the tier editor; a clinician
then sees the agreement but never its confidential price."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.dashboards.axe import describe, violations
from tests.dashboards.confidential import leaks, number_forms
from tests.dashboards.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

DASH_DATA = re.compile(r"/dashboards/_dash-(layout|update-component)")
PRICE = 123456.75  # the agreed unit price typed in the test: confidential by default
PRICE_TYPED = "123 456,75"


def price_needles() -> list[str]:
    written = {"123\u00a0456,75", "123 456,75", "123,456.75", "123456,75", "123456.75"}
    return sorted(number_forms(PRICE) | written)


def test_procurement_creates_a_price_volume_agreement_with_the_tier_editor(
    page_as: Any, live_server: LiveServer
) -> None:
    page = page_as("procurement")
    page.goto(live_server.page_url("avtaler"))
    page.wait_for_selector("#agreements-list")
    assert page.locator("#agreements-list a[id^=edit-agreement-]").count() >= 14
    screenshot(page, "agreements-work-procurement")
    page.click("#new-agreement")
    page.wait_for_selector("#agreement-form")

    # Only the chosen type's terms are shown.
    assert page.locator("#terms-price_volume").is_hidden()
    page.select_option("#f-type", "price_volume")
    assert page.locator("#terms-price_volume").is_visible()
    assert page.locator("#terms-cap").is_hidden()
    option = page.locator("#f-introduction_id option", has_text="ID2022_906")
    page.select_option("#f-introduction_id", option.get_attribute("value"))
    page.fill("#f-start_date", "01.01.2026")
    page.fill("#f-end_date", "31.12.2027")
    page.fill("#f-structure_description", "Rabatten øker med antall pasienter per år.")
    page.fill("#f-list_price_nok", "150 000")
    page.fill("#f-unit_price_nok", PRICE_TYPED)

    rows = page.locator("#f-price_volume__terms-tiers tbody tr")
    assert rows.count() == 3
    for i, (patients, discount) in enumerate((("0", "10"), ("30", "15"), ("60", "20,5"))):
        page.fill(f"#f-price_volume__terms-tiers-{i}-min_patients", patients)
        page.fill(f"#f-price_volume__terms-tiers-{i}-discount_percent", discount)
    page.click("#add-price_volume__terms-tiers")
    assert rows.count() == 4
    assert rows.nth(3).locator("th").inner_text() == "Trinn 4"
    # The new row has its focus and its own, empty inputs.
    new_row = page.locator("#f-price_volume__terms-tiers-3-min_patients")
    assert new_row.evaluate("el => el === document.activeElement")
    assert new_row.input_value() == ""
    new_row.fill("90")
    page.fill("#f-price_volume__terms-tiers-3-discount_percent", "25")
    found = violations(page)
    assert found == [], describe(found)
    screenshot(page, "agreement-form")

    page.click("#save")
    page.wait_for_selector("#flash-saved")
    agreement_id = int(page.url.split("?")[0].rsplit("/", 1)[-1])
    stored = page.request.get(f"{live_server.url}/api/v1/agreements/{agreement_id}").json()
    assert stored["type"] == "price_volume"
    assert [(t["min_patients"], t["discount_percent"]) for t in stored["terms"]["tiers"]] == [
        (0, 10), (30, 15), (60, 20.5), (90, 25)]
    assert stored["unit_price_nok"] == PRICE
    assert stored["visibility"]["unit_price_nok"] == "confidential"
    assert stored["visibility"]["terms.tiers"] == "confidential"
    # Saved, the agreement opens in its edit form, its type's terms only.
    assert page.locator("#f-price_volume__terms-tiers tbody tr").count() == 6  # 4 and 2 spare
    assert page.locator("#terms-cap").count() == 0
    found = violations(page)
    assert found == [], describe(found)
    page.goto(f"{live_server.url}/arbeid/avtaler/ny?lang=en")
    page.select_option("#f-type", "weighted_discount")
    assert page.locator("#terms-weighted_discount th[scope=row]").first.inner_text() == \
        "Indication 1"
    found = violations(page)
    assert found == [], describe(found)

    # The clinician sees the agreement, but neither its price nor its tiers, on any page or in
    # any answer of the Dash app.
    clinician = page_as("clinician")
    bodies: list[str] = []

    def capture(route: Any) -> None:
        response = route.fetch()
        if response.ok:
            bodies.append(response.text())
        route.fulfill(response=response)

    clinician.route(DASH_DATA, capture)
    clinician.goto(live_server.page_url("avtaler"))
    card = clinician.locator(f"#agreement-{agreement_id}")
    card.wait_for()
    assert "Pris–volum" in card.inner_text() and "Konfidensielle" in card.inner_text()
    assert clinician.locator("#new-agreement").count() == 0
    assert clinician.locator(f"#edit-agreement-{agreement_id}").count() == 0
    screenshot(clinician, "agreement-clinician", element=card)
    html = [clinician.content()]
    clinician.goto(f"{live_server.url}/arbeid/avtaler/{agreement_id}")
    clinician.wait_for_selector("#agreement")
    assert clinician.locator("#agreement-form").count() == 0
    assert "Konfidensielt" in clinician.inner_text("#agreement")
    found = violations(clinician)
    assert found == [], describe(found)
    html.append(clinician.content())
    decoded = [json.dumps(json.loads(b), ensure_ascii=False) for b in bodies if b[:1] in "{["]
    assert any(f"agreement-{agreement_id}" in b for b in decoded)
    assert leaks(price_needles(), "\n".join(html + bodies + decoded)) == []
