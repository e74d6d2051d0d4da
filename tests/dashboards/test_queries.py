"""The overview, the introduction list and the introduction page cost a fixed number of queries.

However many introductions (or milestones and flags on one introduction) there are, a page
reads them with the same number of SQL statements: no query per row. Counted on the app's
engine while the Dash callbacks and the API answer through the Flask test client, on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.dashboards.test_routes import render
from tests.factories import DecisionPayload, MethodPayload, introduction_payload
from tracker.apispec import parse_model
from tracker.auth import SYSTEM, acting_as
from tracker.db import session_scope
from tracker.decisions import service as decisions_service
from tracker.decisions.models import DecisionCreate
from tracker.flags import service as flags_service
from tracker.introductions import service as introductions_service
from tracker.introductions.schemas import IntroductionCreate
from tracker.methods import service as methods_service
from tracker.methods.models import MethodCreate
from tracker.seeding import SEEDERS
from tracker.timeutil import today


@contextmanager
def statements(app: Any) -> Iterator[list[str]]:
    """Collect the SQL statements run on the app's engine inside the block."""
    engine = app.extensions["tracker_engine"]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def count(app: Any, call: Callable[[], Any]) -> int:
    with statements(app) as seen:
        call()
    return len(seen)


def milestones(n: int) -> list[dict[str, Any]]:
    """`n` milestones a month apart, the first ones overdue (each opens a delivery flag)."""
    first = today() - timedelta(days=30 * (n // 2))
    return [
        {
            "data_source": "INSPIRE",
            "description": f"Uttrekk {i + 1}",
            "expected_date": (first + timedelta(days=30 * i)).isoformat(),
            "data_cut": (first + timedelta(days=30 * i - 60)).isoformat(),
            "responsible_party": "Kreftregisteret",
        }
        for i in range(n)
    ]


def add_introductions(app: Any, n: int, *, milestone_count: int = 2) -> list[int]:
    """Add `n` temporary introductions through the services, then sweep the flags."""
    ids = []
    with acting_as(SYSTEM), session_scope(app.extensions["tracker_engine"]) as session:
        SEEDERS["reference"](session)
        for _ in range(n):
            method = methods_service.create(
                session=session, data=parse_model(MethodCreate, MethodPayload(), where="method")
            )
            decision = decisions_service.create(
                session=session,
                data=parse_model(DecisionCreate, DecisionPayload(method_id=method.id),
                                 where="decision"),
            )
            # A review date soon, so that every introduction has a review flag too.
            payload = introduction_payload(
                decision.id, milestones=milestones(milestone_count),
                review_date=(today() + timedelta(days=20)).isoformat(),
            )
            intro = introductions_service.create(
                session=session, data=parse_model(IntroductionCreate, payload,
                                                  where="introduction"),
                actor="test",
            )
            assert intro.id is not None
            ids.append(intro.id)
        flags_service.sweep(session=session, as_of=today(),
                            settings=app.extensions["tracker_settings"])
    return ids


def filter_overview(client: Any, status: str | None, region: str | None = None) -> str:
    """Fire the overview's filter callback as the browser does when a filter changes."""
    body = {
        "output": "..overview-table-wrap.children...timeline-figure.figure..."
                  "overview-count.children..",
        "outputs": [
            {"id": "overview-table-wrap", "property": "children"},
            {"id": "timeline-figure", "property": "figure"},
            {"id": "overview-count", "property": "children"},
        ],
        "inputs": [
            {"id": "filter-area", "property": "value", "value": None},
            {"id": "filter-status", "property": "value", "value": status},
            {"id": "filter-region", "property": "value", "value": region},
        ],
        "changedPropIds": ["filter-region.value" if region else "filter-status.value"],
        "state": [{"id": "overview-ctx", "property": "data", "value": {"lang": "en"}}],
    }
    response = client.post("/dashboards/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.json, ensure_ascii=False)


def list_introductions(client: Any) -> dict[str, Any]:
    response = client.get("/api/v1/introductions?limit=500")
    assert response.status_code == 200, response.json
    return dict(response.json)


def costs(app: Any, client: Any, public: Any) -> dict[str, int]:
    """Statements per page or callback, as an administrator and as the public."""
    found = {}
    for who, browser in (("admin", client), ("public", public)):
        found[f"overview page ({who})"] = count(app, lambda b=browser: render(b, "/dashboards/"))
        found[f"overview filter ({who})"] = count(
            app, lambda b=browser: filter_overview(b, "active")
        )
        found[f"overview region filter ({who})"] = count(
            app, lambda b=browser: filter_overview(b, None, "Helse Vest")
        )
    found["GET /api/v1/introductions"] = count(app, lambda: list_introductions(client))
    return found


def test_the_overview_and_the_list_cost_the_same_for_200_introductions_as_for_10(
    app: Any, client: Any, anonymous: Any
) -> None:
    add_introductions(app, 10)
    assert list_introductions(client)["total"] == 10
    # Warm up once: the first request of an app loads what every later one reuses.
    filter_overview(client, None)
    with_10 = costs(app, client, anonymous)

    add_introductions(app, 190)
    assert list_introductions(client)["total"] == 200
    assert "200 of 200" in filter_overview(client, None)
    with_200 = costs(app, client, anonymous)

    assert with_200 == with_10
    # Bounded, not merely equal: a handful of queries per page, whatever the data.
    assert max(with_200.values()) <= 25, with_200


def test_the_introduction_page_costs_the_same_with_20_milestones_as_with_1(
    app: Any, client: Any, anonymous: Any
) -> None:
    small, = add_introductions(app, 1, milestone_count=1)
    large, = add_introductions(app, 1, milestone_count=20)
    shown = render(client, f"/dashboards/introduksjon/{large}")
    assert shown.count("Uttrekk ") >= 20 and "Uttrekk 20" in shown
    render(client, f"/dashboards/introduksjon/{small}")  # warm up

    def page_costs(intro_id: int) -> dict[str, int]:
        path = f"/dashboards/introduksjon/{intro_id}"
        return {
            "page (admin)": count(app, lambda: render(client, path)),
            "page (public)": count(app, lambda: render(anonymous, path)),
            "GET /api/v1/introductions/<id>": count(
                app, lambda: client.get(f"/api/v1/introductions/{intro_id}")
            ),
        }

    assert page_costs(large) == page_costs(small)
