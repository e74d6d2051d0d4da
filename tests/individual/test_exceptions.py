"""The exception scheme through the API: only while the method is under assessment
(000_3134ab22afa02640.txt L246–254, L1337–1346), decided by the trust's medical director, and
group exceptions published as current, previous or refused (000 L281–288)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.individual.conftest import BERGEN, OUS, exception_body, method_with


def _step(client: Any, case: dict[str, Any], to: str, headers: dict[str, str], **extra: Any) -> Any:
    return client.post(f"/api/v1/access-cases/{case['id']}/steps", headers=headers,
                       json={"to": to, "version": case["version"], **extra})


@pytest.mark.parametrize(("outcome", "effective", "rule"), [
    ("not_introduced", None, "exception_after_not_introduced"),
    ("introduced", "2025-04-01", "exception_after_introduction"),
    ("introduced_with_criteria", None, "exception_after_introduction"),
])
def test_no_exception_once_the_method_is_decided(client, outcome, effective, rule):
    method = method_with(client, outcome, decided="2025-03-01", effective=effective)
    response = client.post("/api/v1/access-cases/exceptions", json=exception_body(method))
    assert response.status_code == 422
    assert response.get_json()["details"][0]["rule"] == rule
    assert "01.03.2025" in response.get_json()["message"]
    assert client.get("/api/v1/access-cases").get_json()["total"] == 0


def test_an_exception_is_possible_until_the_yes_decision_applies(client):
    method = method_with(client, "introduced", decided="2026-10-20", effective="2027-01-01")
    response = client.post("/api/v1/access-cases/exceptions", json=exception_body(method))
    assert response.status_code == 201, response.get_json()


def test_a_patient_who_started_before_the_no_decision_may_finish(client):
    method = method_with(client, "not_introduced", decided="2025-03-01")
    body = exception_body(method)
    body["application"]["already_started_on"] = "2025-01-15"
    assert client.post("/api/v1/access-cases/exceptions", json=body).status_code == 201
    body["application"]["already_started_on"] = "2025-03-02"
    assert client.post("/api/v1/access-cases/exceptions", json=body).status_code == 422


def test_the_trust_walks_an_exception_and_only_its_medical_director_decides(client, person):
    method = method_with(client, None)
    doctor = person("lege-bergen", "clinician", BERGEN)
    director = person("fd-bergen", "medical_director", BERGEN)
    other_director = person("fd-ous", "medical_director", OUS)
    case = client.post("/api/v1/access-cases/exceptions", headers=doctor,
                       json=exception_body(method))
    assert case.status_code == 201, case.get_json()
    case = case.get_json()
    assert case["paying_trust"] == BERGEN and case["region"] == "Helse Vest"
    case = _step(client, case, "line_manager_approved", doctor, at="2026-11-04",
                 justification="Faglig forankret i avdelingen.").get_json()
    needs = _step(client, case, "pharmacist_checked", doctor)
    assert {d["field"] for d in needs.get_json()["details"]} == {
        "literature_checked", "cost_per_month_nok", "prescription_category"}
    unchecked = _step(client, case, "pharmacist_checked", doctor, literature_checked=False,
                      cost_per_month_nok=61000, prescription_category="H-resept")
    assert [d["field"] for d in unchecked.get_json()["details"]] == ["literature_checked"]
    case = _step(client, case, "pharmacist_checked", doctor, at="2026-11-05",
                 literature_checked=True, cost_per_month_nok=61000,
                 prescription_category="H-resept").get_json()
    assert _step(client, case, "decided", doctor, outcome="granted",
                 justification="x").status_code == 403
    assert client.get(f"/api/v1/access-cases/{case['id']}",
                      headers=other_director).status_code == 404
    decided = _step(client, case, "decided", director, at="2026-11-06", outcome="granted",
                    justification="Kriteriene er oppfylt.").get_json()
    assert (decided["state"], decided["outcome"]) == ("decided", "granted")
    assert not any(step["to"] == "decided" for step in decided["allowed_next"])  # no appeal
    returned = _step(client, decided, "sent", doctor, at="2026-11-06").get_json()
    assert [(s["to_state"], s["role"]) for s in returned["steps"]] == [
        ("applied", "clinician"), ("line_manager_approved", "clinician"),
        ("pharmacist_checked", "clinician"), ("decided", "medical_director"),
        ("sent", "clinician")]


def test_a_trust_registers_only_its_own_cases_and_sees_only_them(client, person):
    method = method_with(client, None)
    doctor = person("lege-ous", "clinician", OUS)
    refused = client.post("/api/v1/access-cases/exceptions", headers=doctor,
                          json=exception_body(method))
    assert refused.status_code == 403
    client.post("/api/v1/access-cases/exceptions", json=exception_body(method))
    assert client.get("/api/v1/access-cases", headers=doctor).get_json()["total"] == 0
    no_trust = person("lege-uten", "clinician")
    assert client.get("/api/v1/access-cases", headers=no_trust).status_code == 403


def test_costs_are_withheld_from_clinicians(client, person):
    method = method_with(client, None)
    doctor = person("lege-bergen", "clinician", BERGEN)
    case = client.post("/api/v1/access-cases/exceptions", headers=doctor,
                       json=exception_body(method)).get_json()
    seen = client.get(f"/api/v1/access-cases/{case['id']}", headers=doctor).get_json()
    assert "drug_cost_per_month_nok" not in seen["application"]
    assert seen["withheld_fields"] == ["application.drug_cost_per_month_nok"]
    director = person("fd-bergen", "medical_director", BERGEN)
    seen = client.get(f"/api/v1/access-cases/{case['id']}", headers=director).get_json()
    assert seen["application"]["drug_cost_per_month_nok"] == 60000


def _group(client: Any, method: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/access-cases/group-exceptions", json={
        "nye_metoder_id": method["nye_metoder_id"], "sending_trust": OUS,
        "received_on": "2026-10-01", "application": {
            "clinical_group": "Norsk lymfomgruppe", "trusts": [OUS, "helse bergen hf"],
            "patient_group": "Voksne med residiverende lymfom etter to linjer.",
            "justification": "Ingen annen behandling."}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_group_exception_is_published_current_then_previous(client, anonymous, person):
    method = method_with(client, None)
    case = _group(client, method)
    assert case["application"]["trusts"] == [OUS, BERGEN]
    assert anonymous.get("/api/v1/group-exceptions").get_json()["items"] == []
    assert anonymous.get(f"/api/v1/access-cases/{case['id']}").status_code == 401
    doctor = person("lege-ous", "clinician", OUS)
    assert _step(client, case, "decided", doctor, outcome="granted",
                 justification="x").status_code == 403
    coordinator = person("koordinator", "coordinator")
    decided = _step(client, case, "decided", coordinator, at="2026-10-20", outcome="granted",
                    justification="Innvilget av det interregionale fagdirektørmøtet.",
                    indication_limits="Kun etter minst to tidligere linjer.").get_json()
    published = anonymous.get("/api/v1/group-exceptions").get_json()["items"]
    assert [(g["status"], g["indication_limits"]) for g in published] == [
        ("current", "Kun etter minst to tidligere linjer.")]
    _step(client, decided, "ended", coordinator, at="2026-11-20",
          justification="Metoden er innført.")
    published = anonymous.get("/api/v1/group-exceptions").get_json()["items"]
    assert [(g["status"], g["ended_on"], g["reason"]) for g in published] == [
        ("previous", "2026-11-20", "Metoden er innført.")]

    refused = _group(client, method_with(client, None))
    _step(client, refused, "decided", coordinator, at="2026-10-21", outcome="refused",
          justification="Dokumentasjonen er for svak.")
    statuses = {g["status"] for g in anonymous.get("/api/v1/group-exceptions").get_json()["items"]}
    assert statuses == {"previous", "refused"}
    current = anonymous.get("/api/v1/group-exceptions?status=refused").get_json()["items"]
    assert [g["reason"] for g in current] == ["Dokumentasjonen er for svak."]


def test_an_unknown_trust_is_refused_with_the_list_to_choose_from(client):
    method = method_with(client, None)
    response = client.post("/api/v1/access-cases/exceptions",
                           json=exception_body(method, sending_trust="Helse Atlantis HF"))
    assert response.status_code == 422
    assert response.get_json()["details"][0]["field"] == "sending_trust"
    trusts = client.get("/api/v1/health-trusts").get_json()["items"]
    assert {"name": BERGEN, "region": "Helse Vest"} in trusts
