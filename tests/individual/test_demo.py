"""The synthetic demo of individual access: every scheme and state has cases, all marked
synthetic, the roster meets the procedure, and seeding twice adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import select

from tracker.auth import SEED, acting_as
from tracker.individual import committee
from tracker.individual.models import AccessCase
from tracker.seeding import seed_demo


def test_the_demo_shows_every_scheme_state_and_publication(app, session, client):
    with acting_as(SEED):
        seed_demo(session, as_of=date(2026, 12, 2))
        session.commit()
        again = seed_demo(session, as_of=date(2026, 12, 2))
        session.commit()
    assert "access cases" not in again.added
    cases = session.exec(select(AccessCase)).all()
    assert cases and all(case.synthetic for case in cases)
    states = Counter((case.scheme, case.state) for case in cases)
    for state in ("received", "returned", "complete", "price_checked", "scheduled", "sent"):
        assert states[("access_scheme", state)] >= 1, state
    assert states[("individual_exception", "sent")] >= 20
    published = client.get("/api/v1/group-exceptions").get_json()["items"]
    assert {g["status"] for g in published} == {"current", "previous", "refused"}
    assert committee.roster_problems(committee.members(session=session,
                                                       on=date(2026, 12, 2))) == []
    decided = [c for c in cases if c.scheme == "access_scheme" and c.decision]
    assert decided and all(len(c.decision["deciding"]) >= 4 for c in decided)
    assert any(c.decision["recused"] for c in decided)
