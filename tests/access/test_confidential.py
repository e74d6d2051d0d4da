"""Confidential agreement fields never reach a role that may not see them."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.access.conftest import auth
from tests.factories import create_temporary_introduction, patch_current

UNIT_PRICE, DISCOUNT, TIER_DISCOUNT = 48513.37, 27.35, 31.7
SECRETS = ["48513", "27.35", "31.7"]
MAY_SEE = {"procurement", "forum", "admin"}


@pytest.fixture
def agreement(client):
    intro = create_temporary_introduction(client)
    created = client.post(
        "/api/v1/agreements",
        json={
            "type": "price_volume",
            "method_id": intro["method_id"],
            "introduction_id": intro["id"],
            "start_date": "2025-01-01",
            "end_date": "2026-12-31",
            "status": "active",
            "unit_price_nok": UNIT_PRICE,
            "discount_percent": DISCOUNT,
            "structure_description": "Pris-volumavtale i to trinn.",
            "terms": {
                "tiers": [
                    {"min_patients": 0, "discount_percent": 20},
                    {"min_patients": 80, "discount_percent": TIER_DISCOUNT},
                ]
            },
        },
    )
    assert created.status_code == 201, created.json
    patch_current(
        client, f"/api/v1/agreements/{created.json['id']}", json={"unit_price_nok": UNIT_PRICE}
    )
    return created.json


def _texts(client, headers, agreement_id):
    """Everything a user can fetch about the agreement, as text."""
    yield "list", client.get("/api/v1/agreements", headers=headers).get_data(as_text=True)
    yield (
        "detail",
        client.get(f"/api/v1/agreements/{agreement_id}", headers=headers).get_data(as_text=True),
    )
    for url in (
        "/api/v1/audit/agreements/{id}",
        "/api/v1/deadlines",
        "/api/v1/deadlines.csv",
        "/api/v1/calendar.ics",
    ):
        response = client.get(url.format(id=agreement_id), headers=headers)
        if response.status_code == 200:
            yield url, response.get_data(as_text=True)
    xlsx = client.get("/api/v1/deadlines.xlsx", headers=headers)
    if xlsx.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
            yield "xlsx", " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())


@pytest.mark.parametrize("role", ["public", "secretariat", "clinician", "procurement", "forum"])
def test_confidential_fields_only_for_roles_allowed(app, agreement, tokens, role):
    anonymous = app.test_client()
    headers = auth(tokens.get(role))
    seen = dict(_texts(anonymous, headers, agreement["id"]))
    assert "list" in seen and "detail" in seen
    for name, text in seen.items():
        present = [s for s in SECRETS if s in text]
        if role in MAY_SEE:
            continue
        assert not present, f"{role} saw {present} in {name}"
    detail = anonymous.get(f"/api/v1/agreements/{agreement['id']}", headers=headers).json
    if role in MAY_SEE:
        assert detail["unit_price_nok"] == UNIT_PRICE
        assert detail["terms"]["tiers"][1]["discount_percent"] == TIER_DISCOUNT
        assert detail["withheld_fields"] == []
    else:
        # Absent, not blanked: the key is not there at all.
        assert "unit_price_nok" not in detail and "discount_percent" not in detail
        assert "terms" not in detail
        assert set(detail["withheld_fields"]) >= {"unit_price_nok", "discount_percent", "terms"}
        assert detail["structure_description"] == "Pris-volumavtale i to trinn."


def test_a_term_marked_public_is_shown_alone(app, agreement, client):
    patch_current(
        client,
        f"/api/v1/agreements/{agreement['id']}",
        json={"visibility": {"terms.year_start_month": "public"}},
    )
    public = app.test_client().get(f"/api/v1/agreements/{agreement['id']}").json
    assert public["terms"] == {"year_start_month": 1}


def test_audit_trail_shows_the_full_history(client, agreement):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    version = intro["version"]
    for text in ("Første revisjon", "Andre revisjon", "Tredje revisjon"):
        response = client.patch(url, json={"uncertainty": text, "version": version})
        assert response.status_code == 200
        version = response.json["version"]
    trail = client.get(f"/api/v1/audit/introductions/{intro['id']}").json["events"]
    assert [e["action"] for e in trail] == ["create", "update", "update", "update"]
    assert [e["changes"]["uncertainty"][1] for e in trail[1:]] == [
        "Første revisjon",
        "Andre revisjon",
        "Tredje revisjon",
    ]
    assert trail[2]["changes"]["uncertainty"][0] == "Første revisjon"
    assert all(e["actor"] == "test-admin" and e["interface"] == "api" for e in trail)
    stale = client.patch(url, json={"uncertainty": "Gammelt utkast", "version": intro["version"]})
    assert stale.status_code == 409
    assert len(client.get(f"/api/v1/audit/introductions/{intro['id']}").json["events"]) == 4


def test_the_audit_trail_cannot_be_changed(app, client, agreement):
    from sqlalchemy import text

    engine = app.extensions["tracker_engine"]
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))


def test_prices_recorded_while_confidential_stay_withheld_after_the_mark_is_lifted(
    app, agreement, tokens
):
    url = f"/api/v1/agreements/{agreement['id']}"
    procurement = auth(tokens["procurement"])
    earlier = 47211.5
    anonymous = app.test_client()
    assert patch_current(anonymous, url, {"unit_price_nok": earlier}, headers=procurement
                         ).status_code == 200
    assert patch_current(anonymous, url, {"unit_price_nok": 49990.0}, headers=procurement
                         ).status_code == 200
    lifted = patch_current(anonymous, url, {"visibility": {"unit_price_nok": "public"}},
                           headers=procurement)
    assert lifted.status_code == 200, lifted.json
    assert patch_current(anonymous, url, {"unit_price_nok": 51250.0}, headers=procurement
                         ).status_code == 200

    trail = anonymous.get(f"/api/v1/audit/agreements/{agreement['id']}",
                          headers=auth(tokens["secretariat"]))
    assert trail.status_code == 200
    text = trail.get_data(as_text=True)
    for confidential in ("48513", "47211", "49990"):  # each recorded while marked confidential
        assert confidential not in text, confidential
    changes = [e["changes"].get("unit_price_nok") for e in trail.json["events"]]
    assert [49990.0, 51250.0] not in changes  # 49990 was recorded confidential: left out whole
    assert "unit_price_nok" in trail.json["withheld_fields"]
    # The price set after the mark was lifted is public, on the record and in the trail.
    assert anonymous.get(url).json["unit_price_nok"] == 51250.0
    everyone = anonymous.get(f"/api/v1/audit/agreements/{agreement['id']}",
                             headers=auth(tokens["procurement"])).get_data(as_text=True)
    assert "47211" in everyone and "49990" in everyone
