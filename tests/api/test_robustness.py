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


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decision_date", 0),  # was stored as 1970-01-01
        ("decision_date", 1_700_000_000),
        ("decision_date", "20240318"),
        ("effective_date", 1.5),
        ("method_id", "1"),  # a number sent as text
        ("method_id", True),
        ("decision_text", 17),
    ],
)
def test_a_body_that_breaks_the_schema_is_refused_and_nothing_stored(client, field, value):
    from tests.factories import DecisionPayload, MethodPayload

    method = client.post("/api/v1/methods", json=MethodPayload()).json
    payload = {**DecisionPayload(method_id=method["id"]), field: value}
    response = client.post("/api/v1/decisions", json=payload)
    assert response.status_code == 422, response.json
    assert [d["field"] for d in response.json["details"]] == [field]
    assert client.get("/api/v1/decisions").json["total"] == 0


def test_an_update_with_a_version_sent_as_text_is_refused(client):
    from tests.factories import MethodPayload

    method = client.post("/api/v1/methods", json=MethodPayload()).json
    response = client.patch(f"/api/v1/methods/{method['id']}",
                            json={"version": str(method["version"]), "trade_name": "Nytt navn"})
    assert response.status_code == 422
    assert client.get(f"/api/v1/methods/{method['id']}").json["trade_name"] == "Testora"


def test_an_empty_source_is_an_unknown_source_not_the_default(client):
    intro = create_temporary_introduction(client)
    base = f"/api/v1/introductions/{intro['id']}"
    for url in (f"{base}/outcomes?endpoint=OS&source=",
                f"{base}/outcomes/breakdown?endpoint=OS&by=region&source=",
                f"{base}/feeds?source="):
        response = client.get(url)
        assert response.status_code == 422, url
        assert [d["field"] for d in response.json["details"]] == ["source"], url


def test_a_wrong_method_names_the_allowed_ones(client):
    response = client.delete("/api/v1/methods")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.json["error"] == "method_not_allowed"
