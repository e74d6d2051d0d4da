"""Price agreements through the API: terms per type and visibility marking."""

from __future__ import annotations

import pytest

from tests.factories import MethodPayload, create_temporary_introduction, patch_current


@pytest.fixture
def method_id(client):
    return client.post("/api/v1/methods", json=MethodPayload()).json["id"]


def test_price_volume_agreement_round_trip_with_default_marking(client, method_id):
    payload = {
        "type": "price_volume",
        "method_id": method_id,
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "unit_price_nok": 48_500.0,
        "discount_percent": 22.5,
        "structure_description": "Pris-volumavtale med to trinn.",
        "terms": {
            "tiers": [
                {"min_patients": 0, "discount_percent": 20},
                {"min_patients": 150, "discount_percent": 30},
            ]
        },
    }
    created = client.post("/api/v1/agreements", json=payload)
    assert created.status_code == 201, created.json
    body = client.get(f"/api/v1/agreements/{created.json['id']}").json
    assert body["oecd_category"] == "financial"
    assert body["terms"]["tiers"][1] == {"min_patients": 150, "discount_percent": 30.0}
    assert body["visibility"]["unit_price_nok"] == "confidential"
    assert body["visibility"]["discount_percent"] == "confidential"
    assert body["visibility"]["terms"] == "confidential"
    assert body["visibility"]["structure_description"] == "public"
    assert body["visibility"]["type"] == "public"


def test_payment_by_result_is_performance_based_at_patient_level(client, method_id):
    created = client.post(
        "/api/v1/agreements",
        json={
            "type": "payment_by_result",
            "method_id": method_id,
            "start_date": "2025-01-01",
            "terms": {
                "refund_share_percent": 100,
                "evaluation_window_weeks": 12,
                "response_criterion": "Respons (CR/PR) ved uke 12",
            },
            "visibility": {"terms.evaluation_window_weeks": "public"},
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["oecd_category"] == "performance_based"
    assert created.json["oecd_level"] == "patient"
    assert created.json["visibility"]["terms.evaluation_window_weeks"] == "public"


@pytest.mark.parametrize(
    ("agreement", "field"),
    [
        ({"type": "price_volume", "terms": {"tiers": []}}, "terms.tiers"),
        (
            {
                "type": "price_volume",
                "terms": {
                    "tiers": [
                        {"min_patients": 50, "discount_percent": 10},
                        {"min_patients": 10, "discount_percent": 20},
                    ]
                },
            },
            "terms.tiers",
        ),
        (
            {
                "type": "payment_by_result",
                "terms": {
                    "refund_share_percent": 150,
                    "evaluation_window_weeks": 12,
                    "response_criterion": "x",
                },
            },
            "terms.refund_share_percent",
        ),
        ({"type": "cap", "terms": {}}, "terms.annual_cap_nok"),
        (
            {
                "type": "weighted_discount",
                "terms": {"weights": [{"indication": "a", "weight": 0.5, "discount_percent": 10}]},
            },
            "terms.weights",
        ),
        ({"type": "flat_discount", "discount_percent": 120}, "discount_percent"),
        ({"type": "flat_discount", "end_date": "2020-01-01"}, ""),
        ({"type": "flat_discount", "visibility": {"secret_sauce": "public"}}, "visibility"),
        ({"type": "barter"}, "type"),
    ],
)
def test_bad_agreements_name_the_field(client, method_id, agreement, field):
    payload = {"method_id": method_id, "start_date": "2025-01-01", **agreement}
    response = client.post("/api/v1/agreements", json=payload)
    assert response.status_code == 422, response.json
    fields = [d["field"] for d in response.json["details"]]
    assert any(f.startswith(field) for f in fields), fields
    assert client.get("/api/v1/agreements").json["total"] == 0


def test_agreement_must_belong_to_the_introductions_method(client):
    intro = create_temporary_introduction(client)
    other = client.post("/api/v1/methods", json=MethodPayload()).json
    response = client.post(
        "/api/v1/agreements",
        json={
            "type": "flat_discount",
            "method_id": other["id"],
            "introduction_id": intro["id"],
            "start_date": "2025-01-01",
        },
    )
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "introduction_id"


def test_update_checks_terms_against_the_type(client, method_id):
    created = client.post(
        "/api/v1/agreements",
        json={
            "type": "cap",
            "method_id": method_id,
            "start_date": "2025-01-01",
            "terms": {"annual_cap_nok": 1_000_000},
        },
    ).json
    url = f"/api/v1/agreements/{created['id']}"
    bad = patch_current(client, url, json={"terms": {"tiers": []}})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json["details"]} >= {"terms.annual_cap_nok", "terms.tiers"}
    good = patch_current(
        client,
        url,
        json={"terms": {"annual_cap_nok": 2_000_000}, "visibility": {"terms": "public"}},
    )
    assert good.json["terms"]["annual_cap_nok"] == 2_000_000
    assert good.json["visibility"]["terms"] == "public"
    assert good.json["visibility"]["unit_price_nok"] == "confidential"  # untouched marks stay


def test_list_filters_expiring_agreements(client, method_id):
    for start, end in [("2024-01-01", "2026-12-31"), ("2025-01-01", "2028-12-31")]:
        client.post(
            "/api/v1/agreements",
            json={
                "type": "flat_discount",
                "method_id": method_id,
                "start_date": start,
                "end_date": end,
            },
        )
    expiring = client.get("/api/v1/agreements?ending_before=2027-01-31").json
    assert [a["end_date"] for a in expiring["items"]] == ["2026-12-31"]


@pytest.mark.parametrize("field", ["end_date", "type", "status", "start_date"])
def test_the_agreements_form_and_structure_cannot_be_marked_confidential(
    client, method_id, field
):
    payload = {"method_id": method_id, "type": "flat_discount", "start_date": "2025-01-01",
               "end_date": "2027-12-31", "discount_percent": 20}
    marked = {**payload, "visibility": {field: "confidential"}}
    refused = client.post("/api/v1/agreements", json=marked)
    assert refused.status_code == 422, refused.json
    detail = refused.json["details"][0]
    assert detail["field"] == "visibility"
    assert f"{field} describe the agreement's form and structure" in detail["message"]
    assert client.get("/api/v1/agreements").json["total"] == 0

    created = client.post("/api/v1/agreements", json=payload).json
    url = f"/api/v1/agreements/{created['id']}"
    patched = patch_current(client, url, json={"visibility": {field: "confidential"}})
    assert patched.status_code == 422
    after = client.get(url).json
    assert after["visibility"][field] == "public" and after["version"] == created["version"]
    # Prices, discounts and terms can still be made public or kept confidential.
    assert patch_current(client, url, json={"visibility": {"list_price_nok": "confidential"}}
                         ).status_code == 200
