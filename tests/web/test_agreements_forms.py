"""Sykehusinnkjøp records and changes price agreements in the browser, as the API stores them;
roles without the right see no form, and confidential figures never reach those who may not
see them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.dashboards.confidential import leaks, number_forms
from tests.dashboards.test_routes import render
from tests.factories import create_temporary_introduction
from tests.web.conftest import csrf_of, hidden_of
from tracker.agreements.service import TERMS_MODELS
from tracker.web.pages.agreements import TERMS, Rows

NEW = "/arbeid/avtaler/ny"
SECRET_PRICE = 81234.5  # the agreed unit price: confidential
SECRET_DISCOUNT = 18.8


def tier_rows(*rows: tuple[str, str], kind: str = "price_volume") -> dict[str, str]:
    """The table editor's inputs for these (from patients, discount) rows."""
    out = {}
    for i, (patients, discount) in enumerate(rows):
        out[f"{kind}__terms.tiers.{i}.min_patients"] = patients
        out[f"{kind}__terms.tiers.{i}.discount_percent"] = discount
    return out


def price_volume_form(introduction_id: int, **over: str) -> dict[str, str]:
    """A filled-in price–volume agreement as a user types it."""
    data = {
        "type": "price_volume", "introduction_id": str(introduction_id), "method_id": "",
        "status": "active", "oecd_level": "", "start_date": "01.01.2026",
        "end_date": "31.12.2028",
        "structure_description": "Rabatten øker trinnvis med antall pasienter per år.",
        "list_price_nok": "100 000", "mark.list_price_nok": "public",
        "unit_price_nok": "81 234,50", "mark.unit_price_nok": "confidential",
        "discount_percent": "18,8", "mark.discount_percent": "confidential",
        **tier_rows(("0", "10"), ("20", "20"), ("40", "30"), ("", "")),
        "price_volume__terms.year_start_month": "7",
        "price_volume__mark.tiers": "confidential",
        "price_volume__mark.year_start_month": "public",
        # Another type's terms, as a browser without JavaScript posts them: not used.
        "cap__terms.annual_cap_nok": "999", "cap__terms.applies_to": "alle",
        "volume_discount__terms.tiers.0.min_units": "5",
    }
    data.update(over)
    return data


def agreement_via_api(client: Any, **over: Any) -> dict[str, Any]:
    intro = create_temporary_introduction(client)
    body = {
        "type": "price_volume", "method_id": intro["method_id"],
        "introduction_id": intro["id"], "start_date": "2026-01-01", "end_date": "2028-12-31",
        "structure_description": "Pris–volum med tre trinn.", "list_price_nok": 100000,
        "unit_price_nok": SECRET_PRICE, "discount_percent": SECRET_DISCOUNT,
        "terms": {"tiers": [{"min_patients": 0, "discount_percent": 10},
                            {"min_patients": 25, "discount_percent": 20},
                            {"min_patients": 45, "discount_percent": 37.5}]},
        **over,
    }
    response = client.post("/api/v1/agreements", json=body)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def secret_needles() -> list[str]:
    """The confidential figures as a page could write them (raw, Norwegian, English)."""
    written = {"81\u00a0234,5", "81 234,5", "81,234.5", "81234,5", "37,5", "37.5"}
    return sorted(number_forms(SECRET_PRICE) | written | {f"{w}0" for w in written})


