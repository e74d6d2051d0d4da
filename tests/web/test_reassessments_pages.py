"""The secretariat and Beslutningsforum work a reassessment case in the browser: open it, move it
step by step, record the decision, tick off the phase-out plan; the API shows what they did."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from tests.factories import create_temporary_introduction, post_current
from tests.web.conftest import Browser, csrf_of
from tracker.timeutil import today

WALK = ["data_requested", "data_received", "assessment_ordered", "assessment_delivered"]


def _typed(days: int) -> str:
    """A date `days` from today as a Norwegian user types it."""
    return (today() + timedelta(days=days)).strftime("%d.%m.%Y")


def _iso(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def _open_case(client: Any, **over: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    intro = create_temporary_introduction(client, **over)
    response = client.post(f"/api/v1/introductions/{intro['id']}/reassessments", json={})
    assert response.status_code == 201, response.json
    return intro, dict(response.json)


def _move(client: Any, case_id: int, *states: str) -> dict[str, Any]:
    """Move a case through the API, as another user of the secretariat would."""
    case: dict[str, Any] = {}
    for to in states:
        response = post_current(client, f"/api/v1/reassessments/{case_id}/transitions",
                                json={"to": to}, read=f"/api/v1/reassessments/{case_id}")
        assert response.status_code == 200, response.json
        case = dict(response.json)
    return case


def _case(client: Any, case_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/reassessments/{case_id}").get_json())


def _form(page: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{re.escape(form_id)}".*?</form>', page, re.DOTALL)
    assert match, f"the page has no form {form_id}"
    return match.group(0)


def _hidden(form: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', form)
    assert match, f"the form has no hidden input {name}"
    return html.unescape(match.group(1))


def _post_form(browser: Browser, path: str, form_id: str, data: dict[str, Any],
               page: str | None = None) -> Any:
    """Post one of the page's forms as the browser would: its hidden inputs plus `data`."""
    page = page if page is not None else browser.page(path)
    form = _form(page, form_id)
    sent = {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}
    sent.update(data)
    return browser.client.post(path, data=sent)


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_secretariat_opens_a_case_from_the_introduction_page(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    path = f"/arbeid/innforinger/{intro['id']}/revurdering"
    page = browser.page(path)
    assert "ingen revurderingssak ennå" in page and 'id="open-form"' in page
    response = browser.submit(path, {"at": "", "note": "Data fra INSPIRE foreligger."})
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    stored = client.get(f"/api/v1/introductions/{intro['id']}/reassessments").get_json()["items"]
    assert [(c["id"], c["state"]) for c in stored] == [(case_id, "planned")]
    assert stored[0]["steps"][0]["note"] == "Data fra INSPIRE foreligger."
    assert stored[0]["opened_on"] == today().isoformat()
    assert client.get(f"/api/v1/introductions/{intro['id']}").get_json()["status"] == \
        "under_reassessment"
    case_page = _text(browser.get(response.headers["Location"]))
    assert "Revurderingssaken er åpnet." in case_page
    assert "Planlagt" in case_page and "Data fra INSPIRE foreligger." in case_page
    # Now the introduction's page links to the open case and offers no second one ...
    again = browser.page(path)
    assert 'id="open-form"' not in again and f'/arbeid/revurderinger/{case_id}' in again
    # ... and a forged second opening is refused in Norwegian, storing nothing.
    forged = browser.client.post(path, data={"csrf_token": csrf_of(again), "note": "x"})
    assert forged.status_code == 409
    assert "har allerede en åpen revurderingssak" in _text(forged)
    assert len(client.get(f"/api/v1/introductions/{intro['id']}/reassessments")
               .get_json()["items"]) == 1


def test_a_case_moves_through_the_allowed_steps_to_a_permanent_decision(browser_as, client):
    intro, case = _open_case(client)
    browser = browser_as("secretariat", "kari")
    path = f"/arbeid/revurderinger/{case['id']}"
    for i, to in enumerate(WALK):
        page = browser.page(path)
        buttons = re.findall(r'<button type="submit" name="to" value="([a-z_]+)"', page)
        assert buttons == [to], (to, buttons)  # only the step the workflow allows
        response = _post_form(browser, path, "transition-form",
                              {"to": to, "transition.at": "", "transition.note": f"Steg {i}"},
                              page=page)
        assert response.status_code == 302, _text(response)
    stored = _case(client, case["id"])
    assert stored["state"] == "assessment_delivered"
    assert [s["to_state"] for s in stored["steps"]] == ["planned", *WALK]
    assert [s["note"] for s in stored["steps"][1:]] == ["Steg 0", "Steg 1", "Steg 2", "Steg 3"]
    assert {s["by"] for s in stored["steps"][1:]} == {"kari"}
    page = _text(browser.get(path))
    # From a delivered assessment: a price negotiation as a step, or the decision form.
    assert re.findall(r'name="to" value="([a-z_]+)"', page) == ["price_negotiation"]
    assert 'id="decision-form"' in page
    assert "Metodevurdering bestilt (Bestillerforum) → " in page and "Steg 2" in page
    response = _post_form(browser, path, "decision-form", {
        "outcome": "permanent", "decision.at": "", "decision.note": "Sak 12/27",
        "permanent.criteria": "Bare PD-L1 ≥ 50 %.",
    })
    assert response.status_code == 302, _text(response)
    stored = _case(client, case["id"])
    assert stored["state"] == "decided" and stored["outcome"] == "permanent"
    assert stored["decision"]["criteria"] == "Bare PD-L1 ≥ 50 %."
    assert stored["decision"]["note"] == "Sak 12/27"
    assert client.get(f"/api/v1/introductions/{intro['id']}").get_json()["status"] == "concluded"
    page = _text(browser.get(path))
    assert "Innføres permanent" in page and "Kriterier for bruk" in page
    assert "Bare PD-L1 ≥ 50 %." in page and f"Besluttet {today():%d.%m.%Y}" in page
    assert 'id="decision-form"' not in page and 'id="transition-form"' not in page
    assert "Beslutningen er registrert." in page


def test_a_disallowed_step_is_not_offered_and_a_forged_post_of_it_is_refused(
        browser_as, client):
    _, case = _open_case(client)
    browser = browser_as("secretariat")
    path = f"/arbeid/revurderinger/{case['id']}"
    page = browser.page(path)
    assert 'value="assessment_delivered"' not in page and 'value="decided"' not in page
    assert 'id="decision-form"' not in page
    forged = _post_form(browser, path, "transition-form",
                        {"to": "assessment_delivered", "transition.note": "hopper over"},
                        page=page)
    assert forged.status_code == 409
    text = _text(forged)
    assert ("Saken står i «Planlagt» og kan ikke gå til «Metodevurdering levert». "
            "Tillatte neste steg: «Data bestilt».") in text
    assert 'value="hopper over"' in text or ">hopper over</textarea>" in text
    forged_decision = browser.client.post(path, data={
        "csrf_token": csrf_of(page), "_action": "decide", "version": case["version"],
        "outcome": "permanent"})
    assert forged_decision.status_code == 409
    assert "kan ikke besluttes ennå" in _text(forged_decision)
    stored = _case(client, case["id"])
    assert stored["state"] == "planned" and len(stored["steps"]) == 1
    assert stored["version"] == case["version"]


def test_the_forum_records_a_phase_out_decision_with_dates_and_the_plan(browser_as, client):
    intro, case = _open_case(client)
    _move(client, case["id"], *WALK)
    forum = browser_as("forum")
    path = f"/arbeid/revurderinger/{case['id']}"
    page = _text(forum.get(path))
    # The plan for patients on treatment starts from the introduction's exit plan.
    assert intro["exit_plan"]["patients_on_treatment"] in page
    response = _post_form(forum, path, "decision-form", {
        "outcome": "phase_out", "decision.at": _typed(0), "decision.note": "Møte 3/27",
        "phase_out.new_patients_stop_date": _typed(30),
        "phase_out.follow_up_date": _typed(180),
        "phase_out.patients_on_treatment": "Pasienter på behandling fullfører; MT-innehaver "
                                           "dekker legemiddelet.",
        # typed into another outcome's fields, then changed mind: not sent on
        "renegotiation.deadline": "bogus", "permanent.criteria": "glemt",
    })
    assert response.status_code == 302, _text(response)
    stored = _case(client, case["id"])
    assert stored["outcome"] == "phase_out"
    assert stored["decision"]["new_patients_stop_date"] == _iso(30)
    assert stored["decision"]["follow_up_date"] == _iso(180)
    assert "criteria" not in stored["decision"] and "deadline" not in stored["decision"]
    plan = stored["phaseout_plan"]
    assert plan["patients_on_treatment"].startswith("Pasienter på behandling fullfører; MT")
    assert [(s["key"], s["due_date"]) for s in plan["steps"]] == [
        ("stop_new_patients", _iso(30)), ("follow_up", _iso(180))]
    page = _text(forum.get(path))
    assert "Videreføres ikke: utfases" in page
    assert f"Ingen nye pasienter fra</dt><dd>{_typed(30)}" in page
    assert f"Ingen nye pasienter startes fra {_typed(30)}" in page  # the checklist
    assert page.count("Merk som utført") == 2
    shown = re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL))
    assert "phase_out" not in shown and "stop_new_patients" not in shown  # no raw codes


