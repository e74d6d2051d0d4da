"""What the pages showed wrong (issue #14, item 5), each checked as a user would notice it.

Through the Dash callbacks with Flask's test client on the demo as `make run` leaves it (SQLite
and PostgreSQL), and in Chromium where only a browser can tell (layout, printing).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from dashboards.data import flag_state
from dashboards.pages.outcomes_panel import breakdown_body
from tests.dashboards.test_role_starts import find
from tests.dashboards.test_routes import route
from tests.web import conftest as web
from tracker.cli import main as cli_main
from tracker.outcomes import schemas as s

browser_as = web.browser_as  # a browser logged in through the login page, per role


@pytest.fixture
def demo(cli: CliRunner) -> CliRunner:
    """The demo as `make run` leaves it (`tracker seed demo`, then `tracker seed feeds`): the
    test's database is copied from one seeded so once per worker (tests/conftest.py)."""
    return cli


def ids(client: Any) -> dict[str, int]:
    """Introduction ids by Nye metoder ID."""
    items = client.get("/api/v1/introductions?limit=500").json["items"]
    return {i["nye_metoder_id"]: i["id"] for i in items}


def page(client: Any, path: str, search: str = "") -> str:
    """The page's own content (no header) as JSON text."""
    return json.dumps(route(client, path, search)["response"]["page"], ensure_ascii=False)


