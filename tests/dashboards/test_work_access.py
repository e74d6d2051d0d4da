"""Individual access in Chromium: a Tilgangsordningen case from the medical director of Helse
Bergen HF through the coordinator's return for incompleteness, the trust's supplement,
Sykehusinnkjøp's price check, the committee's meeting (the Bergen member recused) and decision to
the decision sent; and a group exception from its application to the published list
(002_e9fcae1246b76c56.txt L695–731, 000_3134ab22afa02640.txt L281–288)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.dashboards.axe import assert_accessible
from tests.dashboards.conftest import PASSWORD, LiveServer, _new_page, admin_api, screenshot
from tests.factories import MethodPayload
from tracker.individual.workdays import working_days_before
from tracker.timeutil import today

pytestmark = pytest.mark.browser

BERGEN = "Helse Bergen HF"
PEOPLE = {"work-fd-bergen": ("medical_director", BERGEN),
          "work-koordinator": ("coordinator", None), "procurement": ("procurement", None)}
MEMBERS = [("Walk Fagdirektør Bergen", BERGEN), ("Walk Fagdirektør Førde", "Helse Førde HF"),
           ("Walk Fagdirektør Oslo", "Oslo universitetssykehus HF"),
           ("Walk Fagdirektør Trondheim", "St. Olavs hospital HF"),
           ("Walk Fagdirektør Tromsø", "Universitetssykehuset Nord-Norge HF")]


def typed(day: date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Any:
    return admin_api(live_server, "work-access-admin")


@pytest.fixture(scope="module")
def logins(browser: Any, live_server: LiveServer) -> dict[str, Any]:
    """Log in once per person, through the login page, keeping the cookies."""
    from sqlmodel import Session

    from tracker.auth import SYSTEM, acting_as
    from tracker.users import service as users_service

    with acting_as(SYSTEM), Session(live_server.app.extensions["tracker_engine"]) as db:
        for name, (role, trust) in PEOPLE.items():
            if users_service.get_by_name(session=db, name=name) is None:
                users_service.create_user(session=db, name=name, role=role, password=PASSWORD,
                                          health_trust=trust)
        db.commit()
    states = {}
    for name in PEOPLE:
        context, pg = _new_page(browser)
        try:
            pg.goto(f"{live_server.url}/login?next=/arbeid/tilgang")
            pg.fill("input[name=name]", name)
            pg.fill("input[name=password]", PASSWORD)
            pg.click("form [type=submit]")
            pg.wait_for_url("**/arbeid/tilgang")
            states[name] = context.storage_state()
        finally:
            context.close()
    return states


@pytest.fixture
def person(browser: Any, logins: dict[str, Any]) -> Iterator[Any]:
    """Open a page as one of the people: `person("work-koordinator")`."""
    contexts: list[Any] = []

    def open_as(name: str) -> Any:
        context, pg = _new_page(browser, logins[name])
        contexts.append(context)
        return pg

    yield open_as
    for context in contexts:
        context.close()


def _method(api: Any, nye_metoder_id: str, outcome: str | None) -> dict[str, Any]:
    method = api.post("/api/v1/methods", json=MethodPayload(nye_metoder_id=nye_metoder_id))
    assert method.status_code == 201, method.json
    if outcome:
        decision = api.post("/api/v1/decisions", json={
            "method_id": method.json["id"], "decision_date": "2025-03-01", "outcome": outcome,
            "decision_text": "Beslutning i Beslutningsforum."})
        assert decision.status_code == 201, decision.json
    return dict(method.json)


@pytest.fixture(scope="module")
def meeting(api: Any) -> dict[str, Any]:
    """The test's own roster and a meeting on the latest free day up to today."""
    ids = {}
    for name, trust in MEMBERS:
        member = api.post("/api/v1/committee/members", json={
            "name": name, "committee_role": "member", "health_trust": trust,
            "medical_director": True, "active_from": "2025-04-01"})
        assert member.status_code == 201, member.json
        ids[name] = member.json["id"]
    taken = {m["held_on"] for m in api.get("/api/v1/committee/meetings").json["items"]}
    day = today()
    while day.isoformat() in taken:
        day -= timedelta(days=1)
    created = api.post("/api/v1/committee/meetings", json={"held_on": day.isoformat()})
    assert created.status_code == 201, created.json
    return {"id": created.json["id"], "day": day, "members": ids}


def _step(page: Any, to: str, at: date | None = None) -> None:
    form = page.locator(f"#step-form-{to}")
    if at is not None:
        form.locator(f"#f-step-{to}-at").fill(typed(at))
    _submit(page, f"#step-{to}")