def test_a_phase_out_step_is_marked_done(browser_as, client):
    _, case = _open_case(client)
    _move(client, case["id"], *WALK)
    response = post_current(client, f"/api/v1/reassessments/{case['id']}/decision", json={
        "outcome": "phase_out", "new_patients_stop_date": _iso(10),
        "follow_up_date": _iso(90)}, read=f"/api/v1/reassessments/{case['id']}")
    assert response.status_code == 200, response.json
    plan = response.json["phaseout_plan"]
    first = plan["steps"][0]
    forum = browser_as("forum", "fors")
    path = f"/arbeid/revurderinger/{case['id']}"
    done = _post_form(forum, path, f"done-form-{first['id']}",
                      {f"done-{first['id']}.at": "", f"done-{first['id']}.note": "Brev sendt"})
    assert done.status_code == 302, _text(done)
    steps = client.get(f"/api/v1/phaseout-plans/{plan['id']}").get_json()["steps"]
    assert (steps[0]["done_on"], steps[0]["done_by"], steps[0]["done_note"]) == (
        today().isoformat(), "fors", "Brev sendt")
    assert steps[1]["done_on"] is None
    page = _text(forum.get(path))
    assert f"Utført {today():%d.%m.%Y} av fors" in page and "Brev sendt" in page
    assert f'id="done-form-{first["id"]}"' not in page
    assert f'id="done-form-{steps[1]["id"]}"' in page
    assert "Steget er merket som utført." in page


