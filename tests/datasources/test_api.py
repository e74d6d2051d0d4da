"""The data-source catalogue through the API."""

from __future__ import annotations

from tests.factories import data_source_payload, patch_current


def test_data_source_round_trip_and_duplicate_code(client):
    created = client.post("/api/v1/data-sources", json=data_source_payload("NPR"))
    assert created.status_code == 201
    assert client.get(f"/api/v1/data-sources/{created.json['id']}").json["code"] == "NPR"
    assert client.post("/api/v1/data-sources", json=data_source_payload("NPR")).status_code == 409


def test_code_must_be_capitals(client):
    response = client.post("/api/v1/data-sources", json=data_source_payload("npr"))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "code"


def test_filter_by_kind_and_update(client):
    client.post("/api/v1/data-sources", json=data_source_payload("NPR"))
    quality = client.post(
        "/api/v1/data-sources", json=data_source_payload("KVAL_LUNGE", kind="quality_registry")
    ).json
    listed = client.get("/api/v1/data-sources?kind=quality_registry").json
    assert [s["code"] for s in listed["items"]] == ["KVAL_LUNGE"]
    changed = patch_current(
        client, f"/api/v1/data-sources/{quality['id']}", json={"latency": "månedlig"}
    )
    assert changed.json["latency"] == "månedlig"
