"""The issue's settlement fixture, built through the API, for the page, export and
confidentiality tests (the arithmetic itself is tested in test_api.py)."""

from __future__ import annotations

from typing import Any

from tests.factories import create_temporary_introduction
from tests.feeds.helpers import upload
from tests.settlements.test_api import PATIENTS, TERMS, _extract

TOTAL = 240000  # 4 non-responders at 50 % of 120 000 NOK
# How the amounts may be written on a page or in a file (a confidentiality test's needles).
AMOUNTS = [form for n in (240000, 120000, 60000)
           for form in (str(n), f"{n}.0", f"{n:,}", f"{n:,}".replace(",", " "),
                        f"{n:,}".replace(",", "\u00a0"))]


def outcome_agreement(client: Any) -> dict[str, Any]:
    """A payment-by-result agreement on an introduction with the issue's 12 patients."""
    intro = create_temporary_introduction(client)
    response = client.post("/api/v1/agreements", json={
        "type": "payment_by_result", "method_id": intro["method_id"],
        "introduction_id": intro["id"], "start_date": "2026-01-01", "terms": TERMS})
    assert response.status_code == 201, response.get_json()
    delivered = upload(client, intro["id"], _extract(PATIENTS), data_cut="2026-06-30")
    assert delivered.status_code == 201, delivered.get_json()
    return {**response.get_json(), "intro": intro}


def settle(client: Any, agreement_id: int, start: str = "2026-04-01",
           as_of: str = "2026-07-01") -> dict[str, Any]:
    """Settle a period through the API."""
    response = client.post(f"/api/v1/agreements/{agreement_id}/settlements",
                           json={"period_start": start, "as_of": as_of})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def late_death(client: Any, agreement: dict[str, Any]) -> None:
    """A second delivery in which pending P09 died inside the window (an adjustment)."""
    later = [(*row[:3], "2026-04-15", "", "2026-04-15", "", "") if row[0] == "P09" else row
             for row in PATIENTS]
    delivered = upload(client, agreement["intro"]["id"], _extract(later), data_cut="2026-09-30")
    assert delivered.status_code == 201, delivered.get_json()