def test_a_decision_with_errors_shows_them_next_to_the_fields_and_stores_nothing(
        browser_as, client):
    _, case = _open_case(client)
    _move(client, case["id"], *WALK)
    browser = browser_as("secretariat")
    path = f"/arbeid/revurderinger/{case['id']}"
    missing = _post_form(browser, path, "decision-form", {
        "outcome": "phase_out", "phase_out.new_patients_stop_date": "",
        "phase_out.follow_up_date": "31.02.2027", "decision.note": "beholdes"})
    assert missing.status_code == 422
    page = _text(missing)
    assert re.search(r'id="error-phase_out-new_patients_stop_date">Må fylles ut\.', page)
    assert 'id="error-phase_out-follow_up_date">Datoen finnes ikke' in page
    assert 'href="#f-phase_out-new_patients_stop_date">Ingen nye pasienter fra</a>' in page
    assert ">beholdes</textarea>" in page and 'value="phase_out" checked' in page
    no_deadline = _post_form(browser, path, "decision-form", {
        "outcome": "renegotiation", "renegotiation.renegotiate": "Prisen",
        "renegotiation.deadline": ""})
    assert no_deadline.status_code == 422
    assert 'id="error-renegotiation-deadline">Må fylles ut.' in _text(no_deadline)
    nothing = _post_form(browser, path, "decision-form", {"decision.note": "x"})
    assert nothing.status_code == 422
    assert 'id="error-outcome">Velg en beslutning.' in _text(nothing)
    early = _post_form(browser, path, "decision-form", {
        "outcome": "renegotiation", "renegotiation.renegotiate": "Prisen",
        "renegotiation.deadline": _typed(-40)})
    assert early.status_code == 422
    assert "Kan ikke være før beslutningsdatoen" in _text(early)
    no_group = _post_form(browser, path, "decision-form", {
        "outcome": "subgroup_continuation",
        **{f"subgroup_continuation.subgroups.{i}.{name}": "" for i in range(3)
           for name in ("name", "criteria")},
        "subgroup_continuation.rest_phaseout_date": _typed(30)})
    assert no_group.status_code == 422
    assert 'id="error-subgroup_continuation-subgroups">Minst 1 må fylles ut.' in \
        _text(no_group)
    stored = _case(client, case["id"])
    assert stored["state"] == "assessment_delivered" and stored["decision"] is None
    assert stored["follow_up_case_id"] is None


