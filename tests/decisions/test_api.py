"""Beslutningsforum decisions through the API."""

from __future__ import annotations

from tests.factories import DecisionPayload, MethodPayload, patch_current


def test_decision_for_unknown_method_names_method_id(client):
    response = client.post("/api/v1/decisions", json=DecisionPayload(method_id=4711))
    assert response.status_code == 422
    assert response.json["details"] == [
        {"field": "method_id", "message": "no method with id 4711; create the method first"}
    ]


def test_decision_cannot_apply_before_it_is_made(client):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    response = client.post(
        "/api/v1/decisions",
        json=DecisionPayload(
            method_id=method["id"], decision_date="2024-03-18", effective_date="2024-01-01"
        ),
    )
    assert response.status_code == 422
    assert "effective_date" in response.json["details"][0]["message"]


def test_unknown_outcome_is_refused(client):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    response = client.post(
        "/api/v1/decisions", json=DecisionPayload(method_id=method["id"], outcome="maybe")
    )
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "outcome"


def test_decisions_are_filtered_by_outcome_and_period(client):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    for date, outcome in [
        ("2020-01-20", "not_introduced"),
        ("2022-06-13", "introduced"),
        ("2024-03-18", "temporarily_introduced"),
    ]:
        assert (
            client.post(
                "/api/v1/decisions",
                json=DecisionPayload(
                    method_id=method["id"], decision_date=date, outcome=outcome, effective_date=None
                ),
            ).status_code
            == 201
        )
    temp = client.get("/api/v1/decisions?outcome=temporarily_introduced").json
    assert [d["decision_date"] for d in temp["items"]] == ["2024-03-18"]
    period = client.get("/api/v1/decisions?decided_from=2021-01-01&decided_to=2023-12-31").json
    assert [d["outcome"] for d in period["items"]] == ["introduced"]
    newest_first = client.get("/api/v1/decisions").json["items"]
    assert [d["decision_date"] for d in newest_first] == ["2024-03-18", "2022-06-13", "2020-01-20"]
    assert newest_first[0]["nye_metoder_id"] == method["nye_metoder_id"]


def test_decision_can_be_corrected(client):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    decision = client.post("/api/v1/decisions", json=DecisionPayload(method_id=method["id"])).json
    fixed = patch_current(
        client,
        f"/api/v1/decisions/{decision['id']}",
        json={"decision_text": "Rettet tekst", "version": decision["version"]},
    )
    assert fixed.status_code == 200 and fixed.json["decision_text"] == "Rettet tekst"
    before = patch_current(
        client, f"/api/v1/decisions/{decision['id']}", json={"effective_date": "2020-01-01"}
    )
    assert before.status_code == 422
    assert client.get(f"/api/v1/decisions/{decision['id']}").json["effective_date"] == "2024-04-01"