def callback(client: Any, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]],
             state: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """Fire a Dash callback as the browser does; return its answer by output id."""
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }
    if len(outputs) == 1:  # a single output is named as itself, not as a list
        body["output"] = f"{outputs[0][0]}.{outputs[0][1]}"
        body["outputs"] = {"id": outputs[0][0], "property": outputs[0][1]}
    response = client.post("/dashboards/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return dict(response.json["response"])


def endpoint_panel(client: Any, introduction_id: int, endpoint: str) -> str:
    answer = callback(
        client,
        [("km-figure", "figure"), ("km-col", "style"), ("verdict-wrap", "children"),
         ("numbers-col", "children")],
        [("endpoint", "value", endpoint)],
        [("intro-ctx", "data", {"lang": "nb", "id": introduction_id})],
    )
    return json.dumps(answer, ensure_ascii=False)


# --- 1. the demo opens with its flags raised -----------------------------------------------


def test_the_demo_opens_with_its_flags_raised_and_seeding_again_changes_none(
    demo: CliRunner, client: Any, anonymous: Any
) -> None:
    flags = client.get("/api/v1/flags?open=true&limit=500").json
    assert flags["total"] >= 10
    kinds = {f["kind"] for f in flags["items"]}
    assert {"review_overdue", "data_delivery_overdue", "outcome_divergence"} <= kinds
    # A milestone the seeded deliveries meet is not left flagged by the sweep before them.
    for flag in flags["items"]:
        if flag["kind"] == "data_delivery_overdue" and flag["facts"]["latest_data_cut"]:
            assert flag["facts"]["latest_data_cut"] < flag["facts"]["data_cut"], flag
    before = sorted(f["id"] for f in flags["items"])
    again = demo.invoke(cli_main, ["seed", "demo"])
    assert again.exit_code == 0 and "open flags: 0 added" in again.output
    after = client.get("/api/v1/flags?open=true&limit=500").json["items"]
    assert sorted(f["id"] for f in after) == before
    # The overview shows them, and a passed review date is marked even for the public.
    assert "På overtid: " in page(client, "/dashboards/")
    public = page(anonymous, "/dashboards/")
    assert "review-date date-overdue" in public and "fristen er passert" in public


# --- 4. the breakdown ----------------------------------------------------------------------


def test_an_empty_breakdown_says_so_instead_of_drawing_a_bare_axis() -> None:
    empty = s.Breakdown(
        introduction_id=1, endpoint="OS", time_unit="months", group_by="health_trust",
        delivery=s.DeliveryRef(id=1, source="NPR", data_cut=date(2026, 6, 30), file_name="x"),
        groups=[], small_counts_suppressed=True,
    )
    shown = json.dumps(breakdown_body(empty, "nb")[0].to_plotly_json(), default=str,
                       ensure_ascii=False)
    assert "Ingen grupper å vise" in shown and "breakdown-figure" not in shown


def test_trusts_of_one_or_two_patients_are_marked_too_few_to_read(
    demo: None, browser_as: Any, anonymous: Any
) -> None:
    intro = ids(anonymous)["ID2021_901"]

    def trusts(client: Any) -> str:
        answer = callback(
            client, [("breakdown-body", "children")],
            [("group-by", "value", "health_trust"), ("numbers-col", "children", None)],
            [("endpoint", "value", "OS"), ("intro-ctx", "data", {"lang": "nb", "id": intro})],
        )
        return json.dumps(answer, ensure_ascii=False)

    secretariat = trusts(browser_as("secretariat").client)  # may see counts under 5
    public = trusts(anonymous)
    # Finnmarkssykehuset has 2 patients: drawn grey and said to be too few, not at 100 %.
    assert "Finnmarkssykehuset HF (n = 2)" in secretariat
    assert "for få til å tolke" in secretariat and '"meta": "km_small"' in secretariat
    assert re.search(r"Oslo universitetssykehus HF \(n = \d+\)", secretariat)
    # The public never sees a count under 5: those trusts are named as hidden, not drawn.
    assert "Finnmarkssykehuset HF (skjult (< 5))" in public
    assert "for få til å tolke" not in public and "km_small" not in public


# --- 5. flags and the timeline -------------------------------------------------------------


def test_a_divergence_is_a_signal_and_a_passed_deadline_is_overdue() -> None:
    today = date(2026, 12, 2)
    assert flag_state("outcome_divergence", date(2026, 8, 31), None, today) == "signal"
    assert flag_state("volume_threshold", date(2026, 1, 1), None, today) == "signal"
    assert flag_state("data_delivery_due", date(2026, 11, 30), None, today) == "overdue"
    assert flag_state("review_upcoming", date(2027, 3, 31), 119, today) == "due"


def test_the_overview_shows_divergence_as_a_deviation_not_as_due_soon(
    demo: None, browser_as: Any
) -> None:
    shown = page(browser_as("secretariat").client, "/dashboards/")
    assert "Avvik: " in shown and "flag flag-signal" in shown
    assert "Resultatene avviker fra antagelsene" in shown
    assert not re.search(r"Nærmer seg: [^\"]*Resultatene avviker", shown)
    # The page explains the timeline: symbols for kinds, colours for states.
    assert "timeline-legend" in shown and "Farge:" in shown and "Form:" in shown


# --- 6. no raw codes or English on a Norwegian page ------------------------------------------


def test_the_introduction_page_writes_curves_kinds_and_sources_in_norwegian(
    demo: None, client: Any
) -> None:
    found = ids(client)
    sotorasib = page(client, f"/dashboards/introduksjon/{found['ID2021_901']}")
    assert "Weibull (skala 17, form 1,2)" in sotorasib
    assert "Lognormal (μ 1,92, σ 0,9)" in sotorasib
    assert "weibull (" not in sotorasib and "scale =" not in sotorasib
    assert '"response"' not in sotorasib and "Respons" in sotorasib
    nivolumab = page(client, f"/dashboards/introduksjon/{found['ID2021_911']}")
    # File names keep their codes; nothing else on the page does.
    without_files = re.sub(r"SYNTETISK_[A-Z0-9_]+\.csv", "", nivolumab)
    for code in ("MT_STUDIE", "KVAL_TARM", "KREFTREGISTERET"):
        assert code not in without_files, code
    assert "Nasjonalt kvalitetsregister for tykk- og endetarmskreft" in nivolumab
    nusinersen = page(client, f"/dashboards/introduksjon/{found['ID2019_915']}")
    assert '"other"' not in nusinersen and "Annet" in nusinersen


# --- 7. nusinersen's NPR deliveries; the public's next delivery -----------------------------


def test_nusinersen_opens_on_its_npr_curve_and_says_what_arrived_for_os(
    demo: None, client: Any
) -> None:
    intro = ids(client)["ID2019_915"]
    body = route(client, f"/dashboards/introduksjon/{intro}")["response"]["page"]
    picker = find(body, "endpoint")
    # The endpoint NPR delivers, not OS (no data source is named for it).
    assert picker and picker["value"] == "TTD"
    ttd = endpoint_panel(client, intro, "TTD")
    assert "Ingen registerdata mottatt ennå" not in ttd and '"meta": "km"' in ttd
    os_panel = endpoint_panel(client, intro, "OS")
    assert "Ingen datakilde er utpekt for dette endepunktet" in os_panel
    assert "Mottatt: Norsk pasientregister (2 leveranser, siste datakutt 30.06.2026)" in os_panel


def test_the_public_sees_a_passed_milestone_date_instead_of_having_it_hidden(
    demo: None, anonymous: Any
) -> None:
    shown = page(anonymous, "/dashboards/")
    assert "Frist passert: 30.06.2025 · Norsk register for arvelige" in shown  # nusinersen
    assert "Neste: 31.01.2027" in shown
    assert "Om leveransen har kommet, ser innloggede brukere." in shown


# --- 8. a decided reassessment is shown back --------------------------------------------------


def cases(client: Any, introduction_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"/api/v1/introductions/{introduction_id}/reassessments")
                .json["items"])


