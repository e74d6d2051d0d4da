"""The sweep's settlement flags: a period ended and not settled, patients left pending long
after their window, spending approaching and past a cap — with the wording for procurement
only, and cap flags not shown to others at all."""

from __future__ import annotations

from typing import Any

from tests.feeds.helpers import upload
from tests.flags.helpers import flags, sweep
from tests.settlements.test_api import PATIENTS, A, _extract, _financial


def _settle(client: Any, agreement_id: int, start: str, as_of: str) -> None:
    response = client.post(f"/api/v1/agreements/{agreement_id}/settlements",
                           json={"period_start": start, "as_of": as_of})
    assert response.status_code == 201, response.get_json()


def test_an_ended_period_without_a_settlement_is_flagged_until_settled(client, agreement,
                                                                       as_user):
    sweep(client, "2026-07-02")
    (due,) = flags(client, kind="settlement_due")
    assert due["message"] == "Perioden 01.01.2026–31.03.2026 er ikke gjort opp (2 perioder i alt)."
    clinician = as_user("lege", "clinician")
    seen = client.get("/api/v1/flags?kind=settlement_due", headers=clinician).get_json()["items"]
    assert len(seen) == 1 and "01.01.2026" not in seen[0]["message"]
    _settle(client, agreement["id"], "2026-01-01", "2026-07-02")
    _settle(client, agreement["id"], "2026-04-01", "2026-07-02")
    sweep(client, "2026-07-02")
    assert flags(client, kind="settlement_due") == []


def test_patients_pending_past_the_grace_period_are_flagged(client, agreement):
    _settle(client, agreement["id"], "2026-01-01", "2026-07-01")
    _settle(client, agreement["id"], "2026-04-01", "2026-07-01")
    # P05's window ended 5 May, P09's 27 May; the terms allow 60 days without data.
    sweep(client, "2026-07-03")
    assert flags(client, kind="pending_overdue") == []
    sweep(client, "2026-07-27")
    (pending,) = flags(client, kind="pending_overdue")
    assert pending["message"].startswith("2 pasienter avventer")
    assert pending["message_en"].startswith("2 patients pending assessment")
    assert pending["facts"] == {"patients": 2, "oldest_window_end": "2026-05-05"}
    assert pending["due_date"] == "2026-07-04"  # 60 days after the oldest window's end


def test_a_pending_patient_settled_since_by_an_adjustment_is_no_longer_counted(
        client, agreement):
    _settle(client, agreement["id"], "2026-04-01", "2026-07-01")  # P05 and P09 pending
    later = [(*row[:3], "2026-04-15", "", "2026-04-15", "", "") if row[0] == "P09" else row
             for row in PATIENTS]  # P09 died inside the window: an adjustment next quarter
    assert upload(client, agreement["intro"]["id"], _extract(later),
                  data_cut="2026-09-30").status_code == 201
    _settle(client, agreement["id"], "2026-07-01", "2026-10-01")
    sweep(client, "2026-10-02")
    (pending,) = flags(client, kind="pending_overdue")
    assert pending["message"].startswith("1 pasient avventer")
    assert pending["message_en"].startswith("1 patient pending")
    assert pending["facts"] == {"patients": 1, "oldest_window_end": "2026-05-05"}  # P05


def test_a_cap_is_flagged_at_ninety_per_cent_and_when_passed(client, as_user):
    rows = [(f"K{i}", A, "2025-01-01", "2025-12-31", "", "", "", "") for i in range(3)]
    cap = _financial(client, "cap", {"annual_cap_nok": 1000000, "monthly_cost_nok": 50000},
                     rows)
    # By hand: 3 x 50 000 a month is 4 928 NOK a day; 90 % of the cap after 183 days.
    sweep(client, "2025-07-01")
    assert flags(client, kind="cap_approaching") == []
    sweep(client, "2025-07-10")
    (near,) = flags(client, kind="cap_approaching")
    assert near["subject_id"] == cap["id"] and "av taket" in near["message"]
    sweep(client, "2025-08-01")
    assert flags(client, kind="cap_approaching") == []
    (past,) = flags(client, kind="cap_exceeded")
    assert "skal tilbakebetales" in past["message"]
    secretariat = as_user("sekr", "secretariat")
    assert client.get("/api/v1/flags?kind=cap_exceeded",
                      headers=secretariat).get_json()["items"] == []


def test_clinicians_see_how_many_responded_without_amounts_or_small_counts(client, agreement,
                                                                          as_user, anonymous):
    _settle(client, agreement["id"], "2026-04-01", "2026-07-01")
    url = f"/api/v1/agreements/{agreement['id']}/settlement-counts"
    (full,) = client.get(url).get_json()["periods"]
    assert (full["responder"], full["non_responder"], full["pending"]) == (6, 4, 2)
    clinician = as_user("lege-x", "clinician")
    answer = client.get(url, headers=clinician).get_json()
    (seen,) = answer["periods"]
    assert "amount" not in str(answer)
    shown = [seen[k] for k in ("responder", "non_responder", "pending", "excluded")
             if seen[k] is not None]
    assert not [v for v in shown if 1 <= v <= 4]
    # Non-responders (4) and pending (2) are hidden; with the total and the responders shown,
    # their sum is known but neither count is.
    assert seen["responder"] == 6 and seen["patients"] == 12
    assert seen["non_responder"] is None and seen["pending"] is None
    assert anonymous.get(url).status_code == 401