def test_subgroup_continuation_keeps_the_named_subgroups(browser_as, client):
    _, case = _open_case(client)
    _move(client, case["id"], *WALK)
    forum = browser_as("forum")
    path = f"/arbeid/revurderinger/{case['id']}"
    response = _post_form(forum, path, "decision-form", {
        "outcome": "subgroup_continuation",
        "subgroup_continuation.subgroups.0.name": "PD-L1 høy",
        "subgroup_continuation.subgroups.0.criteria": "PD-L1 ≥ 50 %",
        "subgroup_continuation.subgroups.1.name": "",
        "subgroup_continuation.subgroups.1.criteria": "",
        "subgroup_continuation.subgroups.2.name": "Unge",
        "subgroup_continuation.subgroups.2.criteria": "Under 40 år",
        "subgroup_continuation.rest_phaseout_date": _typed(60),
        "subgroup_continuation.follow_up_date": "",
    })
    assert response.status_code == 302, _text(response)
    stored = _case(client, case["id"])
    assert stored["decision"]["subgroups"] == [
        {"name": "PD-L1 høy", "criteria": "PD-L1 ≥ 50 %"},
        {"name": "Unge", "criteria": "Under 40 år"}]
    assert [s["key"] for s in stored["phaseout_plan"]["steps"]] == ["stop_new_patients"]
    page = _text(forum.get(path))
    assert "Videreføres for undergrupper, utfases for resten" in page
    assert f"utenfor undergruppene (PD-L1 høy, Unge) startes fra {_typed(60)}" in page


def test_a_renegotiation_opens_a_follow_up_case_with_its_deadline(browser_as, client):
    intro, case = _open_case(client)
    _move(client, case["id"], *WALK)
    forum = browser_as("forum")
    path = f"/arbeid/revurderinger/{case['id']}"
    response = _post_form(forum, path, "decision-form", {
        "outcome": "renegotiation", "renegotiation.renegotiate": "Prisen for 2. linje",
        "renegotiation.deadline": _typed(90)})
    assert response.status_code == 302, _text(response)
    stored = _case(client, case["id"])
    follow_up = _case(client, stored["follow_up_case_id"])
    assert follow_up["state"] == "price_negotiation" and follow_up["due_date"] == _iso(90)
    page = _text(forum.get(path))
    assert "Ny prisforhandling" in page and f"/arbeid/revurderinger/{follow_up['id']}" in page
    follow_page = _text(forum.get(f"/arbeid/revurderinger/{follow_up['id']}"))
    assert f"Frist for reforhandlingen</dt><dd id=\"case-due\">{_typed(90)}" in follow_page
    assert 'id="decision-form"' in follow_page  # the negotiation returns for the decision


def test_a_stale_step_shows_the_conflict_and_keeps_what_was_typed(browser_as, client):
    _, case = _open_case(client)
    kari, ola = browser_as("secretariat", "kari"), browser_as("forum", "ola")
    path = f"/arbeid/revurderinger/{case['id']}"
    kari_page = kari.page(path)
    assert _post_form(ola, path, "transition-form", {"to": "data_requested"}).status_code == 302
    response = _post_form(kari, path, "transition-form",
                          {"to": "data_requested", "transition.note": "Kari bestiller"},
                          page=kari_page)
    assert response.status_code == 409
    page = _text(response)
    assert 'id="stale-conflict"' in page
    assert re.search(r"<td>Status</td><td>Planlagt</td><td>Data bestilt</td>", page)
    assert ">Kari bestiller</textarea>" in page
    stored = _case(client, case["id"])
    assert [(s["to_state"], s["by"]) for s in stored["steps"]][1:] == [("data_requested", "ola")]
    # Saving the kept form again is refused again: it still carries the old version.
    again = _post_form(kari, path, "transition-form", {"to": "data_received"}, page=page)
    assert again.status_code == 409 and 'id="stale-conflict"' in _text(again)
    assert _case(client, case["id"])["state"] == "data_requested"


