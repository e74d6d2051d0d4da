"""Re-uploads are recognised, newer deliveries supersede older ones, and both stay on record."""

from __future__ import annotations

from datetime import date

from tests.feeds.helpers import CRAFTED, csv_bytes, rows, stored, upload
from tracker.feeds import service


def _later(cut: str) -> bytes:
    """The crafted patients followed up to a later data cut."""
    return csv_bytes([dict(r, last_followup=cut) if r["last_followup"] == "2025-12-31" else r
                      for r in CRAFTED])


def _early() -> bytes:
    """Only the patients whose follow-up ended by 2025-01-01 (valid for an older data cut)."""
    return csv_bytes([r for r in CRAFTED if r["last_followup"] <= "2025-01-01"])


def test_the_same_file_again_is_recognised_and_not_stored_twice(client, app, intro):
    content = csv_bytes(CRAFTED)
    first = upload(client, intro["id"], content)
    assert first.status_code == 201
    again = upload(client, intro["id"], content, name="renamed.csv")
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert again.json["file_name"] == "uttrekk.csv"
    assert stored(app) == (1, 5)


def test_the_same_file_with_another_data_cut_is_a_conflict(client, app, intro):
    content = csv_bytes(CRAFTED)
    upload(client, intro["id"], content)
    response = upload(client, intro["id"], content, data_cut="2026-01-31")
    assert response.status_code == 409
    assert "already imported as delivery" in response.json["message"]
    assert stored(app) == (1, 5)


def test_a_newer_delivery_supersedes_the_older_which_stays_on_record(client, app, intro, session):
    old = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    new = upload(client, intro["id"], _later("2026-06-30"), data_cut="2026-06-30").json
    assert new["current"] is True
    old_now = client.get(f"/api/v1/feeds/{old['id']}").json
    assert old_now["current"] is False
    assert old_now["superseded_by_id"] == new["id"]
    assert old_now["superseded_at"] is not None
    listed = client.get(f"/api/v1/introductions/{intro['id']}/feeds").json["items"]
    assert [d["id"] for d in listed] == [new["id"], old["id"]]  # newest first, both kept
    assert stored(app) == (2, 10)
    source_id = new["data_source_id"]
    current = service.current_delivery(session=session, introduction_id=intro["id"],
                                       source_id=source_id)
    assert current is not None and current.id == new["id"]


def test_an_older_data_cut_arriving_late_is_stored_but_superseded_at_once(client, app, intro):
    current = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    late = upload(client, intro["id"], _early(), data_cut="2025-01-31")
    assert late.status_code == 201
    assert late.json["current"] is False
    assert late.json["superseded_by_id"] == current["id"]
    assert client.get(f"/api/v1/feeds/{current['id']}").json["current"] is True


def test_a_correction_with_the_same_data_cut_replaces_the_first(client, intro):
    first = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    corrected = upload(client, intro["id"], csv_bytes(rows(best_response="CR"))).json
    assert corrected["current"] is True
    assert client.get(f"/api/v1/feeds/{first['id']}").json["superseded_by_id"] == corrected["id"]


def test_sources_are_superseded_separately(client, intro):
    assert client.post("/api/v1/data-sources", json={
        "code": "NPR", "name": "Norsk pasientregister", "kind": "health_registry",
    }).status_code == 201
    inspire = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    npr = upload(client, intro["id"], csv_bytes(CRAFTED), source="NPR").json
    assert inspire["current"] and npr["current"]
    only_npr = client.get(f"/api/v1/introductions/{intro['id']}/feeds?source=NPR").json
    assert [d["id"] for d in only_npr["items"]] == [npr["id"]]


def test_deliveries_service_lists_newest_first_with_superseded(client, intro, session):
    upload(client, intro["id"], csv_bytes(CRAFTED))
    upload(client, intro["id"], _later("2026-03-31"), data_cut="2026-03-31")
    found = service.deliveries(session=session, introduction_id=intro["id"])
    assert [d.data_cut for d in found] == [date(2026, 3, 31), date(2025, 12, 31)]
    assert [d.superseded_at is None for d in found] == [True, False]


def test_unknown_delivery_is_404(client):
    assert client.get("/api/v1/feeds/424242").status_code == 404
    assert client.get("/api/v1/feeds/424242/patients").status_code == 404
