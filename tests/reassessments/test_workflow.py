"""A reassessment walked from planned to each kind of decision through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.schema_check import OpenApiChecker
from tests.factories import create_temporary_introduction, post_current
from tests.flags.helpers import flags, sweep

WALK = ["data_requested", "data_received", "assessment_ordered", "assessment_delivered"]
WHO: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _act_as_kari(as_user: Any) -> None:
    """Steps in these tests are taken by the secretariat user "kari"."""
    WHO.clear()
    WHO.update(as_user("kari", "secretariat"))


def _open(client: Any, intro: dict[str, Any], at: str = "2026-09-01") -> dict[str, Any]:
    response = client.post(f"/api/v1/introductions/{intro['id']}/reassessments",
                           json={"at": at, "note": "Revurdering planlagt"}, headers=WHO)
    assert response.status_code == 201, response.json
    return dict(response.json)


def _move(client: Any, case_id: int, to: str, at: str) -> Any:
    return post_current(client, f"/api/v1/reassessments/{case_id}/transitions",
                        json={"to": to, "at": at, "note": f"Til {to}"}, headers=WHO,
                        read=f"/api/v1/reassessments/{case_id}")


def _walk(client: Any, case_id: int, steps: list[str]) -> dict[str, Any]:
    """Take the steps one month apart from 2026-10-01."""
    case: dict[str, Any] = {}
    for month, to in enumerate(steps, start=10):
        year, month = (2026, month) if month <= 12 else (2027, month - 12)
        response = _move(client, case_id, to, f"{year}-{month:02d}-01")
        assert response.status_code == 200, response.json
        case = dict(response.json)
    return case


def _decide(client: Any, case_id: int, **decision: Any) -> Any:
    return post_current(client, f"/api/v1/reassessments/{case_id}/decision",
                        json={"at": "2027-04-15", **decision}, headers=WHO,
                        read=f"/api/v1/reassessments/{case_id}")


def _status(client: Any, intro: dict[str, Any]) -> str:
    return str(client.get(f"/api/v1/introductions/{intro['id']}").json["status"])


def test_permanent_introduction_after_every_step_closes_the_review_flags(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    sweep(client, "2026-09-10")
    [upcoming] = flags(client, kind="review_upcoming")

    case = _open(client, intro)
    assert case["state"] == "planned" and case["allowed_next"] == ["data_requested"]
    assert _status(client, intro) == "under_reassessment"
    case = _walk(client, case["id"], [*WALK, "price_negotiation"])
    assert case["state"] == "price_negotiation" and case["allowed_next"] == ["decided"]
    assert case["state_label"] == "Prisforhandling (Sykehusinnkjøp)"

    decided = _decide(client, case["id"], outcome="permanent",
                      criteria="Kun ved ECOG 0-1; stopp ved progresjon.")
    assert decided.status_code == 200, decided.json
    body = decided.json
    assert body["state"] == "decided" and body["outcome"] == "permanent"
    assert body["decision"]["criteria"] == "Kun ved ECOG 0-1; stopp ved progresjon."
    assert body["decided_on"] == "2027-04-15" and body["decided_by"] == "kari"
    assert [(s["from_state"], s["to_state"]) for s in body["steps"]] == [
        (None, "planned"), ("planned", "data_requested"), ("data_requested", "data_received"),
        ("data_received", "assessment_ordered"), ("assessment_ordered", "assessment_delivered"),
        ("assessment_delivered", "price_negotiation"), ("price_negotiation", "decided")]
    assert [s["at"] for s in body["steps"]][:3] == ["2026-09-01", "2026-10-01", "2026-11-01"]
    assert {s["by"] for s in body["steps"]} == {"kari"}
    assert _status(client, intro) == "concluded"

    closed = client.get(f"/api/v1/flags/{upcoming['id']}").json
    assert not closed["is_open"] and closed["close_reason"] == "decided"
    assert sweep(client, "2027-05-01")["opened"] == []  # decided: no overdue flag either
    checker = OpenApiChecker(client.get("/api/v1/openapi.json").json)
    checker.check("/api/v1/reassessments/{case_id}/decision", "post", 200, body)


def test_phase_out_creates_a_dated_plan_that_the_sweep_follows(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    case = _open(client, intro)
    _walk(client, case["id"], WALK)  # straight from assessment to decision: no negotiation
    response = _decide(client, case["id"], outcome="phase_out",
                       new_patients_stop_date="2027-06-01", follow_up_date="2027-12-01")
    assert response.status_code == 200, response.json
    plan = response.json["phaseout_plan"]
    assert plan["outcome"] == "phase_out" and plan["new_patients_stop_date"] == "2027-06-01"
    # The exit plan fixed at introduction says what happens to patients on treatment.
    assert plan["patients_on_treatment"] == intro["exit_plan"]["patients_on_treatment"]
    assert [(s["key"], s["due_date"]) for s in plan["steps"]] == [
        ("stop_new_patients", "2027-06-01"), ("follow_up", "2027-12-01")]
    assert _status(client, intro) == "concluded"

    assert sweep(client, "2027-05-01")["opened"] == []  # 31 days before: outside the lead time
    sweep(client, "2027-05-02")
    [flag] = flags(client, kind="phaseout_deadline")
    assert flag["subject_type"] == "phaseout_step"
    assert flag["link"] == f"/api/v1/phaseout-plans/{plan['id']}"
    assert flag["message"] == ("Ingen nye pasienter startes på behandling fra 01.06.2027. "
                               "Frist 01.06.2027 (om 30 dager).")
    sweep(client, "2027-06-05")
    [late] = flags(client, kind="phaseout_deadline")
    assert late["id"] == flag["id"] and late["facts"]["step"] == "stop_new_patients"

    step_id, version = plan["steps"][0]["id"], plan["steps"][0]["version"]
    done = client.post(f"/api/v1/phaseout-plans/{plan['id']}/steps/{step_id}/done",
                       json={"at": "2027-06-06", "note": "Meldt til alle HF", "version": version},
                       headers=WHO)
    assert done.status_code == 200 and done.json["steps"][0]["done_by"] == "kari"
    assert done.json["steps"][0]["version"] == version + 1
    again = client.post(f"/api/v1/phaseout-plans/{plan['id']}/steps/{step_id}/done",
                        json={"version": version})
    assert again.status_code == 409 and "was marked done" in again.json["message"]
    assert sweep(client, "2027-06-07")["closed"] == [flag["id"]]
    missing = client.post(f"/api/v1/phaseout-plans/{plan['id']}/steps/999/done",
                          json={"version": 1})
    assert missing.status_code == 404


def test_renegotiation_keeps_the_introduction_under_reassessment_until_decided(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    sweep(client, "2027-03-05")
    [overdue] = flags(client, kind="review_overdue")
    case = _open(client, intro)
    _walk(client, case["id"], [*WALK, "price_negotiation"])
    response = _decide(client, case["id"], outcome="renegotiation",
                       renegotiate="Ny pris med refusjon per ikke-responder",
                       deadline="2027-09-30")
    assert response.status_code == 200, response.json
    follow_up_id = response.json["follow_up_case_id"]
    assert follow_up_id is not None
    assert client.get(f"/api/v1/flags/{overdue['id']}").json["close_reason"] == "decided"
    assert _status(client, intro) == "under_reassessment"

    follow_up = client.get(f"/api/v1/reassessments/{follow_up_id}").json
    assert follow_up["state"] == "price_negotiation" and follow_up["due_date"] == "2027-09-30"
    assert follow_up["follows_case_id"] == case["id"]
    assert follow_up["allowed_next"] == ["decided"]

    sweep(client, "2027-09-01")
    [due] = flags(client, kind="renegotiation_due")
    assert due["subject_type"] == "reassessment" and due["subject_id"] == follow_up_id
    assert "Reforhandlingen skal være ferdig 30.09.2027 (om 29 dager)" in due["message"]
    assert flags(client, kind="review_overdue") == []  # the first decision settled the review

    final = _decide(client, follow_up_id, outcome="permanent", at="2027-09-20")
    assert final.status_code == 200, final.json
    assert _status(client, intro) == "concluded"
    assert client.get(f"/api/v1/flags/{due['id']}").json["close_reason"] == "decided"
    cases = client.get(f"/api/v1/introductions/{intro['id']}/reassessments").json["items"]
    assert [(c["outcome"], c["state"]) for c in cases] == [
        ("renegotiation", "decided"), ("permanent", "decided")]


def test_continuation_for_subgroups_phases_out_the_rest(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    case = _open(client, intro)
    _walk(client, case["id"], [*WALK, "price_negotiation"])
    response = _decide(client, case["id"], outcome="subgroup_continuation",
                       subgroups=[{"name": "PD-L1 ≥ 50 %", "criteria": "PD-L1 TPS ≥ 50 %"}],
                       rest_phaseout_date="2027-08-01",
                       patients_on_treatment="Pasienter utenfor undergruppen fullfører.")
    assert response.status_code == 200, response.json
    plan = response.json["phaseout_plan"]
    assert plan["outcome"] == "subgroup_continuation"
    assert plan["subgroups"] == [{"name": "PD-L1 ≥ 50 %", "criteria": "PD-L1 TPS ≥ 50 %"}]
    assert plan["patients_on_treatment"] == "Pasienter utenfor undergruppen fullfører."
    [step] = plan["steps"]
    assert step["due_date"] == "2027-08-01" and "PD-L1 ≥ 50 %" in step["description"]
    assert _status(client, intro) == "concluded"
    sweep(client, "2027-07-15")
    assert [f["subject_id"] for f in flags(client, kind="phaseout_deadline")] == [step["id"]]


def test_an_invalid_transition_is_refused_with_the_allowed_next_steps(client):
    intro = create_temporary_introduction(client)
    case = _open(client, intro)
    skipped = _move(client, case["id"], "assessment_ordered", "2026-10-01")
    assert skipped.status_code == 409
    assert skipped.json["details"] == {"state": "planned", "requested": "assessment_ordered",
                                       "allowed": ["data_requested"]}
    assert "data_requested" in skipped.json["message"]

    early = _decide(client, case["id"], outcome="permanent")
    assert early.status_code == 409 and early.json["details"]["allowed"] == ["data_requested"]

    _walk(client, case["id"], WALK)
    via_transition = _move(client, case["id"], "decided", "2027-03-01")
    assert via_transition.status_code == 409
    assert "/decision" in via_transition.json["message"]
    assert via_transition.json["details"]["allowed"] == ["price_negotiation", "decided"]

    backdated = _move(client, case["id"], "price_negotiation", "2026-01-01")
    assert backdated.status_code == 422 and backdated.json["details"][0]["field"] == "at"
    assert _move(client, case["id"], "nonsense", "2027-03-01").status_code == 422


def test_one_open_case_per_introduction_and_none_after_the_conclusion(client):
    intro = create_temporary_introduction(client)
    case = _open(client, intro)
    second = client.post(f"/api/v1/introductions/{intro['id']}/reassessments", json={})
    assert second.status_code == 409 and second.json["details"]["case_id"] == case["id"]
    _walk(client, case["id"], WALK)
    assert _decide(client, case["id"], outcome="permanent").status_code == 200
    after = client.post(f"/api/v1/introductions/{intro['id']}/reassessments", json={})
    assert after.status_code == 409
    assert client.post("/api/v1/introductions/999999/reassessments", json={}).status_code == 404
    assert client.get("/api/v1/reassessments/999999").status_code == 404


@pytest.mark.parametrize(("decision", "field"), [
    ({"outcome": "phase_out", "new_patients_stop_date": "2027-01-01",
      "follow_up_date": "2027-12-01"}, "new_patients_stop_date"),
    ({"outcome": "renegotiation", "renegotiate": "pris", "deadline": "2027-04-01"}, "deadline"),
    ({"outcome": "phase_out", "follow_up_date": "2027-12-01"}, "new_patients_stop_date"),
    ({"outcome": "subgroup_continuation", "subgroups": [],
      "rest_phaseout_date": "2027-08-01"}, "subgroups"),
    ({"outcome": "not_continued"}, "outcome"),
])
def test_a_decision_with_bad_dates_or_fields_is_refused(client, decision, field):
    intro = create_temporary_introduction(client)
    case = _open(client, intro)
    _walk(client, case["id"], WALK)
    response = _decide(client, case["id"], **decision)
    assert response.status_code == 422, response.json
    assert field in [d["field"] for d in response.json["details"]]
    assert client.get(f"/api/v1/reassessments/{case['id']}").json["state"] == (
        "assessment_delivered")


def test_every_case_is_listed_across_introductions_and_filtered_by_state(client):
    first, second = create_temporary_introduction(client), create_temporary_introduction(client)
    case_a, case_b = _open(client, first), _open(client, second)
    _move(client, case_b["id"], "data_requested", "2026-09-15")
    everything = client.get("/api/v1/reassessments").json
    assert {c["id"] for c in everything["items"]} >= {case_a["id"], case_b["id"]}
    requested = client.get("/api/v1/reassessments?state=data_requested").json["items"]
    assert [c["id"] for c in requested] == [case_b["id"]]
    of_first = client.get(f"/api/v1/reassessments?introduction_id={first['id']}").json["items"]
    assert [c["id"] for c in of_first] == [case_a["id"]]