def test_the_demo_has_a_decided_and_an_open_reassessment(demo: None, client: Any) -> None:
    found = ids(client)
    decided, = cases(client, found["ID2022_909"])
    assert decided["state"] == "decided" and decided["outcome"] == "subgroup_continuation"
    steps = decided["phaseout_plan"]["steps"]
    assert [st["done_on"] for st in steps] == ["2026-11-16", None]
    still_open, = cases(client, found["ID2021_901"])
    assert still_open["state"] == "data_received"


def test_the_introduction_page_shows_the_decision_its_dates_and_phase_out_steps(
    demo: None, client: Any
) -> None:
    intro = ids(client)["ID2022_909"]
    shown = page(client, f"/dashboards/introduksjon/{intro}")
    assert "Besluttet 19.10.2026: Videreføres for undergrupper, resten utfases" in shown
    assert "Utfasing for resten fra" in shown and "16.11.2026" in shown
    assert "Primært refraktær sykdom" in shown and "Utført 16.11.2026" in shown
    assert "31.05.2027" in shown and "Venter" in shown
    assert "2026-11-16" not in shown  # the step's text is dated the Norwegian way


def test_the_brief_of_a_decided_case_shows_the_decision_a_summary_and_its_marking(
    demo: None, client: Any, browser_as: Any
) -> None:
    case = cases(client, ids(client)["ID2022_909"])[0]["id"]
    forum = page(browser_as("forum").client, f"/dashboards/revurdering/{case}")
    assert "Siden finnes ikke" not in forum
    assert forum.index("brief-summary") < forum.index("brief-question")  # page one
    assert "Totaloverlevelse (OS): " in forum and "Dårligere enn antatt" in forum
    assert "brief-decision" in forum and "Utfasingsplan" in forum
    # The forum sees the confidential price: the brief says it is not to be made public.
    assert "Fortrolig – unntatt offentlighet" in forum and "confidential-mark" in forum
    # A clinician sees no price, so the brief carries no marking.
    clinician = page(browser_as("clinician").client, f"/dashboards/revurdering/{case}")
    assert "brief-summary" in clinician and "Fortrolig" not in clinician


# --- in Chromium ---------------------------------------------------------------------------


@pytest.mark.browser
def test_no_introduction_page_is_wider_than_the_window(page_as: Any, live_server: Any) -> None:
    pg = page_as("secretariat")
    overflow = []
    for intro in range(1, 8):
        pg.goto(live_server.page_url(f"introduksjon/{intro}"))
        pg.wait_for_selector("#since #milestones-table")
        sizes = pg.evaluate("""() => {
          const since = document.querySelector('#since').getBoundingClientRect();
          return {right: since.right, window: document.documentElement.clientWidth,
                  page: document.documentElement.scrollWidth};
        }""")
        if sizes["right"] > sizes["window"] or sizes["page"] > sizes["window"]:
            overflow.append((intro, sizes))
    assert overflow == []


@pytest.mark.browser
def test_the_printed_brief_is_compact_and_marked(page_as: Any, live_server: Any) -> None:
    pg = page_as("forum")
    pg.goto(live_server.page_url(f"revurdering/{live_server.case_id}"))
    pg.wait_for_selector("#brief-summary")
    pg.wait_for_load_state("networkidle")
    pg.emulate_media(media="print")
    mark = pg.locator("#confidential-mark")
    assert mark.is_visible() and "Fortrolig" in mark.inner_text()
    # Repeated at the top of every printed page.
    assert pg.evaluate("() => getComputedStyle(document.querySelector("
                       "'#confidential-mark')).position") == "fixed"
    pdf = pg.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 5, pages
    # No card is kept whole at the cost of a half-empty page.
    assert pg.evaluate("() => getComputedStyle(document.querySelector('#brief-registry'))"
                       ".breakInside") != "avoid-page"


@pytest.mark.browser
def test_the_log_out_button_on_a_dashboard_logs_out(page: Any, live_server: Any) -> None:
    from tracker.auth import SYSTEM, acting_as
    from tracker.db import session_scope
    from tracker.users import service as users_service

    # A user of its own: logging out ends the login session the other tests share otherwise.
    with acting_as(SYSTEM), session_scope(live_server.app.extensions["tracker_engine"]) as db:
        users_service.create_user(session=db, name="logs-out", role="clinician",
                                  password="utlogging-passord-2026")
    page.goto(f"{live_server.url}/login?next=/dashboards/")
    page.fill("input[name=name]", "logs-out")
    page.fill("input[name=password]", "utlogging-passord-2026")
    page.click("form [type=submit]")
    page.wait_for_selector("#logout-button")
    assert "logs-out" in page.inner_text("#viewer-role")
    page.click("#logout-button")
    page.wait_for_url("**/login")
    page.goto(live_server.page_url(""))
    page.wait_for_selector("#login-link")
    assert "offentlig" in page.inner_text("#viewer-role")
    assert page.locator("#logout-button").count() == 0
