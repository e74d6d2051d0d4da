"""The page callback answered without a browser, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest


def route(client: Any, path: str, search: str = "") -> dict[str, Any]:
    """Ask the Dash app for the page at `path` as the browser's router does; return its answer."""
    body = {
        "output": "..header.children...page.children...lang-store.data..",
        "outputs": [
            {"id": "header", "property": "children"},
            {"id": "page", "property": "children"},
            {"id": "lang-store", "property": "data"},
        ],
        "inputs": [
            {"id": "url", "property": "pathname", "value": path},
            {"id": "url", "property": "search", "value": search},
        ],
        "changedPropIds": ["url.pathname"],
        "state": [{"id": "lang-store", "property": "data", "value": None}],
    }
    response = client.post("/dashboards/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return dict(response.json)


def render(client: Any, path: str, search: str = "") -> str:
    """The whole answer for the page at `path` (header and page) as JSON text."""
    return json.dumps(route(client, path, search), ensure_ascii=False)


@pytest.fixture
def public(app: Any) -> Any:
    """A browser that has not logged in (the shared `client` fixture is an administrator)."""
    return app.test_client()


@pytest.fixture
def seeded(public: Any) -> Any:
    """The public's browser on the demo (`tracker seed demo`): the test's database is copied
    from one seeded so once per worker (tests/conftest.py)."""
    return public


def page_body(client: Any, path: str) -> str:
    """The page's own content, without the header (whose login link every visitor sees)."""
    return json.dumps(route(client, path)["response"]["page"], ensure_ascii=False)


@pytest.mark.parametrize(
    ("path", "public_sees"),
    [
        ("/dashboards/introduksjon/9999", "Siden finnes ikke."),
        ("/dashboards/revurdering/9999", "Logg inn for å se revurderingssaker."),
        ("/dashboards/ukjent", "Siden finnes ikke."),
    ],
)
def test_unknown_pages_say_so(public: Any, client: Any, path: str, public_sees: str) -> None:
    assert public_sees in page_body(public, path)
    # A logged-in user is told the page does not exist, whatever it is.
    seen = page_body(client, path)
    assert "Siden finnes ikke." in seen and "Logg inn" not in seen


def test_every_page_renders_from_the_services(seeded: Any) -> None:
    overview = render(seeded, "/dashboards/")
    assert "ID2021_901" in overview and "Midlertidige innføringer" in overview
    introduction = render(seeded, "/dashboards/introduksjon/1")
    assert "Fastsatt ved beslutningen" in introduction
    # The public gets the structure of the agreements, never the confidential price.
    agreements = render(seeded, "/dashboards/avtaler", "?lang=en")
    assert "Price agreements" in agreements and "Agreed price" not in agreements


def test_an_administrator_gets_the_confidential_price(seeded: Any, client: Any) -> None:
    agreements = render(client, "/dashboards/avtaler", "?lang=en")
    assert "Agreed price (NOK)" in agreements and "614,400" in agreements


def test_the_overview_names_each_data_source_not_its_code(seeded: Any) -> None:
    page = str(route(seeded, "/dashboards/")["response"]["page"])
    assert "Nasjonalt kvalitetsregister for barnekreft" in page
    assert "· KVAL_BARNEKREFT" not in page and "· MT_STUDIE" not in page
