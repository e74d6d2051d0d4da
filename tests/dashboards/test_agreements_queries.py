"""The agreements page costs a fixed number of queries, however many agreements there are.

Each agreement here is linked to an introduction with a registry delivery, so its card draws
patients started per year against its tiers, and has an open expiry flag: the page must still
read all of it with the same statements for 20 agreements as for 2 (issue #13). Counted on the
app's engine while the Dash callback answers through the Flask test client, with the kept
answers off so that every page is drawn, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import make_settings
from tests.dashboards.test_queries import count
from tests.dashboards.test_routes import render
from tests.factories import create_temporary_introduction
from tests.feeds.helpers import csv_bytes, rows, upload
from tracker.agreements import service as agreements_service
from tracker.timeutil import today


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Any:
    """The test's settings with kept answers off: every request draws its page."""
    return make_settings(database_url, tmp_path, answer_cache_entries=0)


def add_agreements(client: Any, n: int) -> list[int]:
    """`n` price–volume agreements, each on an introduction with one delivery of 5 patients,
    each ending soon (an expiry flag), then the flags swept."""
    ids = []
    for _ in range(n):
        intro = create_temporary_introduction(client)
        assert upload(client, intro["id"], csv_bytes(rows())).status_code == 201
        response = client.post("/api/v1/agreements", json={
            "type": "price_volume", "method_id": intro["method_id"],
            "introduction_id": intro["id"], "start_date": "2024-01-01",
            "end_date": (today() + timedelta(days=30)).isoformat(),
            "unit_price_nok": 5000, "discount_percent": 12,
            "terms": {"tiers": [{"min_patients": 0, "discount_percent": 10},
                                {"min_patients": 3, "discount_percent": 20}]},
        })
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    assert client.post("/api/v1/flags/sweep", json={}).status_code == 200
    return ids


def procurement_client(app: Any, as_user: Any) -> Any:
    viewer = app.test_client()
    viewer.environ_base["HTTP_AUTHORIZATION"] = as_user("inkjop", "procurement")["Authorization"]
    return viewer


def costs(app: Any, viewers: dict[str, Any]) -> dict[str, int]:
    return {
        f"agreements page ({who})": count(app, lambda c=viewer: render(c, "/dashboards/avtaler"))
        for who, viewer in viewers.items()
    }


def test_the_agreements_page_costs_the_same_for_20_agreements_as_for_2(
    app: Any, client: Any, anonymous: Any, as_user: Any
) -> None:
    viewers = {"admin": client, "procurement": procurement_client(app, as_user),
               "public": anonymous}
    first = add_agreements(client, 2)
    page = render(viewers["procurement"], "/dashboards/avtaler")
    assert f"agreement-{first[0]}" in page and "Prisavtale utløper" in page
    assert "Pasienter startet per år mot volumtrinn" in page
    with_2 = costs(app, viewers)

    add_agreements(client, 18)
    page = render(viewers["procurement"], "/dashboards/avtaler")
    assert page.count('"card agreement"') == 20
    with_20 = costs(app, viewers)

    assert with_20 == with_2
    assert max(with_20.values()) <= 15, with_20


def test_patients_are_counted_per_year_of_the_agreement_up_to_the_data_cut(
    client: Any, session: Any
) -> None:
    intro = create_temporary_introduction(client)
    # Starts 2024-04-01, 04-02, 05-01, 06-01 and 2025-01-15; the data cut is 2025-12-31.
    assert upload(client, intro["id"], csv_bytes(rows())).status_code == 201
    body = {"type": "price_volume", "method_id": intro["method_id"],
            "introduction_id": intro["id"],
            "terms": {"tiers": [{"min_patients": 0, "discount_percent": 10}]}}
    whole = client.post("/api/v1/agreements", json={
        **body, "start_date": "2024-01-01", "end_date": "2027-12-31"}).get_json()
    # Starting mid-May 2024: the April starts fall before it.
    late = client.post("/api/v1/agreements", json={
        **body, "start_date": "2024-05-01", "end_date": "2024-12-31"}).get_json()
    loose = client.post("/api/v1/agreements", json={
        "type": "flat_discount", "method_id": intro["method_id"],
        "start_date": "2024-01-01"}).get_json()
    found = agreements_service.volumes(
        session=session, agreement_ids=[whole["id"], late["id"], loose["id"]],
        as_of=date(2026, 6, 30))
    assert found[whole["id"]].per_year == [(2024, 4), (2025, 1)]
    assert found[whole["id"]].data_cut == date(2025, 12, 31)
    assert found[whole["id"]].expected_per_year == 120
    assert found[late["id"]].per_year == [(2024, 2)]
    assert loose["id"] not in found  # no introduction: no registry patients to count
    # Seen on a day before the data cut, the count stops at that day.
    early = agreements_service.volumes(session=session, agreement_ids=[whole["id"]],
                                       as_of=date(2024, 12, 31))
    assert early[whole["id"]].per_year == [(2024, 4)]
