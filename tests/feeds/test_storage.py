"""Rows are stored exactly as validated, on both databases, and go with their delivery."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tests.feeds.helpers import CRAFTED, csv_bytes, stored, upload
from tracker.feeds import service
from tracker.feeds.models import FeedDelivery, FeedRecord

# A line break is not among them: a cell may not hold one (test_reading_attacks.py), so that
# the rows read can be checked against the lines of the file.
TRICKY = ['Sykehus "Sør"', "Oslo; Akershus", "tab\tinne", "kvote's", "ÆØÅ æøå – ≥ 50 %", "\\N",
          "NULL", ","]


def test_text_with_quotes_separators_tabs_and_unicode_round_trips(client, intro, session):
    records = [dict(CRAFTED[1], patient_id=f"PSN-{i:03d}", subgroup=TRICKY[i % len(TRICKY)],
                    health_trust=TRICKY[(i + 3) % len(TRICKY)])
               for i in range(23)]  # not a multiple of the rows grouped per statement
    records[5]["region"] = ""
    records[6]["birth_year"] = ""
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 201, response.json
    rows = session.exec(select(FeedRecord).where(FeedRecord.delivery_id == response.json["id"])
                        .order_by(FeedRecord.row_no)).all()
    assert [r.subgroup for r in rows] == [TRICKY[i % len(TRICKY)].strip() for i in range(23)]
    assert [r.health_trust for r in rows] == [TRICKY[(i + 3) % len(TRICKY)].strip()
                                              for i in range(23)]
    assert rows[5].region is None and rows[6].birth_year is None
    assert rows[0].region == "Helse Vest" and rows[0].birth_year == 1962
    assert rows[0].treatment_start == date(2024, 5, 1) and rows[0].death_date is None
    assert rows[0].treatment_stop == date(2024, 11, 1)
    assert (rows[0].os_days, rows[0].os_event, rows[0].ttd_days, rows[0].ttd_event) == (
        609, 0, 184, 1)
    assert [r.row_no for r in rows] == list(range(2, 25))


def test_gaps_in_some_batches_only_are_stored_as_missing(client, intro, session, monkeypatch):
    # Each batch gets a statement for the columns that have gaps in it; a column full in the
    # first batch and empty in the next must still be stored as given.
    from tracker.feeds import storage

    monkeypatch.setattr(storage, "BATCH_ROWS", 12)
    records = [dict(CRAFTED[1], patient_id=f"PSN-{i:03d}") for i in range(30)]
    for i in range(12, 30):
        records[i]["region"] = ""
        records[i]["birth_year"] = ""
    records[27]["treatment_stop"] = ""
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 201, response.json
    rows = session.exec(select(FeedRecord).where(FeedRecord.delivery_id == response.json["id"])
                        .order_by(FeedRecord.row_no)).all()
    assert len(rows) == 30 and {r.delivery_id for r in rows} == {response.json["id"]}
    assert [r.region for r in rows] == ["Helse Vest"] * 12 + [None] * 18
    assert [r.birth_year for r in rows] == [1962] * 12 + [None] * 18
    assert [r.treatment_stop is None for r in rows] == [i == 27 for i in range(30)]


def test_a_deleted_delivery_takes_its_rows_along(client, app, intro, session):
    delivery = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    assert stored(app) == (1, 5)
    session.delete(session.get(FeedDelivery, delivery["id"]))
    session.commit()
    assert stored(app) == (0, 0)
    assert service.deliveries(session=session, introduction_id=intro["id"]) == []
