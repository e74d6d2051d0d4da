"""The synthetic demo of individual access: every scheme and state has cases, all marked
synthetic, the roster meets the procedure, and seeding twice adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.factories import MethodPayload
from tracker.auth import SEED, acting_as
from tracker.individual import committee, demo
from tracker.individual.models import AccessCase, AccessCaseStep
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


# Two weeks from a Monday: every weekday and weekend against the two-weekly meeting cycle. The
# demo is dated relative to the seeding day, and `make run` seeds it on whatever day it is.
SEEDING_DAYS = [date(2026, 11, 30) + timedelta(days=n) for n in range(14)]


@pytest.mark.parametrize("day", SEEDING_DAYS, ids=[d.strftime("%a-%d") for d in SEEDING_DAYS])
def test_the_demo_seeds_on_any_day_with_no_step_after_it(app, session, client, day):
    for nye_id in ("ID2019_919", "ID2022_910"):  # the demo's two methods decided not introduced
        method = client.post("/api/v1/methods", json=MethodPayload(nye_metoder_id=nye_id))
        assert method.status_code == 201, method.get_json()
        decision = client.post("/api/v1/decisions", json={
            "method_id": method.get_json()["id"], "decision_date": "2019-10-21",
            "outcome": "not_introduced", "decision_text": "Innføres ikke (syntetisk)."})
        assert decision.status_code == 201, decision.get_json()
    with acting_as(SEED):
        added = demo.seed(session, day)
        session.commit()
    assert added["access cases"] == 81
    steps = session.exec(select(AccessCaseStep)).all()
    assert steps and max(step.at for step in steps) <= day
    states = Counter(case.state for case in session.exec(
        select(AccessCase).where(AccessCase.scheme == "access_scheme")).all())
    assert {"received", "returned", "complete", "price_checked", "scheduled", "sent"} <= set(states)
