"""The assessment committee in the browser (Flask's client): its decision is refused without a
quorum or consensus and recorded with them, recusal shown from the roster; the coordinator
plans meetings and keeps the roster (002_e9fcae1246b76c56.txt L585–690); the pages in English."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest

from tests.individual.conftest import BERGEN, method_with
from tests.individual.test_access_scheme import ROSTER
from tests.web.test_access_pages import (
    EXCEPTION_FORM,
    FORM,
    TICK,
    _case_at,
    _checked,
    _iso,
    _post_form,
    _step,
    _text,
)
from tracker.individual.workdays import working_days_before
from tracker.timeutil import today


@pytest.fixture
def scheduled(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A case scheduled for last week's meeting, its papers sent in time, and the roster."""
    members = {}
    for name, trust in ROSTER:
        members[name] = client.post("/api/v1/committee/members", json={
            "name": name, "committee_role": "member", "health_trust": trust,
            "medical_director": True, "active_from": "2025-04-01"}).get_json()["id"]
    held = today() - timedelta(days=7)
    meeting = client.post("/api/v1/committee/meetings",
                          json={"held_on": held.isoformat()}).get_json()
    method = method_with(client, "not_introduced")
    case_id = _case_at(client, method, 20)
    _step(client, case_id, "complete", at=_iso(-19))
    _step(client, case_id, "price_checked", at=_iso(-18), cost_per_month_nok=80000,
          price_basis="maximum_price")
    _step(client, case_id, "scheduled", at=_iso(-17), meeting_id=meeting["id"])
    papers = client.post(f"/api/v1/committee/meetings/{meeting['id']}/papers", json={
        "sent_on": working_days_before(held, 2).isoformat(), "version": meeting["version"]})
    assert papers.status_code == 200, papers.get_json()
    return {"case_id": case_id, "meeting_id": meeting["id"], "members": members, "held": held}


def test_the_committee_decides_only_with_a_quorum_and_by_consensus(browser_as, client,
                                                                   scheduled):
    coordinator = browser_as("coordinator", "koordinator")
    meeting_path = f"/arbeid/komite/moter/{scheduled['meeting_id']}"
    present = ["Fagdirektør Vest A", "Fagdirektør Sør-Øst A", "Fagdirektør Midt A",
               "Fagdirektør Nord A"]
    attended = _post_form(coordinator, meeting_path, "attendance-form", {
        "attend.member_ids": [str(scheduled["members"][n]) for n in present]})
    assert attended.status_code == 302, _text(attended)[:2000]
    agenda = _text(coordinator.get(meeting_path))
    row = re.search(rf'<tr id="agenda-case-{scheduled["case_id"]}".*?</tr>', agenda,
                    re.DOTALL).group(0)
    assert f"Fagdirektør Vest A (fra {BERGEN}, sakens eget helseforetak)" in row
    assert '<td class="quorate">nei</td>' in row

    path = f"/arbeid/tilgang/{scheduled['case_id']}"
    page = _text(coordinator.get(path))
    assert "bare 3 medlem(mer) med beslutningsmyndighet deltar" in page
    decision = {"_action": "decide", "decision.outcome": "granted",
                "decision.consensus": TICK, "decision.grounds": ["increased_benefit"],
                "decision.justification": "Pasienten er klinisk eksepsjonell."}
    refused = _post_form(coordinator, path, "committee-decision-form", decision)
    assert refused.status_code == 409
    text = _text(refused)
    assert "Ikke lagret: Komitéen kan ikke avgjøre saken: bare 3 medlem(mer) med " \
           "beslutningsmyndighet deltar" in text
    assert "komitéen må ha minst 4" in text
    assert "Pasienten er klinisk eksepsjonell." in text  # what was typed is kept
    assert _checked(text, "outcome-granted") and _checked(text, "ground-increased_benefit")
    assert client.get(f"/api/v1/access-cases/{scheduled['case_id']}").get_json()["state"] == \
        "scheduled"

    attended = _post_form(coordinator, meeting_path, "attendance-form", {
        "attend.member_ids": [str(scheduled["members"][n])
                              for n in [*present, "Fagdirektør Vest B"]]})
    assert attended.status_code == 302
    no_consensus = _post_form(coordinator, path, "committee-decision-form",
                              {**decision, "decision.consensus": ""})
    assert no_consensus.status_code == 409
    assert "avgjørelser tas ved konsensus" in _text(no_consensus)
    decided = _post_form(coordinator, path, "committee-decision-form", decision)
    assert decided.status_code == 302, _text(decided)[:2000]
    stored = client.get(f"/api/v1/access-cases/{scheduled['case_id']}").get_json()
    assert stored["state"] == "decided" and stored["outcome"] == "granted"
    assert stored["decision"]["grounds"] == ["increased_benefit"]
    page = _text(coordinator.get(path))
    record = re.search(r'<section[^>]*id="decision".*?</section>', page, re.DOTALL).group(0)
    assert "Vurderingskomitéens avgjørelse" in record
    assert "Innvilget, ved konsensus" in record and "Økt nytte" in record
    assert f"Fagdirektør Vest A (fra {BERGEN}, sakens eget helseforetak)" in record
    assert "Fagdirektør Vest B" in record and scheduled["held"].strftime("%d.%m.%Y") in record
    assert 'id="committee-decision-form"' not in page


