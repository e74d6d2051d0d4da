"""A cost per QALY computed with the confidential price is as confidential as the price."""

from __future__ import annotations

from typing import Any

import pytest

from dashboards.access import viewer_for
from dashboards.pages.introduction import assumptions_block
from tests.factories import create_temporary_introduction, patch_current
from tracker.introductions import service
from tracker.introductions.models import TemporaryIntroduction

COST = {"value": 850000, "low": 600000, "high": 1400000}
SEE_PRICES = {"procurement", "forum", "admin"}


def _text(component: Any) -> str:
    """All the text of a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    children = getattr(component, "children", None)
    return _text(children) if children is not None else ""


@pytest.mark.parametrize("role", ["public", "clinician", "secretariat", *sorted(SEE_PRICES)])
def test_only_price_roles_read_a_cost_computed_with_the_confidential_price(
    client, anonymous, as_user, role
):
    intro = create_temporary_introduction(
        client, assumptions={"cost_per_qaly": {**COST, "price_basis": "confidential_price"}}
    )
    url = f"/api/v1/introductions/{intro['id']}"
    reader = anonymous if role == "public" else client
    headers = {} if role == "public" else as_user(f"{role}-reader", role)
    read = reader.get(url, headers=headers)
    assert read.status_code == 200
    cost = read.json["assumptions"]["cost_per_qaly"]
    if role in SEE_PRICES:
        assert cost == {**COST, "price_basis": "confidential_price"}
        assert read.json["withheld_fields"] == []
    else:
        assert cost is None
        assert read.json["withheld_fields"] == ["assumptions.cost_per_qaly"]
        assert "850000" not in read.get_data(as_text=True)


def test_a_cost_without_a_basis_is_taken_as_confidential(client, anonymous):
    intro = create_temporary_introduction(client, assumptions={"cost_per_qaly": COST})
    read = anonymous.get(f"/api/v1/introductions/{intro['id']}").json
    assert read["assumptions"]["cost_per_qaly"] is None
    assert read["withheld_fields"] == ["assumptions.cost_per_qaly"]


def test_a_cost_at_list_price_is_public_and_a_change_of_basis_is_followed(client, anonymous):
    intro = create_temporary_introduction(
        client, assumptions={"cost_per_qaly": {**COST, "price_basis": "list_price"}}
    )
    url = f"/api/v1/introductions/{intro['id']}"
    public = anonymous.get(url).json
    assert public["assumptions"]["cost_per_qaly"] == {**COST, "price_basis": "list_price"}
    assert public["withheld_fields"] == []

    # Recomputed with the agreed price: from now on the public no longer sees it.
    changed = patch_current(
        client, url, {"cost_per_qaly": {"value": 610000, "price_basis": "confidential_price"}}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["assumptions"]["cost_per_qaly"]["value"] == 610000
    public = anonymous.get(url).json
    assert public["assumptions"]["cost_per_qaly"] is None
    assert "610000" not in anonymous.get(url).get_data(as_text=True)


def test_the_audit_trail_withholds_the_cost_from_the_secretariat(client, as_user):
    intro = create_temporary_introduction(
        client, assumptions={"cost_per_qaly": {**COST, "price_basis": "list_price"}}
    )
    url = f"/api/v1/introductions/{intro['id']}"
    patch_current(client, url, {"cost_per_qaly": {"value": 610000}})
    trail_url = f"/api/v1/audit/introductions/{intro['id']}"

    secretariat = client.get(trail_url, headers=as_user("kari", "secretariat")).json
    assert {"cost_per_qaly", "cost_per_qaly_low", "cost_per_qaly_high"} <= set(
        secretariat["withheld_fields"]
    )
    changed = [e["changes"] for e in secretariat["events"]]
    assert all("cost_per_qaly" not in c for c in changed)
    # Even the list-price figure of the first version: the trail cannot tell which were public.
    assert "850000" not in str(secretariat) and "610000" not in str(secretariat)
    assert any("cost_per_qaly_basis" in c for c in changed)

    procurement = client.get(trail_url, headers=as_user("per", "procurement")).json
    values = [e["changes"].get("cost_per_qaly") for e in procurement["events"]]
    assert [None, 850000.0] in values and [850000.0, 610000.0] in values


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        ("public", "Unntatt offentlighet: beregnet med konfidensiell pris", "850"),
        ("clinician", "Unntatt offentlighet: beregnet med konfidensiell pris", "850"),
        ("procurement", "850\u00a0000 (600\u00a0000–1\u00a0400\u00a0000), med avtalt pris", None),
    ],
)
def test_the_introduction_page_says_the_cost_is_withheld(
    client, session, role, expected, absent
):
    intro = create_temporary_introduction(client, assumptions={"cost_per_qaly": COST})
    viewer = viewer_for(None if role == "public" else role)
    row = session.get(TemporaryIntroduction, intro["id"])
    read = service.read(
        session=session, intro=row, confidential=viewer.can_see_confidential_prices
    )
    text = _text(assumptions_block(read, "nb"))
    assert expected in text
    if absent:
        assert absent not in text
