"""The demo's settled period: `tracker seed feeds` settles the first period with patients of
each outcome-based agreement whose terms give a cost, once."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.settlements.helpers import TOTAL, outcome_agreement
from tests.settlements.test_api import TERMS
from tracker.seeding import SEEDS
from tracker.settlements.seeding import seed_settlements


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_the_first_period_with_patients_is_settled_once(client: Any, session: Any) -> None:
    agreement = outcome_agreement(client)
    # Its windows end from April on: the first quarter has no patient to settle.
    assert seed_settlements(session=session, as_of=date(2026, 7, 1)) == [
        f"{agreement['id']} 2026-04-01"]
    session.commit()
    assert seed_settlements(session=session, as_of=date(2026, 12, 1)) == []
    session.commit()
    (settled,) = client.get(f"/api/v1/agreements/{agreement['id']}/settlements").json["items"]
    assert (settled["period_start"], settled["totals"]["amount_nok"]) == ("2026-04-01", TOTAL)
    assert settled["created_by"] == "seed (syntetiske data)"


def test_an_agreement_whose_terms_give_no_cost_is_left_for_the_user(client: Any,
                                                                   session: Any) -> None:
    agreement = outcome_agreement(client)
    terms = {k: v for k, v in TERMS.items() if k != "cost_per_window_nok"}
    changed = client.patch(f"/api/v1/agreements/{agreement['id']}",
                           json={"terms": terms, "version": agreement["version"]})
    assert changed.status_code == 200, changed.json
    assert seed_settlements(session=session, as_of=date(2026, 7, 1)) == []


def test_the_demo_has_an_outcome_based_agreement_to_settle_and_stays_synthetic() -> None:
    demo = json.loads((SEEDS / "demo" / "demo.json").read_text(encoding="utf-8"))
    assert "Syntetiske demodata" in demo["_note"]
    settled = [a for a in demo["agreements"] if a["type"] == "payment_by_result"
               and (a["terms"].get("cost_per_window_nok") or 0) > 0]
    (agreement,) = settled
    assert agreement["terms"]["counting_events"] == ["progression", "death", "stop_toxicity"]
    assert (agreement["terms"]["evaluation_window_weeks"],
            agreement["terms"]["refund_share_percent"],
            agreement["terms"]["settlement_period"]) == (8, 50, "quarter")
    # The cost is confidential though the rest of the terms are public.
    assert agreement["visibility"]["terms.cost_per_window_nok"] == "confidential"
    feeds = json.loads((SEEDS / "feeds" / "feeds.json").read_text(encoding="utf-8"))
    assert agreement["nye_metoder_id"] in {i["nye_metoder_id"] for i in feeds["introductions"]}
