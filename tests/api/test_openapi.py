"""The OpenAPI document is valid and describes what the API really returns."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.api.schema_check import OpenApiChecker
from tests.factories import create_temporary_introduction


def test_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.1")
    # Every resource the issue names has list, create, read and update operations.
    items = {"methods": "method_id", "decisions": "decision_id",
             "introductions": "introduction_id", "data-sources": "source_id",
             "agreements": "agreement_id"}
    for collection, key in items.items():
        assert {"get", "post"} <= set(document["paths"][f"/api/v1/{collection}"])
        assert {"get", "patch"} <= set(document["paths"][f"/api/v1/{collection}/{{{key}}}"])


def test_responses_match_the_document(client):
    checker = OpenApiChecker(client.get("/api/v1/openapi.json").json)
    intro = create_temporary_introduction(client)
    checker.check(
        "/api/v1/introductions/{introduction_id}",
        "get",
        200,
        client.get(f"/api/v1/introductions/{intro['id']}").json,
    )
    checker.check("/api/v1/introductions", "get", 200, client.get("/api/v1/introductions").json)
    checker.check(
        "/api/v1/methods/{method_id}",
        "get",
        200,
        client.get(f"/api/v1/methods/{intro['method_id']}").json,
    )
    checker.check("/api/v1/decisions", "get", 200, client.get("/api/v1/decisions").json)
    checker.check("/api/v1/data-sources", "get", 200, client.get("/api/v1/data-sources").json)
    created = client.post(
        "/api/v1/agreements",
        json={
            "type": "cap",
            "method_id": intro["method_id"],
            "start_date": "2025-01-01",
            "terms": {"annual_cap_nok": 2_000_000},
        },
    )
    checker.check("/api/v1/agreements", "post", 201, created.json)
    checker.check("/api/v1/agreements", "get", 200, client.get("/api/v1/agreements").json)
    bad = client.post("/api/v1/methods", json={"nye_metoder_id": "nope"})
    checker.check("/api/v1/methods", "post", 422, bad.json)
    missing = client.get("/api/v1/methods/999999")
    checker.check("/api/v1/methods/{method_id}", "get", 404, missing.json)
    checker.check("/api/v1/health", "get", 200, client.get("/api/v1/health").json)


def test_browsable_api_page_is_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "swagger-ui-bundle.js" in html and "https://" not in html
    for url in ("/api/v1/docs/static/swagger-ui-bundle.js", "/static/api_docs.js"):
        asset = client.get(url)
        try:
            assert asset.status_code == 200
            assert b"SwaggerUIBundle" in asset.data
        finally:
            asset.close()


def test_health_reports_the_schema_revision(client, backend):
    body = client.get("/api/v1/health").json
    assert body["status"] == "ok"
    assert body["dialect"] == backend
    assert body["schema_revision"]