def test_a_clinician_sees_the_case_but_no_buttons_and_cannot_post(browser_as, client):
    intro, case = _open_case(client)
    _move(client, case["id"], *WALK)
    clinician = browser_as("clinician")
    path = f"/arbeid/revurderinger/{case['id']}"
    page = clinician.page(path)
    assert "Metodevurdering levert" in page and "Saksgang" in page
    assert "<form" not in page.split('id="main"')[1]  # no form at all in the page body
    assert "Merk som utført" not in page and "Registrer beslutningen" not in page
    listing = clinician.page("/arbeid/revurderinger")
    assert f'id="case-row-{case["id"]}"' in listing
    forged = clinician.client.post(path, data={
        "csrf_token": csrf_of(listing if "csrf_token" in listing else page),
        "_action": "transition", "to": "price_negotiation", "version": case["version"] + 4})
    assert forged.status_code == 403
    other = create_temporary_introduction(client)
    intro_page = clinician.page(f"/arbeid/innforinger/{other['id']}/revurdering")
    assert 'id="open-form"' not in intro_page
    forged_open = clinician.client.post(f"/arbeid/innforinger/{other['id']}/revurdering",
                                        data={"csrf_token": csrf_of(intro_page)})
    assert forged_open.status_code == 403
    assert _case(client, case["id"])["state"] == "assessment_delivered"
    assert client.get(f"/api/v1/introductions/{other['id']}/reassessments") \
        .get_json()["items"] == []


def test_the_list_filters_by_state_and_shows_the_forum_its_cases_to_decide_first(
        browser_as, client):
    _, early = _open_case(client, review_date="2027-01-15")
    _, ready = _open_case(client, review_date="2027-09-01")
    _move(client, ready["id"], *WALK)
    forum = browser_as("forum")
    page = forum.page("/arbeid/revurderinger")
    assert page.index(f'id="case-row-{ready["id"]}"') < page.index(f'id="case-row-{early["id"]}"')
    assert "1 saker venter på beslutning" in page and "Til beslutning" in page
    # The secretariat sees them by review date.
    secretariat = browser_as("secretariat").page("/arbeid/revurderinger")
    assert secretariat.index(f'id="case-row-{early["id"]}"') < \
        secretariat.index(f'id="case-row-{ready["id"]}"')
    planned = forum.page("/arbeid/revurderinger?state=planned")
    assert f'case-row-{early["id"]}' in planned and f'case-row-{ready["id"]}' not in planned
    to_decide = forum.page("/arbeid/revurderinger?state=to_decide")
    assert f'case-row-{ready["id"]}' in to_decide and f'case-row-{early["id"]}' not in to_decide
    assert '<option value="to_decide" selected>' in to_decide


def test_the_case_page_speaks_english_when_chosen(browser_as, client):
    _, case = _open_case(client)
    browser = browser_as("secretariat")
    path = f"/arbeid/revurderinger/{case['id']}?lang=en"
    page = _text(browser.get(path))
    assert "To: Data requested" in page and "Timeline" in page
    assert "Planlagt" not in page and "Data bestilt" not in page
    forged = _post_form(browser, path, "transition-form", {"to": "data_received"}, page=page)
    assert forged.status_code == 409
    assert ("The case is at “Planned” and cannot move to “Data received”. Allowed next steps: "
            "“Data requested”.") in _text(forged)
    listing = browser.page("/arbeid/revurderinger?lang=en")
    assert "Reassessments" in listing and f"/arbeid/revurderinger/{case['id']}?lang=en" in listing


def test_the_public_is_sent_to_the_login_page(anonymous, client):
    _, case = _open_case(client)
    response = anonymous.get(f"/arbeid/revurderinger/{case['id']}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
