"""Every page, as each role sees it, passes axe-core's WCAG 2.1 AA rules without a serious or
critical violation, in Norwegian and in English.

Every page is checked in both languages: a page that only one role may read in both, in that
role's run; a page several roles read in Norwegian for one and English for the next (the page's
structure is the same for each, and the sweep stays within the suite's time)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboards.axe import describe, violations
from tests.dashboards.conftest import LiveServer

pytestmark = pytest.mark.browser

# (path, the selector that says the page is drawn). {intro} and {case} are filled from the demo.
PAGES = [
    ("/", "h1"),
    ("/login", "h1"),
    ("/dashboards/", "#overview-table"),
    ("/dashboards/introduksjon/{intro}", "#outcomes"),
    ("/dashboards/avtaler", "#agreements-list"),
    ("/dashboards/tilgang/statistikk", "#stats-content"),
    ("/arbeid/metoder", "#methods-table"),
    ("/arbeid/metoder/ny", "#method-form"),
    ("/arbeid/gruppeunntak", "h1"),  # public
]
ROLE_PAGES = [
    ("/dashboards/revurdering/{case}", "#brief-question"),
    ("/arbeid/varsler", "h1"),
    ("/arbeid/frister", "h1"),
    ("/arbeid/revurderinger", "h1"),
    ("/arbeid/revurderinger/{case}", "h1"),
    ("/arbeid/innforinger/{intro}", "h1"),
    ("/arbeid/tilgang", "h1"),
    ("/arbeid/tilgang/{access}", "#case-facts"),
    ("/arbeid/komite", "#roster"),
    ("/arbeid/komite/moter/{meeting}", "#agenda"),
    ("/arbeid/oppgjor", "h1"),
    ("/arbeid/avtaler/{agreement}/oppgjor", "h1"),
    ("/arbeid/oppgjor/{settlement}", "h1"),
    ("/arbeid/oppgjor/{settlement}/kreditnota/{note}", "h1"),
    ("/arbeid/avtaler/{reckoned}/oppgjor", "h1"),
]
ROLES = ["secretariat", "procurement", "clinician", "forum"]
SETTLEMENT_READERS = {"procurement", "forum"}
# Pages only some roles may read: the committee's (access matrix "committee"), and an access
# case, which the demo clinician (linked to no trust) may not open.
ONLY_FOR = {
    "/arbeid/tilgang/{access}": {"secretariat", "procurement", "forum"},
    "/arbeid/komite": {"secretariat", "forum"},
    "/arbeid/komite/moter/{meeting}": {"secretariat", "forum"},
    "/arbeid/metoder/ny": {"secretariat"},
    **{path: SETTLEMENT_READERS for path, _ in ROLE_PAGES if "oppgjor" in path},
}


def languages(path: str, index: int, role: str) -> tuple[str, ...]:
    """The languages this role's run checks a page in (see the module docstring)."""
    readers = [r for r in ROLES if r in ONLY_FOR.get(path, set(ROLES))]
    if len(readers) < 2:
        return ("nb", "en")
    return (("nb", "en")[(index + readers.index(role)) % 2],)


def _first_introduction(server: LiveServer) -> int:
    from sqlmodel import Session, col, select

    from tracker.introductions.models import TemporaryIntroduction

    with Session(server.app.extensions["tracker_engine"]) as session:
        intro = session.exec(select(TemporaryIntroduction).order_by(
            col(TemporaryIntroduction.id))).first()
        assert intro is not None
        return int(intro.id)  # type: ignore[arg-type]


def _first_access_ids(server: LiveServer) -> dict[str, int]:
    """The first access case and committee meeting of the demo."""
    from sqlmodel import Session, col, select

    from tracker.individual.models import AccessCase, CommitteeMeeting

    with Session(server.app.extensions["tracker_engine"]) as session:
        case = session.exec(select(AccessCase).order_by(col(AccessCase.id))).first()
        meeting = session.exec(select(CommitteeMeeting).order_by(
            col(CommitteeMeeting.id))).first()
        assert case is not None and meeting is not None, "the demo seeds access cases"
        return {"access": int(case.id), "meeting": int(meeting.id)}  # type: ignore[arg-type]


def _settlement_ids(server: LiveServer) -> dict[str, int]:
    from sqlmodel import Session, col, select

    from tracker.agreements.models import PriceAgreement
    from tracker.settlements.models import CreditNote, Settlement

    with Session(server.app.extensions["tracker_engine"]) as session:
        first = session.exec(select(Settlement).order_by(col(Settlement.id))).first()
        assert first is not None, "the demo has no settled period: run `tracker seed feeds`"
        note = session.exec(select(CreditNote).where(
            CreditNote.settlement_id == first.id).order_by(col(CreditNote.id))).first()
        reckoned = session.exec(select(PriceAgreement).where(
            PriceAgreement.type == "price_volume",
            col(PriceAgreement.introduction_id).is_not(None))).first()
        assert note is not None and reckoned is not None
        return {"agreement": first.agreement_id, "settlement": int(first.id or 0),
                "note": int(note.id or 0), "reckoned": int(reckoned.id or 0)}


def _check(page: Any, server: LiveServer, path: str, ready: str,
           langs: tuple[str, ...] = ("nb", "en")) -> list[str]:
    problems = []
    for lang in langs:
        url = server.url + path + ("&" if "?" in path else "?") + f"lang={lang}"
        response = page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        found = violations(page)
        if found:
            problems.append(f"{path} ({lang}):\n{describe(found)}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_as_each_role(page_as: Any, live_server: LiveServer,
                                            role: str) -> None:
    page = page_as(role)
    ids = {"intro": _first_introduction(live_server), "case": live_server.case_id,
           **_first_access_ids(live_server), **_settlement_ids(live_server)}
    problems: list[str] = []
    for index, (path, ready) in enumerate(PAGES + ROLE_PAGES):
        if role not in ONLY_FOR.get(path, {role}):
            continue
        problems += _check(page, live_server, path.format(**ids), ready,
                           languages(path, index, role))
    assert not problems, "\n\n".join(problems)


def test_the_public_pages_pass_axe(page: Any, live_server: LiveServer) -> None:
    ids = {"intro": _first_introduction(live_server), "case": live_server.case_id}
    problems: list[str] = []
    for path, ready in PAGES:
        if path.startswith("/arbeid") and path != "/arbeid/gruppeunntak":
            continue  # the public is sent to the login page
        problems += _check(page, live_server, path.format(**ids), ready)
    assert not problems, "\n\n".join(problems)
