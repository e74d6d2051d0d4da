"""A Tilgangsordningen case from the trust's submission to the committee's decision, through the
API: each rule of the procedure (002_e9fcae1246b76c56.txt L585–731) tried and refused with its
reason."""

from __future__ import annotations

from typing import Any

import pytest

from tests.individual.conftest import BERGEN, access_case_body, method_with

ROSTER = [
    ("Fagdirektør Vest A", BERGEN), ("Fagdirektør Vest B", "Helse Førde HF"),
    ("Fagdirektør Sør-Øst A", "Oslo universitetssykehus HF"),
    ("Fagdirektør Sør-Øst B", "Sykehuset Innlandet HF"),
    ("Fagdirektør Midt A", "St. Olavs hospital HF"),
    ("Fagdirektør Midt B", "Helse Møre og Romsdal HF"),
    ("Fagdirektør Nord A", "Universitetssykehuset Nord-Norge HF"),
    ("Fagdirektør Nord B", "Nordlandssykehuset HF"),
]


@pytest.fixture
def committee(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The committee's roster of eight medical directors, a leader and DMP, and a meeting."""
    ids = {}
    for name, trust in ROSTER:
        member = client.post("/api/v1/committee/members", json={
            "name": name, "committee_role": "member", "health_trust": trust,
            "medical_director": True, "active_from": "2025-04-01"}).get_json()
        ids[name] = member["id"]
    for name, role in (("Leder", "leader"), ("DMP", "dmp")):
        ids[name] = client.post("/api/v1/committee/members", json={
            "name": name, "committee_role": role, "active_from": "2025-04-01"}).get_json()["id"]
    meeting = client.post("/api/v1/committee/meetings",
                          json={"held_on": "2026-11-25"}).get_json()
    return {"members": ids, "meeting": meeting}


def _step(client: Any, case: dict[str, Any], to: str, headers: dict[str, str] | None = None,
          **extra: Any) -> Any:
    return client.post(f"/api/v1/access-cases/{case['id']}/steps", headers=headers or {},
                       json={"to": to, "version": case["version"], **extra})


def _ready_for_meeting(client, person, committee) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    method = method_with(client, "not_introduced")
    director = person("fd-bergen", "medical_director", BERGEN)
    case = client.post("/api/v1/access-cases/access-scheme", headers=director,
                       json=access_case_body(method)).get_json()
    coordinator = person("koordinator", "coordinator")
    case = _step(client, case, "complete", coordinator, at="2026-11-05").get_json()
    procurement = person("innkjop", "procurement")
    case = _step(client, case, "price_checked", procurement, at="2026-11-09",
                 cost_per_month_nok=80000, price_basis="maximum_price").get_json()
    return _step(client, case, "scheduled", coordinator, at="2026-11-10",
                 meeting_id=committee["meeting"]["id"]).get_json()


def _attend(client, committee, names) -> None:  # type: ignore[no-untyped-def]
    meeting = client.get(f"/api/v1/committee/meetings/{committee['meeting']['id']}").get_json()
    response = client.put(f"/api/v1/committee/meetings/{meeting['id']}/attendance", json={
        "member_ids": [committee["members"][n] for n in names], "version": meeting["version"]})
    assert response.status_code == 200, response.get_json()


def _papers(client, committee, sent_on: str) -> None:  # type: ignore[no-untyped-def]
    meeting = client.get(f"/api/v1/committee/meetings/{committee['meeting']['id']}").get_json()
    response = client.post(f"/api/v1/committee/meetings/{meeting['id']}/papers",
                           json={"sent_on": sent_on, "version": meeting["version"]})
    assert response.status_code == 200, response.get_json()


def _decide(client, case, headers, **over):  # type: ignore[no-untyped-def]
    body = {"outcome": "granted", "consensus": True, "grounds": ["increased_benefit"],
            "justification": "Pasienten er klinisk eksepsjonell.", "version": case["version"]}
    body.update(over)
    return client.post(f"/api/v1/access-cases/{case['id']}/committee-decision", headers=headers,
                       json=body)


def test_an_incomplete_application_is_returned_and_comes_back(client, person):
    method = method_with(client, "not_introduced")
    director = person("fd-bergen", "medical_director", BERGEN)
    body = access_case_body(method)
    del body["application"]["stop_criteria"]
    body["application"]["medical_director"]["approved"] = False
    case = client.post("/api/v1/access-cases/access-scheme", headers=director, json=body)
    assert case.status_code == 201, case.get_json()
    case = case.get_json()
    assert case["state"] == "received"
    assert set(case["missing"]) == {"stop_criteria", "medical_director.approved"}

    coordinator = person("koordinator", "coordinator")
    refused = _step(client, case, "complete", coordinator)
    assert refused.status_code == 409
    assert "stop_criteria" in refused.get_json()["message"]

    returned = _step(client, case, "returned", coordinator, at="2026-11-05",
                     missing=["stop_criteria", "medical_director.approved"]).get_json()
    assert returned["state"] == "returned"
    supplemented = client.patch(f"/api/v1/access-cases/{case['id']}", headers=director, json={
        "application": {"stop_criteria": "Progresjon.", "medical_director": {
            "name": "Fagdirektør", "justification": "Anbefales.", "approved": True}},
        "version": returned["version"]}).get_json()
    assert supplemented["missing"] == []
    again = _step(client, supplemented, "received", director, at="2026-11-09").get_json()
    complete = _step(client, again, "complete", coordinator, at="2026-11-10").get_json()
    assert complete["state"] == "complete"
    assert [s["to_state"] for s in complete["steps"]] == [
        "received", "returned", "received", "complete"]
    assert [s["by"] for s in complete["steps"]] == [
        "fd-bergen", "koordinator", "fd-bergen", "koordinator"]


def test_only_sykehusinnkjop_checks_the_price(client, person):
    method = method_with(client, "not_introduced")
    director = person("fd-bergen", "medical_director", BERGEN)
    case = client.post("/api/v1/access-cases/access-scheme", headers=director,
                       json=access_case_body(method)).get_json()
    case = _step(client, case, "complete", person("koordinator", "coordinator")).get_json()
    for role in ("coordinator", "clinician", "committee"):
        refused = _step(client, case, "price_checked", person(f"x-{role}", role, BERGEN),
                        cost_per_month_nok=1, price_basis="maximum_price")
        assert refused.status_code == 403, role
    needs = _step(client, case, "price_checked", person("innkjop", "procurement"))
    assert needs.status_code == 422
    assert {d["field"] for d in needs.get_json()["details"]} == {"cost_per_month_nok",
                                                                  "price_basis"}


def test_the_committee_decides_with_recusal_quorum_consensus_and_papers_in_time(
        client, person, committee):
    case = _ready_for_meeting(client, person, committee)
    coordinator = person("koordinator", "coordinator")
    # Four voting members present, one of them from the applying trust: three may decide.
    _attend(client, committee, ["Fagdirektør Vest A", "Fagdirektør Sør-Øst A",
                                "Fagdirektør Midt A", "Fagdirektør Nord A", "Leder", "DMP"])
    meeting = client.get(f"/api/v1/committee/meetings/{committee['meeting']['id']}").get_json()
    on_agenda = meeting["cases"][0]
    assert on_agenda["recused"] == [{"name": "Fagdirektør Vest A",
                                     "reason": f"fra {BERGEN}, sakens eget helseforetak"}]
    assert on_agenda["quorate"] is False

    refused = _decide(client, case, coordinator)
    assert refused.status_code == 409
    problems = refused.get_json()["details"]["problems"]
    assert any("papers" in p and "never sent" in p for p in problems)
    assert any("only 3 member(s)" in p for p in problems)

    # Papers on Tuesday for a Wednesday meeting: one working day, too late.
    _papers(client, committee, "2026-11-24")
    _attend(client, committee, ["Fagdirektør Vest A", "Fagdirektør Vest B",
                                "Fagdirektør Sør-Øst A", "Fagdirektør Midt A",
                                "Fagdirektør Nord A", "Leder"])
    case = client.get(f"/api/v1/access-cases/{case['id']}").get_json()
    late = _decide(client, case, coordinator)
    assert late.status_code == 409
    assert "later than two working days" in late.get_json()["message"]
    assert "23.11.2026" in late.get_json()["message"]

    _papers(client, committee, "2026-11-23")
    no_consensus = _decide(client, case, coordinator, consensus=False)
    assert no_consensus.status_code == 409
    assert "consensus" in no_consensus.get_json()["message"]

    member = person("komite-medlem", "committee")
    assert _decide(client, case, member).status_code == 403
    decided = _decide(client, case, coordinator)
    assert decided.status_code == 200, decided.get_json()
    decided = decided.get_json()
    assert decided["state"] == "decided" and decided["outcome"] == "granted"
    assert decided["decided_on"] == "2026-11-25"
    assert "Fagdirektør Vest A" not in decided["decision"]["deciding"]
    assert len(decided["decision"]["deciding"]) == 4
    assert decided["decision"]["recused"][0]["name"] == "Fagdirektør Vest A"
    sent = _step(client, decided, "sent", coordinator, at="2026-11-26").get_json()
    assert sent["state"] == "sent"


def test_no_consensus_is_recorded_as_such(client, person, committee):
    case = _ready_for_meeting(client, person, committee)
    _papers(client, committee, "2026-11-20")
    _attend(client, committee, [n for n, _ in committee_roster_names()])
    case = client.get(f"/api/v1/access-cases/{case['id']}").get_json()
    decided = _decide(client, case, person("koordinator", "coordinator"),
                      outcome="no_consensus", consensus=False).get_json()
    assert decided["outcome"] == "no_consensus"


def committee_roster_names() -> list[tuple[str, str]]:
    return ROSTER


def test_a_substitute_does_not_vote_beside_the_member(client, person, committee):
    substitute = client.post("/api/v1/committee/members", json={
        "name": "Vara Nord A", "committee_role": "substitute",
        "health_trust": "Finnmarkssykehuset HF", "medical_director": False,
        "substitute_for_id": committee["members"]["Fagdirektør Nord A"],
        "active_from": "2025-04-01"}).get_json()
    committee["members"]["Vara Nord A"] = substitute["id"]
    case = _ready_for_meeting(client, person, committee)
    _attend(client, committee, ["Fagdirektør Vest A", "Fagdirektør Sør-Øst A",
                                "Fagdirektør Midt A", "Fagdirektør Nord A", "Vara Nord A"])
    meeting = client.get(f"/api/v1/committee/meetings/{committee['meeting']['id']}").get_json()
    assert meeting["cases"][0]["case_id"] == case["id"]
    assert "Vara Nord A" not in meeting["cases"][0]["deciding"]
    assert meeting["cases"][0]["quorate"] is False
    _attend(client, committee, ["Fagdirektør Vest A", "Fagdirektør Sør-Øst A",
                                "Fagdirektør Midt A", "Fagdirektør Vest B", "Vara Nord A"])
    meeting = client.get(f"/api/v1/committee/meetings/{committee['meeting']['id']}").get_json()
    assert "Vara Nord A" in meeting["cases"][0]["deciding"]
    assert meeting["cases"][0]["quorate"] is True


def test_a_case_cannot_join_a_meeting_whose_papers_went_out(client, person, committee):
    _papers(client, committee, "2026-11-20")
    method = method_with(client, "not_introduced")
    case = client.post("/api/v1/access-cases/access-scheme",
                       json=access_case_body(method)).get_json()
    case = _step(client, case, "complete", at="2026-11-05").get_json()
    case = _step(client, case, "price_checked", at="2026-11-06", cost_per_month_nok=1,
                 price_basis="maximum_price").get_json()
    refused = _step(client, case, "scheduled", at="2026-11-21",
                    meeting_id=committee["meeting"]["id"])
    assert refused.status_code == 409
    assert "extra meeting" in refused.get_json()["message"]


@pytest.mark.parametrize(("outcome", "rule"), [
    (None, "access_scheme_under_assessment"),
    ("introduced", "access_scheme_introduced"),
    ("temporarily_introduced", "access_scheme_introduced"),
])
def test_tilgangsordningen_is_only_for_methods_not_introduced(client, outcome, rule):
    method = method_with(client, outcome)
    response = client.post("/api/v1/access-cases/access-scheme", json=access_case_body(method))
    assert response.status_code == 422
    assert response.get_json()["details"][0]["rule"] == rule
    assert "002 L17–18" in response.get_json()["message"]
    assert client.get("/api/v1/access-cases").get_json()["total"] == 0


def test_a_question_for_a_group_is_outside_the_mandate(client):
    method = method_with(client, "not_introduced")
    body = access_case_body(method)
    body["application"]["concerns_group"] = True
    response = client.post("/api/v1/access-cases/access-scheme", json=body)
    assert response.status_code == 422
    detail = response.get_json()["details"][0]
    assert detail["rule"] == "group_outside_mandate"
    assert detail["field"] == "application.concerns_group"
    assert "subgroup assessment" in response.get_json()["message"]


def test_reference_and_birth_year_are_checked(client):
    method = method_with(client, "not_introduced")
    body = access_case_body(method, reference="Kari Nordmann")
    body["application"]["birth_year"] = 74
    response = client.post("/api/v1/access-cases/access-scheme", json=body)
    assert response.status_code == 422
    fields = {d["field"] for d in response.get_json()["details"]}
    assert fields == {"reference", "application.birth_year"}
