"""Callback answers are given again only to the same viewer, and only while the data is the same."""

from __future__ import annotations

from typing import Any

from tests.dashboards.test_routes import route
from tests.factories import create_temporary_introduction, patch_current


def _overview(client: Any) -> str:
    return str(route(client, "/dashboards/")["response"]["page"])


def test_the_same_question_of_the_same_data_is_answered_from_the_store(app, client):
    create_temporary_introduction(client)
    public = app.test_client()
    store = app.extensions["tracker_answers"]
    first = route(public, "/dashboards/")
    hits = store.hits
    assert route(public, "/dashboards/") == first
    assert store.hits == hits + 1


def test_a_change_to_the_data_is_shown_at_once(app, client):
    intro = create_temporary_introduction(client)
    public = app.test_client()
    assert "testinib" in _overview(public)
    renamed = patch_current(client, f"/api/v1/methods/{intro['method_id']}",
                            {"active_substance": "nyttnavnib"})
    assert renamed.status_code == 200
    page = _overview(public)
    assert "nyttnavnib" in page and "testinib-" not in page


def test_an_answer_is_never_given_to_another_viewer(app, client):
    """The administrator's overview shows open flags; the public's answer to the same question
    must come from the public's own rendering, not from the administrator's."""
    create_temporary_introduction(client, review_date="2025-01-01", milestones=[])
    assert client.post("/api/v1/flags/sweep", json={"as_of": "2026-01-02"}).status_code == 200
    admin_page = _overview(client)
    public_page = _overview(app.test_client())
    assert admin_page != public_page
    assert "Logg inn" in public_page and "Logg inn" not in admin_page
    assert _overview(client) == admin_page  # each is given its own answer again


def test_the_store_can_be_turned_off(tmp_path):
    from tests.conftest import make_settings
    from tracker import create_app

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path,
                                   answer_cache_entries=0))
    assert "tracker_answers" not in app.extensions
    app.extensions["tracker_engine"].dispose()


def test_the_introduction_list_is_kept_per_viewer_and_never_stale(app, client, anonymous):
    intro = create_temporary_introduction(client)
    store = app.extensions["tracker_answers"]
    first = anonymous.get("/api/v1/introductions").get_data()
    hits = store.hits
    assert anonymous.get("/api/v1/introductions").get_data() == first
    assert store.hits == hits + 1
    # A filter is another question; a change to the data another version.
    assert anonymous.get("/api/v1/introductions?status=concluded").json["total"] == 0
    assert patch_current(client, f"/api/v1/introductions/{intro['id']}",
                         {"uncertainty": "Ny vurdering av usikkerheten"}).status_code == 200
    detail = anonymous.get(f"/api/v1/introductions/{intro['id']}").json
    assert detail["uncertainty"] == "Ny vurdering av usikkerheten"


def test_a_kept_answer_withholds_for_the_public_what_an_administrator_sees(app, client,
                                                                           anonymous):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    seen = client.get(url).json  # kept for the administrator
    assert seen["assumptions"]["cost_per_qaly"]["value"] == 850000
    public = anonymous.get(url).json
    assert public["assumptions"].get("cost_per_qaly") is None
    assert "assumptions.cost_per_qaly" in public["withheld_fields"]