def _submit(page: Any, button: str) -> None:
    """Click a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(button)


def test_a_tilgangsordningen_case_from_the_trust_to_the_decision_sent(
        person: Any, live_server: LiveServer, api: Any, meeting: dict[str, Any]) -> None:
    method = _method(api, "ID2026_981", "not_introduced")
    day = meeting["day"]
    director = person("work-fd-bergen")
    director.goto(f"{live_server.url}/arbeid/tilgang")
    _submit(director, "#new-access_scheme")
    director.wait_for_selector("#access-form")
    assert "fødselsnummer og signatur" in director.inner_text("#part1-note")
    assert director.locator("#f-sending_trust").input_value() == BERGEN
    fields = {
        "#f-application-applicant": "Overlege Walk", "#f-reference":
            f"{day:%Y-%m-%d}-Helse Bergen-Lungeavdelingen", "#f-diagnosis_icd10": "C34.1",
        "#f-application-birth_year": "1974",
        "#f-application-diagnosis_text": "Lungekreft med sjelden mutasjon",
        "#f-application-history": "Tre linjer tidligere behandling.",
        "#f-application-functional_level": "ECOG 1",
        "#f-application-drug": "Testinib 100 mg tabletter",
        "#f-nye_metoder_id": method["nye_metoder_id"], "#f-application-dose": "100 mg daglig",
        "#f-application-expected_duration": "6 måneder",
        "#f-application-evaluation_plan": "CT hver 8. uke.",
        "#f-application-drug_cost_per_month_nok": "85 000",
        "#f-application-other_costs_per_month_nok": "5 000",
        "#f-application-increased_benefit-justification": "Mutasjonen gir forventet respons.",
        "#f-application-overall_assessment": "Pasienten skiller seg klart fra gruppen.",
        "#f-application-line_manager-name": "Avdelingsleder",
        "#f-application-line_manager-justification": "Faglig forankret.",
        "#f-application-medical_director-name": "Fagdirektør Bergen",
        "#f-application-medical_director-justification": "Anbefales.",
        "#f-received_on": typed(day - timedelta(days=6)),
    }
    for selector, value in fields.items():
        director.fill(selector, value)
    for box in ("consent_confirmed", "increased_benefit-met", "line_manager-approved",
                "medical_director-approved"):
        director.check(f"#f-application-{box}")
    director.select_option("#f-application-legal_sex", "female")
    director.select_option("#f-application-treatment_goal", "life_prolonging")
    director.select_option("#f-application-price_basis", "maximum_price")
    assert_accessible(director, "the Tilgangsordningen form")
    screenshot(director, "tilgang-soknad")
    _submit(director, "#save")  # the stop criteria are left out: the application is incomplete
    director.wait_for_selector("#case-facts")
    case_id = int(director.url.rsplit("/", 1)[-1].split("?")[0])
    assert "Stoppkriterier" in director.inner_text("#missing-list")

    coordinator = person("work-koordinator")
    coordinator.goto(f"{live_server.url}/arbeid/tilgang")
    assert "venter på deg" in coordinator.inner_text(f"#case-row-{case_id}")
    assert_accessible(coordinator, "the coordinator's queue")
    coordinator.goto(f"{live_server.url}/arbeid/tilgang/{case_id}")
    assert coordinator.locator("#step-form-returned input[value=stop_criteria]").is_checked()
    _step(coordinator, "returned", day - timedelta(days=5))
    assert "Sendt tilbake for supplering" in coordinator.inner_text("#case-state")

    director.reload()
    assert "Mangler: Stoppkriterier" in director.inner_text("#timeline-table")
    director.fill("#f-application-stop_criteria", "Progresjon eller uakseptabel toksisitet.")
    _submit(director, "#supplement-save")
    director.wait_for_selector("#flash-saved")
    _step(director, "received", day - timedelta(days=4))

    coordinator.reload()
    _step(coordinator, "complete", day - timedelta(days=4))
    buyer = person("procurement")
    buyer.goto(f"{live_server.url}/arbeid/tilgang/{case_id}")
    assert buyer.locator("#f-step-price_checked-cost_per_month_nok").input_value() == "85000"
    buyer.fill("#f-step-price_checked-cost_per_month_nok", "79 500")
    _step(buyer, "price_checked", day - timedelta(days=3))

    coordinator.reload()
    coordinator.select_option("#f-step-scheduled-meeting_id", str(meeting["id"]))
    _step(coordinator, "scheduled", day - timedelta(days=3))
    coordinator.goto(f"{live_server.url}/arbeid/komite/moter/{meeting['id']}")
    for member_id in meeting["members"].values():
        coordinator.check(f"#attend-{member_id}")
    _submit(coordinator, "#attendance-save")
    coordinator.wait_for_selector("#flash-saved")
    coordinator.fill("#f-papers-sent_on", typed(working_days_before(day, 2)))
    _submit(coordinator, "#papers-save")
    coordinator.wait_for_selector("#papers-sent")
    row = coordinator.inner_text(f"#agenda-case-{case_id}")
    assert f"Walk Fagdirektør Bergen (fra {BERGEN}, sakens eget helseforetak)" in row
    assert "Walk Fagdirektør Bergen" not in coordinator.inner_text(
        f"#agenda-case-{case_id} .deciding")
    assert_accessible(coordinator, "the meeting page")
    screenshot(coordinator, "tilgang-mote")

    _submit(coordinator, f"#decide-link-{case_id}")
    coordinator.wait_for_selector("#committee-decision-form")
    assert "Walk Fagdirektør Bergen" in coordinator.inner_text("#committee-recused")
    coordinator.check("#outcome-granted")
    coordinator.check("#f-decision-consensus")
    coordinator.check("#ground-increased_benefit")
    coordinator.fill("#f-decision-justification", "Pasienten er klinisk eksepsjonell.")
    screenshot(coordinator, "tilgang-komite-skjema", element=coordinator.locator("#committee"))
    _submit(coordinator, "#decide")
    coordinator.wait_for_selector("#decision")
    record = coordinator.inner_text("#decision")
    assert "Vurderingskomitéens avgjørelse" in record and "Innvilget, ved konsensus" in record
    assert f"Walk Fagdirektør Bergen (fra {BERGEN}, sakens eget helseforetak)" in record
    screenshot(coordinator, "tilgang-avgjorelse", element=coordinator.locator("#decision"))
    _step(coordinator, "sent")
    assert "Avgjørelsen er sendt" in coordinator.inner_text("#case-state")
    assert_accessible(coordinator, "the decided case")
    screenshot(coordinator, "tilgang-sak")

    stored = api.get(f"/api/v1/access-cases/{case_id}").json
    assert [(s["to_state"], s["by"]) for s in stored["steps"]] == [
        ("received", "work-fd-bergen"), ("returned", "work-koordinator"),
        ("received", "work-fd-bergen"), ("complete", "work-koordinator"),
        ("price_checked", "procurement"), ("scheduled", "work-koordinator"),
        ("decided", "work-koordinator"), ("sent", "work-koordinator")]
    assert stored["decision"]["recused"][0]["name"] == "Walk Fagdirektør Bergen"
    assert len(stored["decision"]["deciding"]) == 4
    assert stored["steps"][4]["payload"]["cost_per_month_nok"] == 79500


def test_a_group_exception_from_application_to_the_published_list(
        person: Any, page: Any, live_server: LiveServer, api: Any) -> None:
    method = _method(api, "ID2026_982", None)  # under assessment
    director = person("work-fd-bergen")
    director.goto(f"{live_server.url}/arbeid/tilgang/ny/gruppeunntak")
    director.fill("#f-nye_metoder_id", method["nye_metoder_id"])
    director.fill("#f-application-clinical_group", "Norsk lymfomgruppe, Walk")
    director.get_by_label(BERGEN, exact=True).check()
    director.get_by_label("Helse Stavanger HF", exact=True).check()
    director.fill("#f-application-patient_group", "Residiverende follikulært lymfom (Walk)")
    director.fill("#f-application-justification", "Ingen alternativ behandling.")
    _submit(director, "#save")
    director.wait_for_selector("#case-facts")
    case_id = int(director.url.rsplit("/", 1)[-1].split("?")[0])
    assert api.get(f"/api/v1/access-cases/{case_id}").json["application"]["trusts"] == [
        BERGEN, "Helse Stavanger HF"]

    coordinator = person("work-koordinator")
    coordinator.goto(f"{live_server.url}/arbeid/tilgang/{case_id}")
    coordinator.select_option("#f-step-decided-outcome", "granted")
    coordinator.fill("#f-step-decided-justification", "Fagdirektørmøtet innvilget.")
    coordinator.fill("#f-step-decided-indication_limits", "Etter minst to tidligere linjer.")
    _step(coordinator, "decided")
    assert "Fagdirektørmøtets avgjørelse" in coordinator.inner_text("#decision")

    page.goto(f"{live_server.url}/arbeid/gruppeunntak")  # the public, not logged in
    current = page.inner_text("#groups-current")
    assert "Residiverende follikulært lymfom (Walk)" in current
    assert "Etter minst to tidligere linjer." in current
    assert f"{BERGEN}, Helse Stavanger HF" in current
    assert_accessible(page, "the published group exceptions")
    screenshot(page, "tilgang-gruppeunntak")
