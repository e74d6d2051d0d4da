"""The sweep's flags for individual access: papers due, a completeness check waiting, a case with
no meeting, and recurring cases that suggest a subgroup assessment — each raised when its cause
holds and closed when it is gone; seen by the coordinator, not by a clinician."""

from __future__ import annotations

from typing import Any

from tests.flags.helpers import flags, sweep
from tests.individual.conftest import BERGEN, access_case_body, exception_body, method_with


def _kinds(client: Any, headers: dict[str, str] | None = None) -> dict[str, list[dict]]:
    response = client.get("/api/v1/flags?limit=500", headers=headers or {})
    out: dict[str, list[dict]] = {}
    for flag in response.get_json()["items"]:
        out.setdefault(flag["kind"], []).append(flag)
    return out


def _step(client: Any, case: dict[str, Any], to: str, **extra: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/access-cases/{case['id']}/steps",
                           json={"to": to, "version": case["version"], **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_received_application_waits_five_working_days_then_is_flagged(client, person):
    method = method_with(client, "not_introduced")
    # Received Thursday 19 November 2026: five working days later is Thursday 26 November.
    case = client.post("/api/v1/access-cases/access-scheme",
                       json=access_case_body(method, received_on="2026-11-19")).get_json()
    sweep(client, "2026-11-26")
    assert "access_check_waiting" not in _kinds(client)
    sweep(client, "2026-11-27")
    waiting = _kinds(client)["access_check_waiting"]
    assert [f["subject_id"] for f in waiting] == [case["id"]]
    assert "6 virkedager" in waiting[0]["message"]
    clinician = person("lege-bergen", "clinician", BERGEN)
    assert "access_check_waiting" not in _kinds(client, clinician)
    assert "access_check_waiting" in _kinds(client, person("koord", "coordinator"))
    _step(client, case, "complete", at="2026-11-27")
    sweep(client, "2026-11-27")
    assert "access_check_waiting" not in _kinds(client)


def test_papers_due_and_no_meeting_within_fourteen_days(client):
    method = method_with(client, "not_introduced")
    case = client.post("/api/v1/access-cases/access-scheme",
                       json=access_case_body(method)).get_json()
    case = _step(client, case, "complete", at="2026-11-04")
    case = _step(client, case, "price_checked", at="2026-11-05", cost_per_month_nok=1,
                 price_basis="maximum_price")
    sweep(client, "2026-11-06")
    no_meeting = _kinds(client)["access_no_meeting"]
    assert [f["subject_id"] for f in no_meeting] == [case["id"]]
    # A meeting on Wednesday 18 November: the papers are due Monday 16 November.
    meeting = client.post("/api/v1/committee/meetings", json={"held_on": "2026-11-18"}).get_json()
    sweep(client, "2026-11-06")
    assert "access_no_meeting" not in _kinds(client)
    case = _step(client, case, "scheduled", at="2026-11-06", meeting_id=meeting["id"])
    sweep(client, "2026-11-12")
    assert "committee_papers_due" not in _kinds(client)
    sweep(client, "2026-11-13")
    due = _kinds(client)["committee_papers_due"]
    assert "16.11.2026" in due[0]["message"] and "1 sak)" in due[0]["message"]
    client.post(f"/api/v1/committee/meetings/{meeting['id']}/papers",
                json={"sent_on": "2026-11-13", "version": meeting["version"]})
    sweep(client, "2026-11-13")
    assert "committee_papers_due" not in _kinds(client)


def test_recurring_cases_for_one_method_and_diagnosis_suggest_a_subgroup_assessment(client):
    method = method_with(client, None)
    for day, code in (("2026-03-02", "C50.1"), ("2026-06-01", "C34"), ("2026-09-01", "C50.9")):
        response = client.post("/api/v1/access-cases/exceptions", json=exception_body(
            method, received_on=day, diagnosis_icd10=code))
        assert response.status_code == 201
    sweep(client, "2026-11-01")
    suggested = flags(client, kind="subgroup_assessment_suggested")
    assert len(suggested) == 1 and suggested[0]["subject_id"] == method["id"]
    assert "3 i kapittel II (Svulster)" in suggested[0]["message"]
    sweep(client, "2027-03-03")  # the first case is more than a year old
    assert flags(client, kind="subgroup_assessment_suggested") == []
