"""Classification of patients under an outcome-based agreement, and the refund they bring.

The hand-computed fixture of issue #17: 12 patients, an 8-week window, 50 % of 120,000 NOK per
window; 4 non-responders, 6 responders, 2 pending owe 240,000 NOK. And the vectorised rules
against a plain row-by-row reading of the same rules on random patients."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from tracker.analytics.settlement import EVENTS, Terms, classify, refunds, totals_by

AS_OF = np.datetime64("2026-06-30")
TERMS = Terms(window_days=56, events=("progression", "death", "stop_toxicity"),
              agreement_start=np.datetime64("2026-01-01"))


def twelve_patients() -> pd.DataFrame:
    d = pd.Timestamp
    rows = [
        # trust, start, last follow-up, progression, death, stop, stop reason -> expected
        ("A", d("2026-01-10"), d("2026-06-01"), None, None, None, None),  # responder
        ("A", d("2026-01-20"), d("2026-06-01"), d("2026-02-20"), None, None, None),  # non (prog.)
        ("A", d("2026-02-01"), d("2026-06-01"), None, None, None, None),  # responder
        ("A", d("2026-02-05"), d("2026-03-01"), None, d("2026-03-01"), None, None),  # non (death)
        ("A", d("2026-06-10"), d("2026-06-25"), None, None, None, None),  # pending (window open)
        ("B", d("2026-01-15"), d("2026-06-01"), d("2026-05-01"), None, None, None),  # responder
        ("B", d("2026-02-10"), d("2026-06-01"), None, None, d("2026-03-01"), "toxicity"),  # non
        ("B", d("2026-02-15"), d("2026-06-01"), None, None, d("2026-03-01"), "completed"),  # resp.
        ("B", d("2026-03-01"), d("2026-03-20"), None, None, None, None),  # pending (lost)
        ("C", d("2026-03-10"), d("2026-06-01"), d("2026-04-01"), None, None, None),  # non
        ("C", d("2026-03-15"), d("2026-06-01"), None, None, None, None),  # responder
        ("C", d("2026-04-01"), d("2026-06-01"), None, d("2026-06-20"), None, None),  # responder
    ]
    frame = pd.DataFrame(rows, columns=["health_trust", "treatment_start", "last_followup",
                                        "progression_date", "death_date", "treatment_stop",
                                        "stop_reason"])
    for name in ("progression_date", "death_date", "treatment_stop"):
        frame[name] = pd.to_datetime(frame[name])
    return frame


def test_the_hand_computed_fixture_owes_240000():
    patients = twelve_patients()
    result = classify(patients, TERMS, AS_OF)
    assert result["class"].value_counts().to_dict() == {
        "responder": 6, "non_responder": 4, "pending": 2, "excluded": 0}
    result["amount"] = refunds(result["class"], cost_per_window=120_000, share_percent=50)
    assert result["amount"].sum() == 240_000
    assert result["event"].tolist()[:4] == ["", "progression", "", "death"]
    assert result["reason"].tolist()[4] == "window_open"
    assert result["reason"].tolist()[8] == "followup_ends_in_window"
    result["health_trust"] = patients["health_trust"]
    by_trust = totals_by(result, ["health_trust"]).set_index("health_trust")
    # Hand count: A has 2 non-responders, B 1, C 1.
    assert by_trust["non_responder"].to_dict() == {"A": 2, "B": 1, "C": 1}
    assert by_trust["amount"].to_dict() == {"A": 120_000, "B": 60_000, "C": 60_000}


def test_a_late_death_turns_a_pending_patient_into_a_non_responder():
    patients = twelve_patients()
    later = patients.copy()
    later.loc[8, ["last_followup", "death_date"]] = [pd.Timestamp("2026-04-10")] * 2
    first = classify(patients, TERMS, AS_OF)["class"]
    second = classify(later, TERMS, np.datetime64("2026-09-30"))["class"]
    assert (first[8], second[8]) == ("pending", "non_responder")


def test_exclusions_say_why():
    patients = twelve_patients().assign(subgroup=["PD-L1 ≥ 50 %"] * 11 + ["annen"])
    patients.loc[0, "treatment_start"] = pd.Timestamp("2025-12-20")
    terms = Terms(window_days=56, events=("progression",), subgroup="PD-L1 ≥ 50 %",
                  agreement_start=np.datetime64("2026-01-01"))
    result = classify(patients, terms, AS_OF)
    assert result.loc[0, ["class", "reason"]].tolist() == ["excluded", "started_before_agreement"]
    assert result.loc[11, ["class", "reason"]].tolist() == ["excluded", "outside_subgroup"]


def test_terms_that_count_nothing_are_refused():
    with pytest.raises(ValueError, match="count one or more"):
        Terms(window_days=56, events=(), agreement_start=np.datetime64("2026-01-01"))
    with pytest.raises(ValueError, match="between 0 and 100"):
        refunds(["non_responder"], cost_per_window=1, share_percent=0)


def _by_hand(row: dict, terms: Terms, as_of: date) -> str:
    """The rules read once more, one patient at a time, with Python dates."""
    start = row["treatment_start"]
    if start < pd.Timestamp(terms.agreement_start).date():
        return "excluded"
    end = start + timedelta(days=terms.window_days)
    events = {"progression": row["progression_date"], "death": row["death_date"],
              "stop_progression": row["treatment_stop"] if row["stop_reason"] == "progression"
              else None,
              "stop_toxicity": row["treatment_stop"] if row["stop_reason"] == "toxicity" else None}
    if any(events[e] is not None and start <= events[e] <= end and events[e] <= as_of
           for e in terms.events):
        return "non_responder"
    seen = max([row["last_followup"], *[v for v in events.values() if v is not None]])
    if end <= as_of and min(seen, as_of) >= end:
        return "responder"
    return "pending"


def test_the_vectorised_rules_equal_a_reading_one_patient_at_a_time():
    rng = np.random.default_rng(17)
    n = 3000
    base = date(2025, 11, 1)
    starts = [base + timedelta(days=int(x)) for x in rng.integers(0, 300, n)]

    def maybe(share: float) -> list:
        return [s + timedelta(days=int(rng.integers(0, 150))) if rng.random() < share else None
                for s in starts]

    frame = pd.DataFrame({
        "treatment_start": starts,
        "last_followup": [s + timedelta(days=int(rng.integers(0, 200))) for s in starts],
        "progression_date": maybe(0.3), "death_date": maybe(0.1), "treatment_stop": maybe(0.4),
        "stop_reason": rng.choice(["progression", "toxicity", "completed", None], n),
    })
    as_of = date(2026, 6, 30)
    for events in (EVENTS, ("progression",), ("death", "stop_toxicity")):
        terms = Terms(window_days=56, events=events, agreement_start=np.datetime64("2026-01-01"))
        vectorised = classify(
            frame.assign(**{c: pd.to_datetime(frame[c]) for c in (
                "treatment_start", "last_followup", "progression_date", "death_date",
                "treatment_stop")}), terms, np.datetime64(as_of))["class"].tolist()
        by_hand = [_by_hand(row, terms, as_of) for row in frame.to_dict("records")]
        assert vectorised == by_hand
