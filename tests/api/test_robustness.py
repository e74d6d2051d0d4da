"""Whatever a client sends, the answer is a 4xx with the error shape, never a 500."""

from __future__ import annotations

import pytest

from tests.factories import create_temporary_introduction

GARBAGE = [
    None,
    [],
    "text",
    17,
    {"": None},
    {"nye_metoder_id": {"$gt": ""}},
    [{"a": 1}],
    {"decision_id": "1; DROP TABLE method"},
    {"type": None},
    {"method_id": -1},
    {"method_id": 10**30},
]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/methods",
        "/api/v1/decisions",
        "/api/v1/introductions",
        "/api/v1/data-sources",
        "/api/v1/agreements",
    ],
)
def test_garbage_bodies_get_422(client, path):
    for body in GARBAGE:
        response = client.post(path, json=body)
        assert response.status_code == 422, (body, response.json)
        assert set(response.json) >= {"error", "message"}


def test_non_json_and_wrong_methods(client):
    response = client.post(
        "/api/v1/methods",
        data="nye_metoder_id=ID2020_001",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "body"
    broken = client.post("/api/v1/methods", data="{not json", content_type="application/json")
    assert broken.status_code == 422
    assert client.delete("/api/v1/methods").status_code == 405
    assert client.get("/api/v1/methods/abc").status_code == 404
    assert client.get("/api/v1/nothing-here").json["error"] == "not_found"


def test_garbage_updates_and_queries(client):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    for body in GARBAGE + [{"version": "one"}, {"status": "archived"}]:
        response = client.patch(url, json=body)
        assert response.status_code == 422, (body, response.json)
    for query in [
        "limit=-1",
        "limit=abc",
        "offset=-5",
        "sort=;drop",
        "status=x",
        "review_before=tomorrow",
        "method_id=0",
    ]:
        response = client.get(f"/api/v1/introductions?{query}")
        assert response.status_code == 422, query
    assert client.get(url).json == intro


def test_an_update_without_the_version_it_was_based_on_is_refused(client):
    intro = create_temporary_introduction(client)
    response = client.patch(f"/api/v1/introductions/{intro['id']}", json={"uncertainty": "Ny"})
    assert response.status_code == 422
    assert [d["field"] for d in response.json["details"]] == ["version"]
