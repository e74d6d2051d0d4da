"""Settling an outcome-based agreement through the API, against the hand-computed fixture of
issue #17: 12 patients, an 8-week window, 50 % of 120,000 NOK per window; 4 non-responders, 6
responders and 2 pending owe 240,000 NOK. A second delivery that makes one pending patient a
non-responder adds a 60,000 NOK adjustment to the next period and leaves the first unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import create_temporary_introduction
from tests.feeds.helpers import csv_bytes, upload

A, B, C = "Oslo universitetssykehus HF", "Helse Bergen HF", "St. Olavs hospital HF"
# Windows (start + 56 days) all end in the second quarter of 2026.
PATIENTS = [
    # id, trust, start, last follow-up, progression, death, stop, stop reason
    ("P01", A, "2026-02-10", "2026-06-30", "", "", "", ""),  # responder
    ("P02", A, "2026-02-12", "2026-06-30", "2026-03-10", "", "", ""),  # non-responder
    ("P03", A, "2026-03-01", "2026-06-30", "", "", "", ""),  # responder
    ("P04", A, "2026-03-05", "2026-04-01", "", "2026-04-01", "", ""),  # non-responder (death)
    ("P05", A, "2026-03-10", "2026-03-20", "", "", "", ""),  # pending: follow-up ends early
    ("P06", B, "2026-02-15", "2026-06-30", "2026-06-01", "", "", ""),  # responder (late prog.)
    ("P07", B, "2026-03-15", "2026-06-30", "", "", "2026-04-01", "toxicity"),  # non-responder
    ("P08", B, "2026-03-20", "2026-06-30", "", "", "2026-04-01", "completed"),  # responder
    ("P09", B, "2026-04-01", "2026-04-20", "", "", "", ""),  # pending: follow-up ends early
    ("P10", C, "2026-04-05", "2026-06-30", "2026-05-01", "", "", ""),  # non-responder
    ("P11", C, "2026-04-10", "2026-06-30", "", "", "", ""),  # responder
    ("P12", C, "2026-04-20", "2026-06-30", "", "", "", ""),  # responder
]
TERMS = {"refund_share_percent": 50, "evaluation_window_weeks": 8,
         "response_criterion": "Ingen progresjon, død eller stopp for toksisitet innen 8 uker.",
         "counting_events": ["progression", "death", "stop_toxicity"],
         "cost_per_window_nok": 120000, "settlement_period": "quarter"}


def _extract(rows: list[tuple]) -> bytes:
    return csv_bytes([{"patient_id": r[0], "health_trust": r[1], "treatment_start": r[2],
                       "last_followup": r[3], "progression_date": r[4], "death_date": r[5],
                       "treatment_stop": r[6], "stop_reason": r[7]} for r in rows])


@pytest.fixture
def agreement(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    intro = create_temporary_introduction(client)
    response = client.post("/api/v1/agreements", json={
        "type": "payment_by_result", "method_id": intro["method_id"],
        "introduction_id": intro["id"],
        "start_date": "2026-01-01", "terms": TERMS})
    assert response.status_code == 201, response.get_json()
    delivered = upload(client, intro["id"], _extract(PATIENTS), data_cut="2026-06-30")
    assert delivered.status_code == 201, delivered.get_json()
    return {**response.get_json(), "intro": intro}


def _lines(client: Any, settlement: dict[str, Any]) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/settlements/{settlement['id']}/lines").get_json()["items"]


def test_the_first_quarter_owes_240000_and_each_trust_its_share(client, agreement):
    response = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                           json={"period_start": "2026-04-01", "as_of": "2026-07-01"})
    assert response.status_code == 201, response.get_json()
    settlement = response.get_json()
    assert settlement["totals"] == {
        "patients": 12, "responder": 6, "non_responder": 4, "pending": 2, "excluded": 0,
        "adjustments": 0, "adjustment_amount_nok": 0, "amount_nok": 240000}
    notes = {n["health_trust"]: n["amount_nok"] for n in settlement["credit_notes"]}
    assert notes == {A: 120000, B: 60000, C: 60000}  # counted by hand: A 2, B 1, C 1
    lines = {line["patient_id"]: line for line in _lines(client, settlement)}
    assert (lines["P04"]["patient_class"], lines["P04"]["event"],
            lines["P04"]["event_date"]) == ("non_responder", "death", "2026-04-01")
    assert lines["P05"]["reason"] == "followup_ends_in_window"


def test_a_late_death_adjusts_the_next_period_and_leaves_the_first(client, agreement):
    first = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                        json={"period_start": "2026-04-01", "as_of": "2026-07-01"}).get_json()
    before = _lines(client, first)
    later = [(*row[:3], "2026-04-15", "", "2026-04-15", "", "") if row[0] == "P09" else row
             for row in PATIENTS]
    delivered = upload(client, agreement["intro"]["id"], _extract(later), data_cut="2026-09-30")
    assert delivered.status_code == 201, delivered.get_json()
    second = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                         json={"period_start": "2026-07-01", "as_of": "2026-10-01"})
    assert second.status_code == 201, second.get_json()
    second = second.get_json()
    assert second["totals"]["adjustments"] == 1
    assert second["totals"]["amount_nok"] == 60000
    (adjustment,) = _lines(client, second)
    original = next(line for line in before if line["patient_id"] == "P09")
    assert (adjustment["kind"], adjustment["adjusts_line_id"], adjustment["amount_nok"]) == (
        "adjustment", original["id"], 60000)
    assert [n["health_trust"] for n in second["credit_notes"]] == [B]
    assert _lines(client, first) == before
    again = client.get(f"/api/v1/settlements/{first['id']}").get_json()
    assert again["totals"]["amount_nok"] == 240000


def test_a_period_is_settled_once_and_only_when_over(client, agreement):
    url = f"/api/v1/agreements/{agreement['id']}/settlements"
    early = client.post(url, json={"period_start": "2026-04-01", "as_of": "2026-06-30"})
    assert early.status_code == 409 and "not over" in early.get_json()["message"]
    misaligned = client.post(url, json={"period_start": "2026-05-01", "as_of": "2026-09-01"})
    assert misaligned.status_code == 422
    assert misaligned.get_json()["details"][0]["field"] == "period_start"
    assert client.post(url, json={"period_start": "2026-04-01",
                                  "as_of": "2026-07-01"}).status_code == 201
    twice = client.post(url, json={"period_start": "2026-04-01", "as_of": "2026-07-02"})
    assert twice.status_code == 409
    assert len(client.get(url).get_json()["items"]) == 1


def test_a_credit_note_moves_on_and_a_dispute_needs_a_reason(client, agreement):
    settlement = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                             json={"period_start": "2026-04-01", "as_of": "2026-07-01"}).get_json()
    note = settlement["credit_notes"][0]

    def move(to: str, **extra: Any) -> Any:
        return client.post(f"/api/v1/credit-notes/{note['id']}/transitions",
                           json={"to": to, "version": note["version"], **extra})

    assert move("settled").status_code == 409
    note = move("issued", at="2026-07-02").get_json()
    assert move("disputed").status_code == 422
    note = move("disputed", at="2026-07-10", reason="P02 progredierte etter vinduet.").get_json()
    assert note["dispute_reason"] == "P02 progredierte etter vinduet."
    note = move("issued", at="2026-07-12").get_json()
    note = move("accepted", at="2026-07-15").get_json()
    note = move("settled", at="2026-08-01").get_json()
    assert [s["to_state"] for s in note["steps"]] == [
        "draft", "issued", "disputed", "issued", "accepted", "settled"]


def test_amounts_are_for_procurement_forum_and_administrators(client, agreement, as_user):
    settlement = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                             json={"period_start": "2026-04-01", "as_of": "2026-07-01"}).get_json()
    for role in ("secretariat", "clinician"):
        headers = as_user(f"{role}-x", role)
        assert client.get(f"/api/v1/settlements/{settlement['id']}",
                          headers=headers).status_code == 403
    assert client.get(f"/api/v1/settlements/{settlement['id']}").status_code == 200
    forum = as_user("forum-x", "forum")
    assert client.get(f"/api/v1/settlements/{settlement['id']}/lines",
                      headers=forum).status_code == 200


def _financial(client: Any, type_: str, terms: dict[str, Any], rows: list[tuple]) -> dict:
    intro = create_temporary_introduction(client)
    response = client.post("/api/v1/agreements", json={
        "type": type_, "method_id": intro["method_id"], "introduction_id": intro["id"],
        "start_date": "2025-01-01", "terms": terms})
    assert response.status_code == 201, response.get_json()
    assert upload(client, intro["id"], _extract(rows), data_cut="2025-12-31").status_code == 201
    return response.get_json()


def test_a_price_volume_year_owes_the_rebate_of_the_tier_crossed_mid_year(client):
    rows = [(f"V{i:03d}", A if i % 2 else B, f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",
             "2025-12-31", "", "", "", "") for i in range(130)]
    agreement = _financial(client, "price_volume", {
        "tiers": [{"min_patients": 0, "discount_percent": 0},
                  {"min_patients": 50, "discount_percent": 10},
                  {"min_patients": 100, "discount_percent": 15}],
        "cost_per_patient_nok": 100000}, rows)
    answer = client.get(f"/api/v1/agreements/{agreement['id']}/reckoning?year=2025"
                        "&as_of=2025-12-31").get_json()
    assert answer["patients"] == 130
    assert answer["rebate_nok"] == 50 * 10000 + 31 * 15000
    # The 50th patient (i = 49) started on 22 February, the 100th (i = 99) on 16 April.
    assert [t["reached_on"] for t in answer["tiers"]] == ["2025-01-01", "2025-02-22",
                                                           "2025-04-16"]
    assert sum(t["rebate"] for t in answer["per_trust"]) == answer["rebate_nok"]


def test_a_cap_exceeded_owes_the_excess(client):
    rows = [(f"K{i}", A, "2025-01-01", "2025-12-31", "", "", "", "") for i in range(3)]
    agreement = _financial(client, "cap", {"annual_cap_nok": 1000000,
                                            "monthly_cost_nok": 50000}, rows)
    answer = client.get(f"/api/v1/agreements/{agreement['id']}/reckoning?year=2025"
                        "&as_of=2025-12-31").get_json()
    # By hand: three patients from 1 January to 31 December, 364 days each.
    spending = round(3 * 364 * 50000 / (365.25 / 12), 2)
    assert answer["spending_nok"] == pytest.approx(spending, abs=0.05)
    assert answer["excess_nok"] == pytest.approx(spending - 1000000, abs=0.05)
    assert answer["share_of_cap"] > 1


def test_a_patient_registered_late_is_settled_in_the_next_period(client, agreement):
    first = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                        json={"period_start": "2026-04-01", "as_of": "2026-07-01"}).get_json()
    late = ("P13", C, "2026-04-01", "2026-06-30", "2026-05-02", "", "", "")  # window in Q2
    delivered = upload(client, agreement["intro"]["id"], _extract([*PATIENTS, late]),
                       data_cut="2026-09-30")
    assert delivered.status_code == 201, delivered.get_json()
    second = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                         json={"period_start": "2026-07-01", "as_of": "2026-10-01"}).get_json()
    (line,) = _lines(client, second)
    assert (line["patient_id"], line["kind"], line["patient_class"], line["amount_nok"]) == (
        "P13", "original", "non_responder", 60000)
    assert [n["health_trust"] for n in second["credit_notes"]] == [C]
    assert first["totals"]["patients"] == 12


def test_no_period_past_the_data_cut_and_no_credit_note_for_nothing(client, agreement):
    url = f"/api/v1/agreements/{agreement['id']}/settlements"
    past_cut = client.post(url, json={"period_start": "2026-07-01", "as_of": "2026-10-01"})
    assert past_cut.status_code == 409
    assert "30.06.2026" in past_cut.get_json()["message"]
    empty = client.post(url, json={"period_start": "2026-01-01", "as_of": "2026-07-01"})
    assert empty.status_code == 201
    assert empty.get_json()["credit_notes"] == []  # no window ended in the first quarter


def test_the_delivery_that_records_the_counting_events_is_settled_from(client, agreement):
    client.post("/api/v1/data-sources", json={
        "code": "NPR", "name": "Norsk pasientregister", "kind": "health_registry",
        "holds": "Aktivitet.", "latency": "månedlig"})
    no_progression = [(*row[:4], "", *row[5:]) for row in PATIENTS]
    delivered = upload(client, agreement["intro"]["id"], _extract(no_progression),
                       source="NPR", data_cut="2026-07-31")
    assert delivered.status_code == 201, delivered.get_json()
    settled = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                          json={"period_start": "2026-04-01", "as_of": "2026-08-01"}).get_json()
    # The newer NPR cut has no progression dates: INSPIRE's delivery is the one settled from.
    assert settled["delivery_id"] != delivered.get_json()["id"]
    assert settled["totals"]["non_responder"] == 4


@pytest.mark.parametrize("as_of", ["2026-07-01", "2026-10-01"])
def test_on_the_same_delivery_a_pending_patient_stays_pending(client, agreement, as_of):
    # One delivery cut 30.09.2026, the second quarter settled as of a day inside it (events
    # after that day not known then: the next settlement reads the pending patients again) or
    # after it (nothing later to know: it does not). Either way P05 and P09, pending because
    # follow-up ends in the window, have no later data, and the next quarter on the same
    # delivery settles its own patient only.
    p13 = ("P13", C, "2026-06-01", "2026-09-30", "", "", "", "")  # window ends in Q3
    delivered = upload(client, agreement["intro"]["id"], _extract([*PATIENTS, p13]),
                       data_cut="2026-09-30")
    assert delivered.status_code == 201, delivered.get_json()
    url = f"/api/v1/agreements/{agreement['id']}/settlements"
    first = client.post(url, json={"period_start": "2026-04-01", "as_of": as_of}).get_json()
    assert first["totals"]["pending"] == 2 and first["totals"]["amount_nok"] == 240000
    second = client.post(url, json={"period_start": "2026-07-01", "as_of": "2026-10-01"})
    assert second.status_code == 201, second.get_json()
    assert second.get_json()["totals"]["adjustments"] == 0
    (line,) = _lines(client, second.get_json())
    assert (line["patient_id"], line["kind"], line["patient_class"]) == (
        "P13", "original", "responder")


def test_many_lines_are_stored_as_few_are(client, agreement, monkeypatch):
    """From `storage.MIN_STAGED_ROWS` lines on, SQLite gets them through ADBC stage files:
    the same lines, field for field, as one prepared statement stores."""
    from tests.settlements.helpers import outcome_agreement
    from tracker.feeds import storage

    def stored(settlement: dict[str, Any]) -> list[tuple]:
        skip = {"id", "settlement_id", "agreement_id", "delivery_id", "recorded_at"}
        return sorted(tuple(v for k, v in sorted(line.items()) if k not in skip)
                      for line in _lines(client, settlement))

    body = {"period_start": "2026-04-01", "as_of": "2026-07-01"}
    few = client.post(f"/api/v1/agreements/{agreement['id']}/settlements", json=body)
    monkeypatch.setattr(storage, "MIN_STAGED_ROWS", 1)
    other = outcome_agreement(client)
    many = client.post(f"/api/v1/agreements/{other['id']}/settlements", json=body)
    assert few.status_code == many.status_code == 201, many.get_json()
    assert len(stored(many.get_json())) == 12
    assert stored(many.get_json()) == stored(few.get_json())
    assert many.get_json()["totals"] == few.get_json()["totals"]
