"""Beslutningsforum works a reassessment in Chromium: opens the case, walks it step by step,
records a phase-out decision with its dates and ticks off a step of the phase-out plan; the API
shows what was done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.dashboards.axe import assert_accessible
from tests.dashboards.conftest import LiveServer, admin_api, own_introduction, screenshot
from tracker.timeutil import today

pytestmark = pytest.mark.browser

WALK = [("data_requested", "Data bestilt"), ("data_received", "Data mottatt"),
        ("assessment_ordered", "Metodevurdering bestilt (Bestillerforum)"),
        ("assessment_delivered", "Metodevurdering levert")]


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Any:
    """The live server's API as an administrator (to prepare data and check the result)."""
    return admin_api(live_server, "work-reassessment-admin")


@pytest.fixture(scope="module")
def introduction(api: Any) -> dict[str, Any]:
    """A temporary introduction of its own, so the demo data stay as the other tests need."""
    return own_introduction(api, "ID2026_977", "utfasimab")


_no_serious_violations = assert_accessible



def test_the_forum_walks_a_case_to_a_phase_out_decision_and_ticks_a_step(
        page_as: Any, live_server: LiveServer, api: Any, introduction: dict[str, Any]) -> None:
    page = page_as("forum")
    page.goto(f"{live_server.url}/arbeid/innforinger/{introduction['id']}/revurdering")
    page.fill("#f-note", "Treårsdata fra INSPIRE foreligger.")
    page.click("#open-case-button")
    page.wait_for_selector("#transition-form")
    assert "Revurderingssaken er åpnet." in page.inner_text("#flash-saved")
    case_id = int(page.url.rsplit("/", 1)[-1].split("?")[0])
    _no_serious_violations(page, "the case page, planned")

    for state, label in WALK:
        # Only the step the workflow allows is offered.
        assert page.locator("#transition-form button[name=to]").count() == 1
        if state == "assessment_ordered":
            page.fill("#f-transition-note", "Bestilt i Bestillerforum.")
        page.click(f"#to-{state}")
        page.wait_for_function(
            "label => document.querySelector('#case-state').innerText.includes(label)", arg=label)
    assert "Bestilt i Bestillerforum." in page.inner_text("#timeline-table")

    # The decision form shows the chosen outcome's fields only.
    form = page.locator("#decision-form")
    assert page.locator("#fields-phase_out").is_hidden()
    page.check("#outcome-phase_out")
    assert page.locator("#fields-phase_out").is_visible()
    assert page.locator("#fields-renegotiation").is_hidden()
    stop = today() + timedelta(days=30)
    follow_up = today() + timedelta(days=120)
    page.fill("#f-phase_out-new_patients_stop_date", stop.strftime("%d.%m.%Y"))
    page.fill("#f-phase_out-follow_up_date", follow_up.strftime("%d.%m.%Y"))
    plan = page.locator("#f-phase_out-patients_on_treatment")
    assert "Pasienter på behandling fullfører" in plan.input_value()  # from the exit plan
    plan.fill("Pasientene på behandling fullfører; MT-innehaver dekker legemiddelet.")
    page.fill("#f-decision-note", "Beslutningsforum, sak 41-2026")
    _no_serious_violations(page, "the case page with the decision form")
    screenshot(page, "work-reassessment-decision-form", element=form)
    page.click("#decide")
    page.wait_for_selector("#phaseout-steps")

    assert "Videreføres ikke: utfases" in page.inner_text("#decision-outcome")
    decided = page.inner_text("#decision-fields")
    assert stop.strftime("%d.%m.%Y") in decided and follow_up.strftime("%d.%m.%Y") in decided
    stored = api.get(f"/api/v1/reassessments/{case_id}").json
    assert stored["state"] == "decided" and stored["outcome"] == "phase_out"
    assert stored["decided_by"] == "forum"
    assert stored["decision"]["new_patients_stop_date"] == stop.isoformat()
    assert stored["phaseout_plan"]["patients_on_treatment"].startswith("Pasientene på behandling")
    first = stored["phaseout_plan"]["steps"][0]

    page.fill(f"#f-done-{first['id']}-note", "Brev sendt til helseforetakene.")
    page.click(f"#mark-step-{first['id']}")
    page.wait_for_selector("#flash-saved")
    row = page.inner_text(f"#phaseout-step-{first['id']}")
    assert f"Utført {today():%d.%m.%Y} av forum" in row
    plan_now = api.get(f"/api/v1/phaseout-plans/{stored['phaseout_plan']['id']}").json
    assert plan_now["steps"][0]["done_on"] == today().isoformat()
    assert plan_now["steps"][0]["done_note"] == "Brev sendt til helseforetakene."
    assert plan_now["steps"][1]["done_on"] is None
    _no_serious_violations(page, "the decided case page")
    screenshot(page, "work-reassessment-decided")

    # The forum's list shows the decided case with its outcome.
    page.goto(f"{live_server.url}/arbeid/revurderinger")
    assert "Videreføres ikke: utfases" in page.inner_text(f"#case-row-{case_id}")
    _no_serious_violations(page, "the list of cases")
