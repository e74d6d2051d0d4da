"""The method catalogue through the API."""

from __future__ import annotations

import pytest

from tests.factories import DecisionPayload, MethodPayload, patch_current


def test_method_is_created_read_and_listed(client):
    created = client.post(
        "/api/v1/methods",
        json=MethodPayload(
            nye_metoder_id="ID2019_074A", indications=["Lungekreft", "Melanom"], orphan=True
        ),
    )
    assert created.status_code == 201, created.json
    read = client.get(f"/api/v1/methods/{created.json['id']}").json
    assert read["nye_metoder_id"] == "ID2019_074A"
    assert read["indications"] == ["Lungekreft", "Melanom"]
    assert read["orphan"] is True and read["decisions"] == []
    assert client.get("/api/v1/methods?orphan=true").json["total"] == 1
    assert client.get("/api/v1/methods?orphan=false").json["total"] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nye_metoder_id", "ID19_074"),
        ("nye_metoder_id", "ID2019_0745"),
        ("nye_metoder_id", "2019_074"),
        ("active_substance", ""),
        ("method_type", "vaccine"),
        ("ma_status", "pending"),
        ("indications", ["Lungekreft", "Lungekreft"]),
        ("indications", [" "]),
        ("orphan", "maybe"),
    ],
)
def test_bad_method_fields_are_named(client, field, value):
    response = client.post("/api/v1/methods", json=MethodPayload(**{field: value}))
    assert response.status_code == 422
    assert [d["field"] for d in response.json["details"]] == [field]
    assert client.get("/api/v1/methods").json["total"] == 0


def test_duplicate_nye_metoder_id_conflicts(client):
    assert (
        client.post("/api/v1/methods", json=MethodPayload(nye_metoder_id="ID2020_001")).status_code
        == 201
    )
    again = client.post("/api/v1/methods", json=MethodPayload(nye_metoder_id="ID2020_001"))
    assert again.status_code == 409
    assert "ID2020_001" in again.json["message"]


def test_update_refuses_null_for_required_fields_and_keeps_the_value(client):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    response = patch_current(
        client, f"/api/v1/methods/{method['id']}", json={"active_substance": None}
    )
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "active_substance"
    changed = patch_current(
        client,
        f"/api/v1/methods/{method['id']}",
        json={"trade_name": "Nytt navn", "version": method["version"]},
    )
    assert changed.json["trade_name"] == "Nytt navn"
    assert changed.json["version"] == method["version"] + 1
    assert (
        client.get(f"/api/v1/methods/{method['id']}").json["active_substance"]
        == (method["active_substance"])
    )


def test_method_shows_its_decision_history_oldest_first(client):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    client.post(
        "/api/v1/decisions",
        json=DecisionPayload(
            method_id=method["id"],
            decision_date="2023-05-22",
            outcome="not_introduced",
            effective_date=None,
        ),
    )
    client.post(
        "/api/v1/decisions",
        json=DecisionPayload(method_id=method["id"], decision_date="2024-03-18"),
    )
    history = client.get(f"/api/v1/methods/{method['id']}").json["decisions"]
    assert [(d["decision_date"], d["outcome"]) for d in history] == [
        ("2023-05-22", "not_introduced"),
        ("2024-03-18", "temporarily_introduced"),
    ]


def test_search_and_sort(client):
    for n, substance in enumerate(["pembrolizumab", "nusinersen", "osimertinib"]):
        client.post(
            "/api/v1/methods",
            json=MethodPayload(nye_metoder_id=f"ID2021_00{n}", active_substance=substance),
        )
    found = client.get("/api/v1/methods?q=NUSIN").json
    assert [m["active_substance"] for m in found["items"]] == ["nusinersen"]
    ordered = client.get("/api/v1/methods?sort=-active_substance").json
    assert [m["active_substance"] for m in ordered["items"]] == [
        "pembrolizumab",
        "osimertinib",
        "nusinersen",
    ]
    page = client.get("/api/v1/methods?sort=active_substance&limit=1&offset=1").json
    assert page["total"] == 3 and page["items"][0]["active_substance"] == "osimertinib"
