"""Individual access in the browser (Flask's client): a trust registers applications, every rule
of the schemes refuses on the form with its reason and keeps what was typed, identity numbers are
refused, the coordinator works the queue, and the committee's decision is refused without a
quorum and recorded with one (000_3134ab22afa02640.txt, 002_e9fcae1246b76c56.txt)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from tests.individual.conftest import BERGEN, OUS, access_case_body, exception_body, method_with
from tests.test_identifiers_everywhere import FNR
from tests.web.conftest import Browser
from tracker.timeutil import today

FORM = "/arbeid/tilgang/ny/tilgangsordningen"
EXCEPTION_FORM = "/arbeid/tilgang/ny/unntak"
TICK = ["", "true"]  # a ticked box sends its hidden blank, then "true"


def _iso(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def _form(page: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{re.escape(form_id)}".*?</form>', page, re.DOTALL)
    assert match, f"the page has no form {form_id}"
    return match.group(0)


def _fields(form: str) -> list[tuple[str, str]]:
    """What a browser sends for a form as it stands: hidden and text inputs, ticked boxes,
    textareas and the chosen options."""
    sent = []
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name is None or (kind and kind.group(1) in ("checkbox", "radio")
                            and " checked" not in tag):
            continue
        sent.append((name.group(1), html.unescape(value.group(1) if value else "")))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form,
                                 re.DOTALL):
        sent.append((name, html.unescape(text)))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form,
                                    re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        sent.append((name, html.unescape(chosen.group(1)) if chosen else ""))
    return sent


def _post_form(browser: Browser, path: str, form_id: str, data: dict[str, Any]) -> Any:
    """Post one of the page's forms as a browser would: what the form holds, changed by
    `data` (a name given there replaces all the form's inputs of that name)."""
    form = _form(browser.page(path), form_id)
    sent = MultiDict([(k, v) for k, v in _fields(form) if k not in data])
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            sent.add(name, item)
    return browser.client.post(path, data=sent)


def _checked(page: str, input_id: str) -> bool:
    match = re.search(rf'<input[^>]*id="{re.escape(input_id)}"[^>]*>', page)
    assert match, f"no input {input_id}"
    return " checked" in match.group(0)


def typed_application(nye_metoder_id: str, **over: Any) -> dict[str, Any]:
    """Part 2 of the Tilgangsordningen form as a doctor types it."""
    data: dict[str, Any] = {
        "nye_metoder_id": nye_metoder_id, "sending_trust": BERGEN,
        "reference": "2026-11-02-Helse Bergen-Lungeavdelingen", "diagnosis_icd10": "c341",
        "residence_trust": "", "received_on": "", "note": "",
        "application.applicant": "Overlege Eksempel", "application.consent_confirmed": TICK,
        "application.legal_sex": "female", "application.birth_year": "1974",
        "application.diagnosis_text": "Lungekreft med sjelden mutasjon",
        "application.history": "Tre linjer tidligere behandling.",
        "application.functional_level": "ECOG 1",
        "application.drug": "Testinib 100 mg tabletter", "application.dose": "100 mg daglig",
        "application.expected_duration": "6 måneder",
        "application.treatment_goal": "life_prolonging",
        "application.evaluation_plan": "CT hver 8. uke.",
        "application.stop_criteria": "Progresjon eller toksisitet.",
        "application.drug_cost_per_month_nok": "85 000", "application.price_basis":
            "maximum_price", "application.other_costs_per_month_nok": "5000,5",
        "application.extra_resources_or_savings": "",
        "application.increased_benefit.met": TICK,
        "application.increased_benefit.justification": "Mutasjonen gir forventet respons.",
        "application.higher_severity.met": "", "application.higher_severity.justification": "",
        "application.overall_assessment": "Pasienten skiller seg klart fra gruppen.",
        "application.literature.0.title": "", "application.literature.0.url": "",
        "application.literature.1.title": "Fase II-studie",
        "application.literature.1.url": "https://doi.org/10.1000/fase2",
        "application.line_manager.name": "Avdelingsleder",
        "application.line_manager.justification": "Faglig forankret.",
        "application.line_manager.approved": TICK,
        "application.medical_director.name": "Fagdirektør Bergen",
        "application.medical_director.justification": "Anbefales.",
        "application.medical_director.approved": TICK,
    }
    data.update(over)
    return data


def typed_exception(nye_metoder_id: str, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nye_metoder_id": nye_metoder_id, "sending_trust": BERGEN, "diagnosis_icd10": "C50",
        "application.applicant": "Overlege Eksempel",
        "application.marketing_authorisation.met": TICK,
        "application.marketing_authorisation.justification": "MT for indikasjonen.",
        "application.established_not_possible.met": TICK,
        "application.established_not_possible.justification": "Ikke tolerert.",
        "application.substantially_greater_effect.met": TICK,
        "application.substantially_greater_effect.justification": "Sjelden biomarkør.",
        "application.price_basis": "maximum_price",
        "application.drug_cost_per_month_nok": "60000",
    }
    data.update(over)
    return data


def test_the_medical_director_registers_a_tilgangsordningen_application(browser_as, client):
    method = method_with(client, "not_introduced")
    director = browser_as("medical_director", "fd-bergen", trust=BERGEN)
    page = _text(director.get(FORM))
    assert 'id="part1-note"' in page and "fødselsnummer og signatur" in page
    assert re.search(rf'<option value="{BERGEN}" selected>', page)  # the own trust, preset
    assert "Oslo universitetssykehus HF (" not in page.split('id="f-residence_trust"')[0]
    response = director.submit(FORM, typed_application(method["nye_metoder_id"]))
    assert response.status_code == 302, _text(response)[:3000]
    case_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    stored = client.get(f"/api/v1/access-cases/{case_id}").get_json()
    assert stored["state"] == "received" and stored["diagnosis_icd10"] == "C34.1"
    application = stored["application"]
    assert application["drug_cost_per_month_nok"] == 85000
    assert application["other_costs_per_month_nok"] == 5000.5
    assert application["consent_confirmed"] is True and application["birth_year"] == 1974
    assert application["literature"] == [{"title": "Fase II-studie",
                                          "url": "https://doi.org/10.1000/fase2"}]
    assert stored["missing"] == []
    assert [(s["by"], s["role"]) for s in stored["steps"]] == [("fd-bergen", "medical_director")]
    case_page = _text(director.get(response.headers["Location"]))
    assert "Søknaden er registrert." in case_page
    assert "C34.1 (kapittel II: Svulster)" in case_page
    assert "Søknaden har alt skjemaet spør om." in case_page
    assert "85\u00a0000 kr" in case_page  # the medical director may see the costs
    assert "Venter på: Tilstrekkelig opplyst (koordinator)" in case_page


RULES = [
    (FORM, "not_introduced", None, "group_outside_mandate",
     "spørsmål om en pasientgruppe er utenfor vurderingskomitéens mandat",
     "utenfor vurderingskomitéens mandat"),
    (FORM, None, None, "access_scheme_under_assessment",
     "metoden er fortsatt til vurdering i Nye metoder", "{id} har ingen beslutning ennå"),
    (FORM, "introduced", None, "access_scheme_introduced", "metoden er innført",
     "{id} ble besluttet innført 01.03.2025"),
    (EXCEPTION_FORM, "not_introduced", None, "exception_after_not_introduced",
     "unntak etter en beslutning om ikke å innføre metoden",
     "Beslutningsforum besluttet 01.03.2025 ikke å innføre {id}"),
    (EXCEPTION_FORM, "introduced", "2025-04-01", "exception_after_introduction",
     "unntak etter at innføringen gjelder",
     "Beslutningsforum innførte {id} 01.03.2025, med virkning fra 01.04.2025"),
]


@pytest.mark.parametrize(("form", "outcome", "effective", "rule", "title", "why"), RULES,
                         ids=[r[3] for r in RULES])
def test_every_rule_refuses_on_the_form_with_its_reason_and_keeps_what_was_typed(
        browser_as, client, form, outcome, effective, rule, title, why):
    method = method_with(client, outcome, decided="2025-03-01", effective=effective)
    nye_id = method["nye_metoder_id"]
    doctor = browser_as("clinician", "lege-bergen", trust=BERGEN)
    if form == FORM:
        data = typed_application(nye_id, **{
            "application.history": "Sykehistorie skrevet før avslaget.",
            "application.concerns_group": TICK if rule == "group_outside_mandate" else ""})
        kept = "Sykehistorie skrevet før avslaget."
    else:
        data = typed_exception(nye_id, **{
            "application.substantially_greater_effect.justification": "Begrunnelse som beholdes."})
        kept = "Begrunnelse som beholdes."
    response = doctor.submit(form, data)
    assert response.status_code == 422
    page = _text(response)
    refusal = re.search(r'<div[^>]*id="rule-refusal".*?</div>', page, re.DOTALL)
    assert refusal, "no refusal at the top of the form"
    assert f"Søknaden kan ikke registreres: {title}" in refusal.group(0)
    assert why.format(id=nye_id) in refusal.group(0)
    assert f'data-rule="{rule}"' in refusal.group(0)
    assert "002 L" not in page and "000 L" not in page  # the English message is not shown
    assert kept in page  # what was typed is still in the form
    if form == FORM:
        assert _checked(page, "f-application-consent_confirmed")
        assert _checked(page, "f-application-increased_benefit-met")
        assert _checked(page, "f-application-concerns_group") == (rule == "group_outside_mandate")
    else:
        assert _checked(page, "f-application-marketing_authorisation-met")
    assert client.get("/api/v1/access-cases").get_json()["total"] == 0


def test_an_identity_number_in_any_field_is_refused_and_never_shown_again(browser_as, client):
    method = method_with(client, "not_introduced")
    director = browser_as("medical_director", "fd-bergen", trust=BERGEN)
    response = director.submit(FORM, typed_application(method["nye_metoder_id"], **{
        "application.history": f"Pasient {FNR} har tre linjer bak seg."}))
    assert response.status_code == 422
    page = _text(response)
    assert FNR not in page
    error = re.search(r'id="error-application-history">([^<]*)<', page)
    assert error and "Ser ut som et fødselsnummer eller D-nummer" in error.group(1)
    assert "ECOG 1" in page and "Mutasjonen gir forventet respons." in page  # the rest kept
    assert client.get("/api/v1/access-cases").get_json()["total"] == 0
    # Supplementing a stored application and a step's note are scanned the same way.
    case = client.post("/api/v1/access-cases/access-scheme",
                       json=access_case_body(method, received_on=_iso(-3))).get_json()
    path = f"/arbeid/tilgang/{case['id']}"
    refused = _post_form(director, path, "supplement-form", {
        "_action": "supplement", "application.functional_level": f"fnr {FNR}"})
    assert refused.status_code == 422 and FNR not in _text(refused)
    assert "Ser ut som et fødselsnummer" in _text(refused)
    coordinator = browser_as("coordinator", "koordinator")
    refused = _post_form(coordinator, path, "step-form-complete", {
        "_action": "step:complete", "step-complete.note": f"Gjelder {FNR}"})
    assert refused.status_code == 422 and FNR not in _text(refused)
    stored = client.get(f"/api/v1/access-cases/{case['id']}").get_json()
    assert stored["state"] == "received" and stored["application"]["functional_level"] == \
        "ECOG 1"


def test_the_trust_supplements_a_returned_application_and_submits_it_again(browser_as, client):
    method = method_with(client, "not_introduced")
    body = access_case_body(method, received_on=_iso(-4))
    del body["application"]["stop_criteria"]
    body["application"]["medical_director"]["approved"] = False
    case = client.post("/api/v1/access-cases/access-scheme", json=body).get_json()
    path = f"/arbeid/tilgang/{case['id']}"
    coordinator = browser_as("coordinator", "koordinator")
    page = coordinator.page(path)
    assert "Stoppkriterier" in _form(page, "step-form-returned")
    refused = _post_form(coordinator, path, "step-form-complete", {"_action": "step:complete"})
    assert refused.status_code == 409
    assert "Søknaden mangler 2 opplysning(er): Stoppkriterier" in _text(refused)
    returned = _post_form(coordinator, path, "step-form-returned", {
        "_action": "step:returned", "step-returned.missing": ["stop_criteria",
                                                              "medical_director.approved"],
        "step-returned.missing_other": "Oppdatert CT-beskrivelse", "step-returned.at": ""})
    assert returned.status_code == 302, _text(returned)[:2000]
    stored = client.get(f"/api/v1/access-cases/{case['id']}").get_json()
    assert stored["state"] == "returned"
    assert stored["steps"][-1]["payload"]["missing"] == [
        "stop_criteria", "medical_director.approved", "Oppdatert CT-beskrivelse"]

    director = browser_as("medical_director", "fd-bergen", trust=BERGEN)
    page = _text(director.get(path))
    assert "Mangler: Stoppkriterier; Fagdirektøren godkjenner søknaden" in page
    saved = _post_form(director, path, "supplement-form", {
        "_action": "supplement", "application.stop_criteria": "Progresjon.",
        "application.medical_director.approved": TICK})
    assert saved.status_code == 302, _text(saved)[:2000]
    assert client.get(f"/api/v1/access-cases/{case['id']}").get_json()["missing"] == []
    again = _post_form(director, path, "step-form-received", {"_action": "step:received"})
    assert again.status_code == 302
    complete = _post_form(coordinator, path, "step-form-complete", {"_action": "step:complete"})
    assert complete.status_code == 302
    stored = client.get(f"/api/v1/access-cases/{case['id']}").get_json()
    assert [(s["to_state"], s["by"]) for s in stored["steps"]] == [
        ("received", "test-admin"), ("returned", "koordinator"), ("received", "fd-bergen"),
        ("complete", "koordinator")]


def _case_at(client: Any, method: dict[str, Any], days: int, trust: str = BERGEN) -> int:
    body = access_case_body(method, received_on=_iso(-days), sending_trust=trust,
                            reference=f"2026-11-02-{trust.split()[0]}-Avdeling {days}")
    response = client.post("/api/v1/access-cases/access-scheme", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _step(client: Any, case_id: int, to: str, **extra: Any) -> dict[str, Any]:
    version = client.get(f"/api/v1/access-cases/{case_id}").get_json()["version"]
    response = client.post(f"/api/v1/access-cases/{case_id}/steps",
                           json={"to": to, "version": version, **extra})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def test_the_coordinators_queue_and_a_trusts_own_cases(browser_as, client):
    method = method_with(client, "not_introduced")
    young, old = _case_at(client, method, 10), _case_at(client, method, 20, OUS)
    complete = _case_at(client, method, 30)
    _step(client, complete, "complete", at=_iso(-5))
    closed = _case_at(client, method, 40)
    _step(client, closed, "withdrawn", justification="Pasienten døde.")
    exception = client.post("/api/v1/access-cases/exceptions", json=exception_body(
        method_with(client, None), received_on=_iso(-3))).get_json()["id"]

    coordinator = browser_as("coordinator", "koordinator")
    page = coordinator.page("/arbeid/tilgang")
    rows = [int(i) for i in re.findall(r'<tr id="case-row-(\d+)"', page)]
    assert rows == [exception, old, young, complete]  # by state, the oldest first
    for case_id, days, mine in ((old, 20, True), (young, 10, True), (complete, 5, False),
                                (exception, 3, False)):
        row = re.search(rf'<tr id="case-row-{case_id}".*?</tr>', page, re.DOTALL).group(0)
        assert f">{days} d<" in row
        assert ("venter på deg" in row) == mine, case_id
    assert "2 saker venter på et steg du kan ta." in page
    assert "Mottatt (2)" in page and "Tilstrekkelig opplyst (1)" in page
    closed_page = coordinator.page("/arbeid/tilgang?show=closed")
    assert re.findall(r'<tr id="case-row-(\d+)"', closed_page) == [str(closed)]
    only = coordinator.page("/arbeid/tilgang?scheme=individual_exception")
    assert re.findall(r'<tr id="case-row-(\d+)"', only) == [str(exception)]
    oslo = coordinator.page(f"/arbeid/tilgang?trust={OUS}")
    assert re.findall(r'<tr id="case-row-(\d+)"', oslo) == [str(old)]

    director = browser_as("medical_director", "fd-bergen", trust=BERGEN)
    own = director.page("/arbeid/tilgang")
    assert [int(i) for i in re.findall(r'<tr id="case-row-(\d+)"', own)] == [
        exception, young, complete]
    assert 'id="f-trust"' not in own and f"Sakene til {BERGEN}." in own
    assert director.get(f"/arbeid/tilgang/{old}").status_code == 404  # another trust's case
    # A clinician of the trust reads the case without the costs.
    doctor = browser_as("clinician", "lege-bergen", trust=BERGEN)
    page = _text(doctor.get(f"/arbeid/tilgang/{young}"))
    assert "skjult for din rolle" in page and "85\u00a0000" not in page


def test_the_published_group_exceptions_are_public(client, anonymous):
    method = method_with(client, None)
    case = client.post("/api/v1/access-cases/group-exceptions", json={
        "nye_metoder_id": method["nye_metoder_id"], "sending_trust": OUS,
        "received_on": _iso(-10), "application": {
            "clinical_group": "Norsk lymfomgruppe", "trusts": [OUS, BERGEN],
            "patient_group": "Residiverende follikulært lymfom", "justification": "Ingen "
            "alternativ behandling."}}).get_json()
    _step(client, case["id"], "decided", outcome="granted", justification="Innvilget.",
          indication_limits="Etter minst to tidligere linjer.")
    page = _text(anonymous.get("/arbeid/gruppeunntak"))
    current = re.search(r'id="groups-current".*?</section>', page, re.DOTALL).group(0)
    assert "Residiverende follikulært lymfom" in current
    assert "Etter minst to tidligere linjer." in current and f"{OUS}, {BERGEN}" in current



def test_a_step_on_a_case_someone_else_moved_meanwhile_is_refused_as_stale(browser_as,
                                                                           client):
    method = method_with(client, "not_introduced")
    case_id = _case_at(client, method, 5)
    coordinator = browser_as("coordinator", "koordinator")
    path = f"/arbeid/tilgang/{case_id}"
    form = _fields(_form(coordinator.page(path), "step-form-complete"))
    _step(client, case_id, "returned", missing=["stop_criteria"])  # another coordinator
    response = coordinator.client.post(path, data=MultiDict(form))  # as the browser kept it
    assert response.status_code == 409
    page = _text(response)
    assert "Noen andre har endret dette siden du åpnet skjemaet." in page
    changed = re.search(r'<table class="table" id="stale-changes">.*?</table>', page,
                        re.DOTALL).group(0)
    assert "Mottatt" in changed and "Sendt tilbake for supplering" in changed
    assert client.get(f"/api/v1/access-cases/{case_id}").get_json()["state"] == "returned"