def test_the_coordinator_plans_meetings_and_keeps_the_roster(browser_as):
    coordinator = browser_as("coordinator", "koordinator")
    page = coordinator.page("/arbeid/komite")
    assert "Helse Nord har 0 fagdirektør(er) i komitéen; hver region oppnevner to" in page
    first = today() + timedelta(days=7)
    planned = _post_form(coordinator, "/arbeid/komite", "plan-form", {
        "plan.first": first.strftime("%d.%m.%Y"), "plan.count": "3"})
    assert planned.status_code == 302, _text(planned)[:2000]
    page = coordinator.page("/arbeid/komite")
    assert len(re.findall(r'<tr id="meeting-row-', page)) == 3
    twice = _post_form(coordinator, "/arbeid/komite", "meeting-form", {
        "meeting.held_on": first.strftime("%d.%m.%Y"), "meeting.note": "Hastesak"})
    assert twice.status_code == 409
    assert f"Det er allerede et møte i vurderingskomitéen {first:%d.%m.%Y}." in _text(twice)
    no_trust = coordinator.submit("/arbeid/komite/medlemmer/ny", {
        "name": "Fagdirektør Nord A", "committee_role": "member", "health_trust": "",
        "medical_director": TICK, "active_from": "01.04.2025"})
    assert no_trust.status_code == 422
    assert "Et medlem med stemmerett representerer et helseforetak" in _text(no_trust)
    added = coordinator.submit("/arbeid/komite/medlemmer/ny", {
        "name": "Fagdirektør Nord A", "committee_role": "member",
        "health_trust": "Universitetssykehuset Nord-Norge HF", "medical_director": TICK,
        "active_from": "01.04.2025"})
    assert added.status_code == 302
    assert "Helse Nord har 1 fagdirektør(er)" in coordinator.page("/arbeid/komite")
    # A committee member reads the committee's pages but has no forms.
    member = browser_as("committee", "komite-medlem").page("/arbeid/komite")
    assert "Fagdirektør Nord A" in member and 'id="plan-form"' not in member


def test_the_pages_are_in_english_when_chosen(browser_as, scheduled):
    coordinator = browser_as("coordinator", "koordinator")
    expected = {
        "/arbeid/tilgang": "Individual access",
        f"/arbeid/tilgang/{scheduled['case_id']}": "The assessment committee's decision",
        FORM: "Part 1 is not entered here",
        EXCEPTION_FORM: "New application for an exception for one patient",
        "/arbeid/tilgang/ny/gruppeunntak": "Trusts applying with the clinical group",
        "/arbeid/komite": "Plan meetings every two weeks",
        f"/arbeid/komite/moter/{scheduled['meeting_id']}": "Cases on the agenda",
        "/arbeid/komite/medlemmer/ny": "Role in the committee",
        "/arbeid/gruppeunntak": "Current group exceptions",
    }
    for path, heading in expected.items():
        page = html.unescape(coordinator.page(f"{path}?lang=en"))
        assert heading in page, path
        assert "Søknaden" not in page and "Saksgang" not in page, path
