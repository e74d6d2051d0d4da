"""The secretariat records and keeps a temporary introduction in the browser: the guided form,
the introduction's page with its parts, the assumed curves with their preview, the analysis
plan; each result read back through the JSON API."""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

import pytest

from tests.factories import (
    DecisionPayload,
    MethodPayload,
    create_temporary_introduction,
    data_source_payload,
)
from tests.feeds.helpers import CRAFTED, csv_bytes, upload
from tests.test_identifiers_everywhere import FNR
from tests.web.conftest import csrf_of, hidden_of


def _decision(client: Any, **over: Any) -> dict[str, Any]:
    """A method with a decision (temporary by default), and the INSPIRE and NPR sources."""
    for code in ("INSPIRE", "NPR"):
        if client.get("/api/v1/data-sources?limit=500").json["total"] < 2:
            client.post("/api/v1/data-sources", json=data_source_payload(code))
    method = client.post("/api/v1/methods", json=MethodPayload(ma_holder="Eksempel Pharma AS"))
    decision = client.post("/api/v1/decisions",
                           json=DecisionPayload(method_id=method.json["id"], **over))
    assert decision.status_code == 201, decision.json
    return dict(decision.json)


def _guided_form(**over: str) -> dict[str, str]:
    """What the secretariat types: two measures (a spare row left blank between them), two
    milestones, a Weibull and a points curve, the exit plan and the economics."""
    data = {
        "uncertainty": "Enarmet studie; umodne OS-data.",
        "key_parameters": "OS-ekstrapolering\nBehandlingslengde",
        "documentation_duty": "Eksempel Pharma AS",
        "outcome_measures.0.name": "Totaloverlevelse",
        "outcome_measures.0.kind": "OS",
        "outcome_measures.0.data_source": "INSPIRE",
        "outcome_measures.0.definition": "Fra behandlingsstart til død av alle årsaker.",
        "outcome_measures.0.responsible_party": "Kreftregisteret",
        "outcome_measures.0.data_expected_by": "31.12.2027",
        "outcome_measures.1.name": "", "outcome_measures.1.kind": "",
        "outcome_measures.1.data_source": "", "outcome_measures.1.definition": "",
        "outcome_measures.1.responsible_party": "", "outcome_measures.1.data_expected_by": "",
        "outcome_measures.2.name": "Tid på behandling",
        "outcome_measures.2.kind": "TTD",
        "outcome_measures.2.data_source": "NPR",
        "outcome_measures.2.definition": "Fra første til siste administrasjon.",
        "outcome_measures.2.responsible_party": "Helsedirektoratet",
        "milestones.0.data_source": "INSPIRE",
        "milestones.0.description": "Første uttrekk",
        "milestones.0.expected_date": "30.06.2027",
        "milestones.0.data_cut": "31.12.2026",
        "milestones.0.responsible_party": "Kreftregisteret",
        "milestones.1.data_source": "NPR",
        "milestones.1.description": "Månedlig uttrekk",
        "milestones.1.expected_date": "15.09.2027",
        "milestones.1.responsible_party": "Helsedirektoratet",
        "review_date": "01.03.2029",
        "reassessment_criteria": "Revurderes når tre års INSPIRE-data foreligger.",
        "phaseout_criteria": "Utfases om OS ved 24 måneder er vesentlig lavere enn antatt.",
        "responsible_emails": "sekretariat@example.org\nfag@example.org",
        "exit_plan.new_patients": "Ingen nye pasienter etter utfasingsdatoen.",
        "exit_plan.patients_on_treatment": "Fullfører behandlingen; leverandøren dekker.",
        "exit_plan.subgroups": "",
        "assumptions.curves.0.endpoint": "OS",
        "assumptions.curves.0.distribution": "weibull",
        "assumptions.curves.0.time_unit": "months",
        "assumptions.curves.0.parameters.scale": "14,0",
        "assumptions.curves.0.parameters.shape": "1,2",
        "assumptions.curves.0.parameters.rate": "0,5",  # typed for another distribution
        "assumptions.curves.0.interpolation": "step",
        "assumptions.curves.0.source": "Metodevurdering, tabell 12",
        "assumptions.curves.1.endpoint": "TTD",
        "assumptions.curves.1.distribution": "points",
        "assumptions.curves.1.time_unit": "months",
        "assumptions.curves.1.interpolation": "linear",
        "assumptions.curves.1.points.0.0": "6", "assumptions.curves.1.points.0.1": "0,7",
        "assumptions.curves.1.points.1.0": "", "assumptions.curves.1.points.1.1": "",
        "assumptions.curves.1.points.2.0": "12", "assumptions.curves.1.points.2.1": "0,45",
        "assumptions.curves.1.points.3.0": "24", "assumptions.curves.1.points.3.1": "0,2",
        "assumptions.curves.2.endpoint": "", "assumptions.curves.2.distribution": "",
        "assumptions.curves.2.time_unit": "months", "assumptions.curves.2.interpolation": "step",
        "assumptions.expected_patients_per_year": "120",
        "assumptions.expected_treatment_duration_months": "9,5",
        "assumptions.cost_per_qaly.value": "850 000",
        "assumptions.cost_per_qaly.low": "", "assumptions.cost_per_qaly.high": "",
        "assumptions.cost_per_qaly.price_basis": "list_price",
    }
    data.update(over)
    return data