def test_procurement_creates_a_price_volume_agreement_with_three_tiers(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("procurement")
    path = f"{NEW}?introduction_id={intro['id']}"
    page = browser.page(path)
    assert f'<option value="{intro["id"]}" selected>' in page  # the link is preselected
    assert 'id="terms-price_volume"' in page and 'id="f-price_volume__terms-tiers"' in page

    response = browser.submit(path, price_volume_form(intro["id"]))
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    stored = client.get(f"/api/v1/agreements/{agreement_id}").get_json()
    assert stored["type"] == "price_volume"
    assert (stored["method_id"], stored["introduction_id"]) == (intro["method_id"], intro["id"])
    assert stored["terms"] == {
        "tiers": [{"min_patients": 0, "discount_percent": 10.0},
                  {"min_patients": 20, "discount_percent": 20.0},
                  {"min_patients": 40, "discount_percent": 30.0}],
        "year_start_month": 7,
        # left as the form opened: no cost per patient, the tier from the patient reaching it
        "cost_per_patient_nok": None, "tier_mode": "from_threshold",
    }
    assert (stored["list_price_nok"], stored["unit_price_nok"], stored["discount_percent"]) == \
        (100000.0, SECRET_PRICE, SECRET_DISCOUNT)
    assert stored["start_date"] == "2026-01-01" and stored["end_date"] == "2028-12-31"
    assert stored["oecd_level"] == "population"  # the type's default
    marks = stored["visibility"]
    assert marks["list_price_nok"] == "public"
    assert marks["unit_price_nok"] == marks["discount_percent"] == "confidential"
    assert marks["terms.tiers"] == "confidential" and marks["terms.year_start_month"] == "public"
    audit = client.get(f"/api/v1/audit/agreements/{agreement_id}").get_json()
    assert audit["events"][0]["interface"] == "web"

    # Saved: the agreement's page says so and opens with what was stored.
    saved = browser.page(f"/arbeid/avtaler/{agreement_id}")
    assert "Prisavtalen er lagret." in saved
    assert 'value="81234,5"' in saved and 'value="40"' in saved
    assert 'id="terms-cap"' not in saved  # an agreement keeps its type: only its own terms


def test_payment_by_result_takes_its_refund_share_and_evaluation_window(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("procurement")
    response = browser.submit(NEW, {
        "type": "payment_by_result", "introduction_id": str(intro["id"]),
        "status": "active", "start_date": "01.03.2026",
        "payment_by_result__terms.refund_share_percent": "50",
        "payment_by_result__terms.evaluation_window_weeks": "8",
        "payment_by_result__terms.response_criterion": "Ikke progresjon ved første CT.",
        "payment_by_result__mark.refund_share_percent": "public",
        "payment_by_result__mark.evaluation_window_weeks": "public",
        **{f"payment_by_result__mark.{spec.key}": "public"
           for spec in TERMS["payment_by_result"]},
        "payment_by_result__terms.kind": "risk_sharing",
        "payment_by_result__terms.counting_events.progression": "true",
        "payment_by_result__terms.counting_events.stop_toxicity": "true",
        "payment_by_result__terms.cost_per_window_nok": "120 000",
        "payment_by_result__terms.settlement_period": "half_year",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = client.get(response.headers["Location"].replace("/arbeid/avtaler",
                                                             "/api/v1/agreements")).get_json()
    assert stored["terms"] == {"refund_share_percent": 50.0, "evaluation_window_weeks": 8,
                               "response_criterion": "Ikke progresjon ved første CT.",
                               "kind": "risk_sharing",
                               "counting_events": ["progression", "stop_toxicity"],
                               "cost_per_window_nok": 120000.0, "units_per_window": None,
                               "settlement_period": "half_year", "subgroup": None,
                               "pending_grace_days": 60}
    page = browser.page(response.headers["Location"])  # the form again, as saved
    ticked = re.findall(r'name="payment_by_result__terms\.counting_events\.(\w+)" '
                        r'type="checkbox" value="true" checked', page)
    assert ticked == ["progression", "stop_toxicity"]
    assert '<option value="risk_sharing" selected>Risikodeling</option>' in page
    assert stored["oecd_level"] == "patient" and stored["oecd_category"] == "performance_based"
    # Every term public: the terms as a whole are not withheld from anyone.
    assert stored["visibility"]["terms"] == "public"


def test_errors_on_tier_rows_are_shown_on_their_rows_in_norwegian_and_nothing_is_stored(
        browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("procurement")
    # A blank row in the middle is dropped: the rows after it move up, with their errors.
    response = browser.submit(NEW, price_volume_form(
        intro["id"], start_date="",
        **tier_rows(("0", "10"), ("", ""), ("20", "120"), ("mange", "30"))))
    assert response.status_code == 422
    page = response.get_data(as_text=True)

    def error(name: str) -> str:
        found = re.search(rf'id="error-{re.escape(name)}">([^<]*)<', page)
        assert found, f"no error shown at {name}"
        return found.group(1)

    assert error("price_volume__terms-tiers-1-discount_percent") == "Kan høyst være 100."
    assert error("price_volume__terms-tiers-2-min_patients").startswith("Skriv et heltall")
    assert error("start_date") == "Må fylles ut."
    assert 'name="price_volume__terms.tiers.1.discount_percent" type="text" value="120"' in page
    assert 'aria-invalid="true"' in page and 'id="error-summary"' in page
    assert "Trinn 2: Rabatt (%)" in page  # the summary names the row as the user sees it
    assert 'lang="en"' not in page.split('id="error-summary"')[1].split("</div>")[0]

    # Tiers out of order: said once, above the table.
    response = browser.submit(NEW, price_volume_form(
        intro["id"], **tier_rows(("10", "10"), ("5", "20"), ("", ""), ("", ""))))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error("price_volume__terms-tiers").startswith("Trinnene må ha stigende")

    # An end before the start is shown at the end date.
    response = browser.submit(NEW, price_volume_form(intro["id"], end_date="31.12.2025"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error("end_date") == "Sluttdatoen er før startdatoen."
    assert client.get("/api/v1/agreements").get_json()["total"] == 0


def test_the_form_speaks_english_when_chosen(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("procurement")
    response = browser.submit(f"{NEW}?lang=en", price_volume_form(
        intro["id"], list_price_nok="mye", **tier_rows(("0", "10"), ("20", "120"))))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tier 2: Discount (%)" in page and "less than or equal to 100" in page
    assert "Price agreement" in page and "Prisavtale" not in page.split("<main")[1]
    assert client.get("/api/v1/agreements").get_json()["total"] == 0


def test_a_number_that_is_no_number_is_refused_in_norwegian(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("procurement")
    response = browser.submit(NEW, price_volume_form(intro["id"], list_price_nok="mye"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="error-list_price_nok">Skriv et tall', page)
    assert "could not convert" not in page
    assert client.get("/api/v1/agreements").get_json()["total"] == 0


def test_procurement_changes_the_tiers_and_marks_of_an_agreement(browser_as, client):
    agreement = agreement_via_api(client)
    browser = browser_as("procurement")
    path = f"/arbeid/avtaler/{agreement['id']}"
    page = browser.page(path)
    assert 'id="agreement-form"' in page and 'name="type"' not in page
    response = browser.submit(path, {
        "status": "active", "oecd_level": "population", "start_date": "01.01.2026",
        "end_date": "", "structure_description": "Fire trinn.",
        "list_price_nok": "100000", "unit_price_nok": "80000", "discount_percent": "20",
        "mark.list_price_nok": "public", "mark.unit_price_nok": "confidential",
        "mark.discount_percent": "public",
        **tier_rows(("0", "10"), ("25", "20"), ("45", "37,5"), ("60", "42,25")),
        "price_volume__terms.year_start_month": "1",
        **{f"price_volume__mark.{spec.key}": "public" for spec in TERMS["price_volume"]},
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = client.get(f"/api/v1/agreements/{agreement['id']}").get_json()
    assert [t["discount_percent"] for t in stored["terms"]["tiers"]] == [10, 20, 37.5, 42.25]
    assert stored["end_date"] is None and stored["unit_price_nok"] == 80000
    assert stored["visibility"]["discount_percent"] == "public"
    assert stored["visibility"]["terms.tiers"] == "public"
    assert stored["visibility"]["terms"] == "public"


def test_a_stale_edit_shows_what_changed_and_overwrites_nothing(browser_as, client):
    agreement = agreement_via_api(client)
    path = f"/arbeid/avtaler/{agreement['id']}"
    kari, ola = browser_as("procurement", "kari"), browser_as("procurement", "ola")
    kari_page = kari.page(path)
    form = {"status": "expired", "oecd_level": "population", "start_date": "01.01.2026",
            "end_date": "31.12.2028", "unit_price_nok": "70000",
            **tier_rows(("0", "10"), ("25", "20"), ("45", "37,5"))}
    assert ola.submit(path, form).status_code == 302
    response = kari.client.post(path, data={
        "csrf_token": csrf_of(kari_page), "version": hidden_of(kari_page, "version"),
        "_base": hidden_of(kari_page, "_base"), **form, "status": "active",
        "unit_price_nok": "75000"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    changes = page.split('id="stale-changes"')[1].split("</table>")[0]
    assert "Avtalepris (NOK)" in changes and "81234,5" in changes and "70000" in changes
    assert "Utløpt" in changes and "expired" not in changes  # choices read as on the form
    assert 'value="75000"' in page  # what Kari typed is kept
    assert client.get(f"/api/v1/agreements/{agreement['id']}").get_json()["unit_price_nok"] \
        == 70000


@pytest.mark.parametrize("role", ["clinician", "secretariat"])
def test_a_role_without_the_right_sees_no_form_and_a_forged_post_is_refused(
        role, browser_as, client):
    agreement = agreement_via_api(client)
    path = f"/arbeid/avtaler/{agreement['id']}"
    browser = browser_as(role)
    assert browser.get(NEW).status_code == 403
    page = browser.page(path)
    assert 'id="agreement-form"' not in page and "Pris–volum" in page
    token = csrf_of(browser.page("/arbeid/metoder"))
    forged = browser.client.post(path, data={"csrf_token": token, "version": "1",
                                             "unit_price_nok": "1"})
    assert forged.status_code == 403
    forged = browser.client.post(NEW, data={"csrf_token": token, **price_volume_form(
        agreement["introduction_id"])})
    assert forged.status_code == 403
    listing = client.get("/api/v1/agreements").get_json()
    assert listing["total"] == 1 and listing["items"][0]["unit_price_nok"] == SECRET_PRICE
    dash = render(browser.client, "/dashboards/avtaler")
    assert "new-agreement" not in dash and "edit-agreement" not in dash


def test_the_clinician_never_sees_the_confidential_price(browser_as, client):
    agreement = agreement_via_api(client)
    clinician = browser_as("clinician")
    page = clinician.page(f"/arbeid/avtaler/{agreement['id']}")
    assert "Konfidensielt – ikke vist for din rolle" in page
    assert "Avtalepris (NOK)" in page and "100\u00a0000" in page  # the public list price
    dash = render(clinician.client, "/dashboards/avtaler")
    assert "Pris–volum" in dash
    for shown in (page, dash):
        assert leaks(secret_needles(), shown) == []
    # The same pages show the price to Sykehusinnkjøp, so the check above can fail.
    procurement = browser_as("procurement")
    assert leaks(secret_needles(), render(procurement.client, "/dashboards/avtaler"))
    assert leaks(secret_needles(), procurement.page(f"/arbeid/avtaler/{agreement['id']}"))


def test_procurement_finds_the_forms_from_the_agreements_page(browser_as, client):
    agreement = agreement_via_api(client)
    dash = render(browser_as("procurement").client, "/dashboards/avtaler", "?lang=en")
    assert '"/arbeid/avtaler/ny?lang=en"' in dash and "New price agreement" in dash
    assert f'"/arbeid/avtaler/{agreement["id"]}?lang=en"' in dash


def test_the_public_may_read_an_agreement_but_not_open_the_form(anonymous, client):
    agreement = agreement_via_api(client)
    response = anonymous.get(NEW)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = anonymous.get(f"/arbeid/avtaler/{agreement['id']}").get_data(as_text=True)
    assert 'id="agreement-form"' not in page and leaks(secret_needles(), page) == []


def test_each_types_fieldset_has_exactly_the_terms_of_the_api():
    assert set(TERMS) == set(TERMS_MODELS)
    for kind, specs in TERMS.items():
        model = TERMS_MODELS[kind]
        assert {s.key for s in specs} == set(model.model_fields), kind
        for spec in specs:
            if isinstance(spec, Rows):
                item = model.model_fields[spec.key].annotation.__args__[0]
                assert {c.key for c in spec.columns} == set(item.model_fields), kind
            else:
                required = model.model_fields[spec.key].is_required()
                assert spec.required == required or spec.key == "applies_to", (kind, spec.key)
