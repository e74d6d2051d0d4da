"""The outcome-divergence flag follows what a difference means for the endpoint (issue 15,
item 5): time on treatment shorter than assumed is a cost and tolerability question, not
"worse" survival, and the flag's kind is named without saying worse or better."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.factories import create_temporary_introduction
from tests.flags.helpers import flags, sweep
from tests.outcomes.helpers import MONTH, extract, import_extract, put_curve


@pytest.fixture
def backend() -> str:
    """The rule's queries run on PostgreSQL in test_feed_rules.py."""
    return "sqlite"


def test_shorter_time_on_treatment_raises_a_flag_about_cost_and_tolerability(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01", milestones=[])
    # Assumed: half still on treatment at 10 months; observed: half have stopped by 4 months.
    put_curve(client, intro, "TTD", {"distribution": "exponential", "time_unit": "months",
                                     "parameters": {"rate": math.log(2) / 10.0}})
    rng = np.random.default_rng(15)
    n = 200
    stop = np.ceil(rng.exponential(4.0 * MONTH / math.log(2), n)).astype(int) + 1
    follow = np.minimum(stop + 30, 900)  # everyone alive, followed past their stop
    stops = [int(s) if s <= 900 else None for s in stop]
    import_extract(client, intro["id"], *extract(follow, np.zeros(n, bool), stops=stops))
    verdict = client.get(f"/api/v1/introductions/{intro['id']}/outcomes?endpoint=TTD"
                         ).json["verdict"]
    assert (verdict["kind"], verdict["meaning"], verdict["concern"]) == (
        "more_events", "shorter_treatment", True)

    sweep(client, "2026-07-01")
    [flag] = flags(client, kind="outcome_divergence")
    assert flag["subject_id"] == intro["id"]
    assert flag["kind_label"] == "Resultatene avviker fra antagelsene"
    message = flag["message"]
    assert "viser for tid på behandling (TTD): kortere behandlingstid enn antatt." in message
    assert ("Pasientene avslutter behandlingen tidligere enn modellen antok: "
            "legemiddelkostnaden blir lavere enn beregnet, men det kan tyde på dårligere "
            "toleranse eller effekt enn antatt.") in message
    # Nothing of survival or deaths, and not "worse than assumed".
    for wrong in ("er dårligere enn antatt", "overlevelse", "dødsfall", "død"):
        assert wrong not in message, wrong
    rule = flag["facts"]["rules"]["TTD"]
    assert "behandlingsavbrudd" in rule and "dødsfall" not in rule
    assert flag["facts"]["meanings"] == {"TTD": "shorter_treatment"}
    # The English list of flags names the kind neutrally as well.
    assert "Outcomes differ from the assumptions" in client.get(
        "/arbeid/varsler?lang=en").get_data(as_text=True)