def _introductions(client: Any) -> int:
    return int(client.get("/api/v1/introductions").json["total"])


def test_the_secretariat_records_an_introduction_in_one_guided_form(browser_as, client):
    decision = _decision(client)
    browser = browser_as("secretariat")
    path = f"/arbeid/beslutninger/{decision['id']}/innforing/ny"
    form = browser.page(path)
    assert 'id="introduction-form"' in form and 'value="Eksempel Pharma AS"' in form
    assert "Kreftregisteret" not in form  # nothing typed yet
    response = browser.submit(path, _guided_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    intro_id = int(re.search(r"/arbeid/innforinger/(\d+)", response.headers["Location"])[1])

    stored = client.get(f"/api/v1/introductions/{intro_id}").json
    assert stored["decision_id"] == decision["id"]
    assert stored["key_parameters"] == ["OS-ekstrapolering", "Behandlingslengde"]
    assert stored["responsible_emails"] == ["sekretariat@example.org", "fag@example.org"]
    assert stored["review_date"] == "2029-03-01"
    measures = [(m["name"], m["kind"], m["data_source"], m["data_expected_by"])
                for m in stored["outcome_measures"]]
    assert measures == [("Totaloverlevelse", "OS", "INSPIRE", "2027-12-31"),
                        ("Tid på behandling", "TTD", "NPR", None)]
    milestones = [(m["data_source"], m["expected_date"], m["data_cut"])
                  for m in stored["milestones"]]
    assert milestones == [("INSPIRE", "2027-06-30", "2026-12-31"), ("NPR", "2027-09-15", None)]
    curves = {c["endpoint"]: c for c in stored["assumptions"]["curves"]}
    assert set(curves) == {"OS", "TTD"}
    assert curves["OS"]["distribution"] == "weibull"
    assert curves["OS"]["parameters"] == {"scale": 14.0, "shape": 1.2}
    assert curves["OS"]["source"] == "Metodevurdering, tabell 12"
    assert curves["TTD"]["points"] == [[6.0, 0.7], [12.0, 0.45], [24.0, 0.2]]
    assert curves["TTD"]["interpolation"] == "linear"
    assert stored["exit_plan"] == {
        "new_patients": "Ingen nye pasienter etter utfasingsdatoen.",
        "patients_on_treatment": "Fullfører behandlingen; leverandøren dekker.",
        "subgroups": None}
    assert stored["assumptions"]["expected_patients_per_year"] == 120
    assert stored["assumptions"]["expected_treatment_duration_months"] == 9.5
    assert stored["assumptions"]["cost_per_qaly"] == {
        "value": 850000.0, "low": None, "high": None, "price_basis": "list_price"}
    audit = client.get(f"/api/v1/audit/introductions/{intro_id}").json
    assert audit["events"][0]["interface"] == "web"

    page = browser.page(response.headers["Location"])
    assert "Den midlertidige innføringen er registrert." in page
    assert f'href="/dashboards/introduksjon/{intro_id}"' in page
    assert "Totaloverlevelse" in page and "Første uttrekk" in page
    assert "Weibull (skala 14, form 1,2; måneder). Median: 10,3 måneder" in page
    # The decision's link now leads to the introduction instead of a second form.
    again = browser.get(path)
    assert again.status_code == 302 and again.headers["Location"].endswith(
        f"/arbeid/innforinger/{intro_id}")


def test_errors_are_shown_at_their_rows_in_norwegian_and_nothing_is_stored(browser_as, client):
    decision = _decision(client)
    browser = browser_as("secretariat")
    response = browser.submit(
        f"/arbeid/beslutninger/{decision['id']}/innforing/ny",
        _guided_form(**{"milestones.1.expected_date": "31.02.2027",
                        "assumptions.curves.0.parameters.shape": "0",
                        "assumptions.curves.1.points.3.1": "0,9",
                        "uncertainty": ""}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="error-milestones-1-expected_date">Datoen finnes ikke', page)
    assert re.search(r'id="error-assumptions-curves-0-parameters-shape">Må være større enn 0\.',
                     page)
    assert 'id="error-uncertainty">Må fylles ut.' in page
    # The points were numbered again without the blank row: the third is row 3 on the page.
    assert "Punkt 3: overlevelsen 0,9 er høyere enn forrige verdi (0,45)" in page
    assert "Milepæl 2: Forventet levert" in page  # the summary names the row and the field
    assert 'value="Månedlig uttrekk"' in page and 'value="31.02.2027"' in page  # kept as typed
    assert "Input should" not in page and "could not convert" not in page
    assert _introductions(client) == 0


def test_an_unreadable_number_and_a_rising_curve_are_told_in_norwegian(browser_as, client):
    decision = _decision(client)
    response = browser_as("secretariat").submit(
        f"/arbeid/beslutninger/{decision['id']}/innforing/ny",
        _guided_form(**{"assumptions.curves.0.parameters.scale": "fjorten",
                        "review_date": "01.01.2020"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="error-assumptions-curves-0-parameters-scale">Skriv et tall', page)
    assert _introductions(client) == 0
    late = browser_as("secretariat").submit(
        f"/arbeid/beslutninger/{decision['id']}/innforing/ny",
        _guided_form(review_date="01.01.2024"))
    assert late.status_code == 422
    assert "Revurderingsdatoen må komme etter beslutningsdatoen (18.03.2024)." in \
        late.get_data(as_text=True)
    assert _introductions(client) == 0


def test_a_new_review_date_needs_a_reason_and_is_kept_in_the_history(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    path = f"/arbeid/innforinger/{intro['id']}"
    # Changing something else leaves the review date and its history alone.
    other = browser.submit(path, {"uncertainty": "Ny beskrivelse av usikkerheten."})
    assert other.status_code == 302
    refused = browser.submit(path, {"review_date": "01.09.2027", "review_date_reason": ""})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="error-review_date_reason">Skriv hvorfor revurderingsdatoen endres.' in page
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json
    assert stored["review_date"] == "2027-03-01" and len(stored["review_date_history"]) == 1
    assert stored["uncertainty"] == "Ny beskrivelse av usikkerheten."

    saved = browser.submit(path, {"review_date": "01.09.2027",
                                  "review_date_reason": "INSPIRE-data kommer et halvår senere."})
    assert saved.status_code == 302
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json
    assert stored["review_date"] == "2027-09-01"
    last = stored["review_date_history"][-1]
    assert (last["old_date"], last["new_date"], last["reason"], last["changed_by"]) == (
        "2027-03-01", "2027-09-01", "INSPIRE-data kommer et halvår senere.", "secretariat-web")
    page = browser.page(path)
    assert "INSPIRE-data kommer et halvår senere." in page and "01.09.2027" in page


def test_a_confidential_cost_per_qaly_hidden_from_the_secretariat_is_kept(browser_as, client):
    intro = create_temporary_introduction(client)  # cost computed with the confidential price
    browser = browser_as("secretariat")
    path = f"/arbeid/innforinger/{intro['id']}"
    page = browser.page(path)
    assert 'id="cost-withheld"' in page and "850" not in page
    assert browser.submit(path, {"expected_patients_per_year": "140"}).status_code == 302
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json["assumptions"]
    assert stored["expected_patients_per_year"] == 140
    assert stored["cost_per_qaly"]["value"] == 850000


def test_a_stale_edit_of_the_introduction_shows_what_changed_and_overwrites_nothing(
        browser_as, client):
    intro = create_temporary_introduction(client)
    path = f"/arbeid/innforinger/{intro['id']}"
    kari, ola = browser_as("secretariat", "kari"), browser_as("secretariat", "ola")
    opened = kari.page(path)
    assert ola.submit(path, {"phaseout_criteria": "Olas kriterier."}).status_code == 302
    response = kari.client.post(path, data={
        "csrf_token": csrf_of(opened), "version": hidden_of(opened, "version"),
        "_base": hidden_of(opened, "_base"), "phaseout_criteria": "Karis kriterier.",
        "uncertainty": intro["uncertainty"], "documentation_duty": "Eksempel Pharma AS",
        "review_date": "01.03.2027", "reassessment_criteria": intro["reassessment_criteria"],
        "exit_plan.new_patients": "x", "exit_plan.patients_on_treatment": "y"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="stale-conflict"' in page and "Olas kriterier." in page
    assert "Kriterier for utfasing" in page  # the changed field is named
    assert "Karis kriterier." in page  # what Kari typed is still there
    assert client.get(f"/api/v1/introductions/{intro['id']}").json["phaseout_criteria"] == \
        "Olas kriterier."


def test_measures_and_milestones_are_added_and_changed_on_their_own_pages(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    base = f"/arbeid/innforinger/{intro['id']}"
    added = browser.submit(f"{base}/utfallsmal/ny", {
        "name": "Responsrate", "kind": "response", "data_source": "INSPIRE",
        "definition": "Andel med CR eller PR.", "responsible_party": "Kreftregisteret"})
    assert added.status_code == 302 and added.headers["Location"].endswith("#measures")
    measure = client.get(f"/api/v1/introductions/{intro['id']}").json["outcome_measures"][-1]
    assert (measure["name"], measure["kind"]) == ("Responsrate", "response")

    changed = browser.submit(f"{base}/utfallsmal/{measure['id']}", {
        "name": "Objektiv responsrate", "data_expected_by": "30.06.2027"})
    assert changed.status_code == 302
    measure = client.get(f"/api/v1/introductions/{intro['id']}").json["outcome_measures"][-1]
    assert (measure["name"], measure["data_expected_by"]) == ("Objektiv responsrate",
                                                              "2027-06-30")

    milestone = intro["milestones"][0]
    bad = browser.submit(f"{base}/milepaeler/{milestone['id']}", {"data_cut": "31.12.2025",
                                                                  "expected_date": "30.06.2025"})
    assert bad.status_code == 422
    assert "Datakuttet (31.12.2025) er etter forventet levering (30.06.2025)" in \
        bad.get_data(as_text=True)
    good = browser.submit(f"{base}/milepaeler/{milestone['id']}", {"expected_date": "30.09.2025"})
    assert good.status_code == 302
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json["milestones"][0]
    assert (stored["expected_date"], stored["data_cut"]) == ("2025-09-30", "2024-12-31")
    new = browser.submit(f"{base}/milepaeler/ny", {
        "data_source": "INSPIRE", "description": "Andre uttrekk", "expected_date": "30.06.2026",
        "responsible_party": "Kreftregisteret"})
    assert new.status_code == 302
    assert len(client.get(f"/api/v1/introductions/{intro['id']}").json["milestones"]) == 2


def test_a_stale_edit_of_a_measure_is_refused(browser_as, client):
    intro = create_temporary_introduction(client)
    measure = intro["outcome_measures"][0]
    path = f"/arbeid/innforinger/{intro['id']}/utfallsmal/{measure['id']}"
    kari, ola = browser_as("secretariat", "kari"), browser_as("secretariat", "ola")
    opened = kari.page(path)
    assert ola.submit(path, {"name": "Olas navn"}).status_code == 302
    response = kari.client.post(path, data={
        "csrf_token": csrf_of(opened), "version": hidden_of(opened, "version"),
        "_base": hidden_of(opened, "_base"), "name": "Karis navn"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="stale-conflict"' in page and "Olas navn" in page and "Totaloverlevelse" in page
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json["outcome_measures"][0]
    assert stored["name"] == "Olas navn"


def test_an_assumed_curve_is_replaced_with_its_version_and_a_stale_one_refused(
        browser_as, client):
    intro = create_temporary_introduction(client)
    path = f"/arbeid/innforinger/{intro['id']}/kurver/OS"
    kari, ola = browser_as("secretariat", "kari"), browser_as("secretariat", "ola")
    opened = kari.page(path)
    assert 'name="parameters.scale" type="text" value="14"' in opened
    assert 'src="/dashboards/assets/curve_preview.js"' in opened
    saved = ola.submit(path, {"distribution": "lognormal", "time_unit": "months",
                              "parameters.mu": "2,5", "parameters.sigma": "0,9",
                              "parameters.scale": "14", "parameters.shape": "1,2"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#curves")
    curves = client.get(f"/api/v1/introductions/{intro['id']}").json["assumptions"]["curves"]
    os_curve = next(c for c in curves if c["endpoint"] == "OS")
    assert os_curve["distribution"] == "lognormal"
    assert os_curve["parameters"] == {"mu": 2.5, "sigma": 0.9} and os_curve["version"] == 2
    response = kari.client.post(path, data={
        "csrf_token": csrf_of(opened), "version": hidden_of(opened, "version"),
        "_base": hidden_of(opened, "_base"), "distribution": "weibull", "time_unit": "months",
        "parameters.scale": "20", "parameters.shape": "1"})
    assert response.status_code == 409
    assert 'id="stale-conflict"' in response.get_data(as_text=True)
    curves = client.get(f"/api/v1/introductions/{intro['id']}").json["assumptions"]["curves"]
    assert next(c for c in curves if c["endpoint"] == "OS")["distribution"] == "lognormal"
    # An endpoint without a curve gets its first one.
    first = kari.submit(f"/arbeid/innforinger/{intro['id']}/kurver/PFS", {
        "distribution": "exponential", "time_unit": "months", "parameters.rate": "0,08"})
    assert first.status_code == 302
    curves = client.get(f"/api/v1/introductions/{intro['id']}").json["assumptions"]["curves"]
    assert next(c for c in curves if c["endpoint"] == "PFS")["parameters"] == {"rate": 0.08}


def _preview(browser: Any, fields: dict[str, str], prefix: str = "assumptions.curves.0") -> Any:
    token = csrf_of(browser.page("/arbeid/metoder"))
    named = {(f"{prefix}.{k}" if prefix else k): v for k, v in fields.items()}
    return browser.client.post("/arbeid/innforinger/kurve-forhandsvisning",
                               data={"csrf_token": token, "prefix": prefix, **named})


def test_the_curve_preview_draws_the_weibull_survival_and_its_median(browser_as):
    browser = browser_as("secretariat")
    response = _preview(browser, {"endpoint": "OS", "distribution": "weibull",
                                  "time_unit": "months", "parameters.scale": "14",
                                  "parameters.shape": "1,2", "parameters.rate": "9"})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] and len(answer["points"]) > 50
    for t, s in answer["points"]:
        assert s == pytest.approx(math.exp(-((t / 14.0) ** 1.2)), abs=1e-6)
    assert answer["points"][0] == [0.0, 1.0]
    assert answer["median"] == pytest.approx(14.0 * math.log(2) ** (1 / 1.2), rel=1e-9)
    assert answer["summary"] == "Median: 10,3 måneder"
    assert answer["points"][-1][1] < 0.06  # drawn until most have had the event
    assert "S(12 måneder) = 0,44" in answer["landmarks"]


def test_the_preview_follows_the_other_distributions(browser_as):
    browser = browser_as("secretariat")
    exponential = _preview(browser, {"distribution": "exponential", "time_unit": "days",
                                     "parameters.rate": "0,01"}, prefix="").get_json()
    assert exponential["median"] == pytest.approx(math.log(2) / 0.01, rel=1e-9)
    assert exponential["summary"] == "Median: 69,3 dager"
    steps = _preview(browser, {"distribution": "points", "interpolation": "step",
                               "time_unit": "months", "points.0.0": "6", "points.0.1": "0,8",
                               "points.1.0": "", "points.1.1": "",
                               "points.2.0": "12", "points.2.1": "0,5"}).get_json()
    assert steps["median"] == 12.0
    # Drawn as steps: the value holds until the next point, then drops.
    assert steps["points"][:4] == [[0.0, 1.0], [6.0, 1.0], [6.0, 0.8], [12.0, 0.8]]
    cure = _preview(browser, {"distribution": "gompertz", "time_unit": "months",
                              "parameters.rate": "0,05", "parameters.shape": "-0,2"}).get_json()
    assert cure["ok"] and cure["median"] is None  # levels off at exp(-0.25) = 0.78
    assert cure["summary"].startswith("Medianen nås ikke")


def test_the_preview_refuses_bad_parameters_in_norwegian(browser_as):
    browser = browser_as("secretariat")
    zero = _preview(browser, {"distribution": "weibull", "time_unit": "months",
                              "parameters.scale": "14", "parameters.shape": "0"})
    assert zero.status_code == 422
    assert zero.get_json()["errors"] == [{"field": "parameters.shape", "label": "Form",
                                          "message": "Må være større enn 0."}]
    text = _preview(browser, {"distribution": "weibull", "time_unit": "months",
                              "parameters.scale": "fjorten", "parameters.shape": "1"})
    assert text.get_json()["errors"][0]["message"] == "Skriv et tall, for eksempel 12,5."
    rising = _preview(browser, {"distribution": "points", "interpolation": "linear",
                                "time_unit": "months", "points.0.0": "6", "points.0.1": "0,5",
                                "points.1.0": "12", "points.1.1": "0,6"})
    assert rising.get_json()["errors"][0]["message"].startswith(
        "Punkt 2: overlevelsen 0,6 er høyere enn forrige verdi (0,5)")
    gompertz = _preview(browser, {"distribution": "gompertz", "time_unit": "months",
                                  "parameters.rate": "0,1", "parameters.shape": "0"})
    assert "velg «Eksponentiell»" in gompertz.get_json()["errors"][0]["message"]
    empty = _preview(browser, {"distribution": "", "time_unit": "months"})
    assert empty.status_code == 422 and empty.get_json()["message"].startswith("Velg fordeling")
    english = browser.client.post(
        "/arbeid/innforinger/kurve-forhandsvisning?lang=en",
        data={"csrf_token": csrf_of(browser.page("/arbeid/metoder")), "prefix": "",
              "distribution": "weibull", "time_unit": "months", "parameters.scale": "14",
              "parameters.shape": "1.2"})
    assert english.get_json()["summary"] == "Median: 10.3 months"


def test_an_analysis_plan_registered_in_the_browser_shows_the_sha256_the_api_stores(
        browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    path = f"/arbeid/innforinger/{intro['id']}/analyseplan"
    page = browser.page(path)
    assert intro["analysis_plan"]["text_sha256"] in page and 'id="plan-late"' not in page
    text = "OS fra behandlingsstart, sensur ved komplette dødsdata.\nLandemerker 12 og 24 mnd."
    response = browser.submit(path, {"text": text, "landmarks_months.0": "12",
                                     "landmarks_months.1": "24", "landmarks_months.2": "",
                                     "landmarks_months.3": ""})
    assert response.status_code == 302
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json
    plan = stored["analysis_plan"]
    assert plan["version_no"] == 2 and plan["landmarks_months"] == [12.0, 24.0]
    assert plan["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    page = browser.page(response.headers["Location"])
    assert f'<code class="sha" id="plan-sha">{plan["text_sha256"]}</code>' in page
    assert "Gjeldende analyseplan: versjon 2" in page and 'id="plan-frozen"' in page
    assert re.search(r'id="plan-version-1">.*?Erstattet \d\d\.\d\d\.\d{4} kl\.', page, re.S)
    assert stored["analysis_plan_history"][0]["text_sha256"] in page  # every version shown

    refused = browser.submit(path, {"text": "x", "landmarks_months.0": "24",
                                    "landmarks_months.1": "12"})
    assert refused.status_code == 422
    assert "Landemerkene må stå i stigende rekkefølge" in refused.get_data(as_text=True)
    assert client.get(f"/api/v1/introductions/{intro['id']}").json["analysis_plan"][
        "version_no"] == 2

    # Once a registry extract has a data cut, a plan registered after it is marked.
    assert upload(client, intro["id"], csv_bytes(CRAFTED), data_cut="2025-12-31"
                  ).status_code == 201
    page = browser.page(path)
    assert 'id="plan-late"' in page and "Registrert etter første datakutt (31.12.2025)" in page


@pytest.mark.parametrize("role", ["clinician", "procurement", "forum"])
def test_a_role_without_the_right_sees_no_form_and_a_forged_post_is_refused(
        role, browser_as, client):
    intro = create_temporary_introduction(client)
    decision = _decision(client)
    other = browser_as(role)
    page = other.page(f"/arbeid/innforinger/{intro['id']}")
    assert 'id="introduction-edit-form"' not in page and 'id="read-only"' in page
    assert 'id="new-measure"' not in page and 'id="curve-link-OS"' not in page
    plan = other.page(f"/arbeid/innforinger/{intro['id']}/analyseplan")
    assert 'id="plan-form"' not in plan and intro["analysis_plan"]["text_sha256"] in plan
    assert other.get(f"/arbeid/beslutninger/{decision['id']}/innforing/ny").status_code == 403
    token = csrf_of(page)
    base = f"/arbeid/innforinger/{intro['id']}"
    forged = {
        f"/arbeid/beslutninger/{decision['id']}/innforing/ny": _guided_form(),
        base: {"version": "1", "uncertainty": "Forfalsket."},
        f"{base}/utfallsmal/ny": {"name": "Forfalsket", "kind": "OS", "data_source": "INSPIRE",
                                  "definition": "x", "responsible_party": "x"},
        f"{base}/milepaeler/{intro['milestones'][0]['id']}": {"version": "1",
                                                              "description": "Forfalsket"},
        f"{base}/kurver/OS": {"distribution": "exponential", "time_unit": "months",
                              "parameters.rate": "1"},
        f"{base}/analyseplan": {"text": "Forfalsket."},
        "/arbeid/innforinger/kurve-forhandsvisning": {"distribution": "exponential",
                                                      "time_unit": "months",
                                                      "parameters.rate": "1"},
    }
    for path, data in forged.items():
        assert other.client.post(path, data={"csrf_token": token, **data}).status_code == 403, \
            path
    stored = client.get(f"/api/v1/introductions/{intro['id']}").json
    assert stored["version"] == intro["version"] and stored["uncertainty"] == intro["uncertainty"]
    assert len(stored["outcome_measures"]) == 2 and stored["analysis_plan"]["version_no"] == 1
    assert stored["milestones"][0]["description"] == "Første uttrekk"
    assert _introductions(client) == 1


def test_an_identifier_in_the_guided_form_is_refused_without_echoing_it(browser_as, client):
    decision = _decision(client)
    response = browser_as("secretariat").submit(
        f"/arbeid/beslutninger/{decision['id']}/innforing/ny",
        _guided_form(**{"outcome_measures.0.definition": f"Som for pasient {FNR}."}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert FNR not in page and "fødselsnummer" in page
    assert "id=\"error-outcome_measures-0-definition\"" in page
    assert _introductions(client) == 0


def test_the_method_page_leads_a_temporary_decision_to_its_introduction_form(
        browser_as, client):
    decision = _decision(client)
    refused = _decision(client, outcome="not_introduced")
    browser = browser_as("secretariat")
    page = browser.page(f"/arbeid/metoder/{decision['method_id']}")
    assert f'href="/arbeid/beslutninger/{decision["id"]}/innforing/ny"' in page
    assert "Registrer midlertidig innføring" in page
    other = browser.page(f"/arbeid/metoder/{refused['method_id']}")
    assert f'id="introduce-{refused["id"]}"' not in other
    wrong = browser.page(f"/arbeid/beslutninger/{refused['id']}/innforing/ny")
    assert 'id="wrong-outcome"' in wrong and 'id="introduction-form"' not in wrong


def test_the_guided_form_speaks_english_when_chosen(browser_as, client):
    decision = _decision(client)
    browser = browser_as("secretariat")
    page = browser.page(f"/arbeid/beslutninger/{decision['id']}/innforing/ny?lang=en")
    for text in ("Temporary introduction of", "Outcome measure 1", "Milestone 2",
                 "Assumed curve 1", "Exit plan", "Add a row", "Expected patients per year"):
        assert text in page, text
    for text in ("Utfallsmål", "Milepæl", "Fordeling"):
        assert text not in page, text
    intro = create_temporary_introduction(client)
    base = f"/arbeid/innforinger/{intro['id']}"
    pages = {base: "Outcome measures", f"{base}/kurver/TTD": "Straight line between the points",
             f"{base}/utfallsmal/{intro['outcome_measures'][0]['id']}": "Data expected by",
             f"{base}/milepaeler/ny": "Expected delivery", f"{base}/analyseplan": "All versions"}
    for path, text in pages.items():
        page = browser.page(path + "?lang=en")
        assert text in page and "Endre" not in page and "Lagre" not in page, path
