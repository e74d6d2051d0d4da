"""The committee's decisions are published only as finely as reveals no count under 5.

First the rule on hand-built registers, then an attack on the demo: take everything the public
is shown about decided cases — the statistics' tables for all schemes and for each scheme, and
the published decision list — and try to recover each hidden count with a linear programme."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from tracker.individual import statistics as individual_statistics
from tracker.individual.enums import Scheme
from tracker.public import disclosure, service
from tracker.public.disclosure import Decision

ACCESS = str(Scheme.access_scheme)


def _decisions(*groups: tuple[str, str, str, int]) -> list[Decision]:
    """(method, chapter, outcome, how many) -> that many decisions."""
    out = []
    for method, chapter, outcome, n in groups:
        out += [Decision(nye_metoder_id=method, method=f"Metode {method}",
                         diagnosis_group=chapter, outcome=outcome,
                         grounds=("increased_benefit",), days_to_decision=10 + i)
                for i in range(n)]
    return out


def _statistics(decisions: list[Decision]):  # type: ignore[no-untyped-def]
    """The scheme's statistics as the public sees them, for these decisions (a region each,
    in turn, and one year)."""
    regions = ["Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord"]
    frame = pd.DataFrame([{
        "scheme": ACCESS, "region": regions[i % 4], "residence_region": regions[i % 4],
        "outcome": d.outcome, "diagnosis_group": d.diagnosis_group,
        "method": d.nye_metoder_id, "year": 2026} for i, d in enumerate(decisions)])
    return individual_statistics.compute(cases=frame, suppress=True, tests=False)


def test_five_of_each_outcome_for_one_method_are_listed_with_method_and_diagnosis_group():
    decisions = _decisions(("ID2020_001", "II", "granted", 5), ("ID2020_001", "II", "refused", 6))
    published = disclosure.publish(decisions, _statistics(decisions))
    assert published.level == "method_and_diagnosis_group"
    assert len(published.rows) == 11
    assert {r.nye_metoder_id for r in published.rows} == {"ID2020_001"}
    assert {r.diagnosis_group for r in published.rows} == {"II"}


def test_a_method_whose_counts_the_statistics_hide_is_not_named():
    """Two methods of five or more each, but one method's split (4 + 3) is hidden in the
    method table: the list names the diagnosis group, where every count is five or more."""
    decisions = _decisions(("ID2020_001", "II", "granted", 6), ("ID2020_001", "II", "refused", 5),
                           ("ID2020_002", "II", "granted", 4), ("ID2020_002", "II", "refused", 3),
                           ("ID2020_002", "VI", "granted", 1))
    shown = _statistics(decisions)
    method = {r["method"]: r for r in shown.tables["method"] if r["row_type"] == "cell"}
    assert method["ID2020_002"]["refused"] is None
    published = disclosure.publish(decisions[:-1], _statistics(decisions[:-1]))
    assert published.level == "diagnosis_group"
    assert all(r.nye_metoder_id is None and r.method is None for r in published.rows)
    assert {r.diagnosis_group for r in published.rows} == {"II"}


def test_three_refusals_of_one_method_leave_only_the_outcome():
    decisions = _decisions(("ID2020_001", "II", "granted", 4), ("ID2020_002", "II", "granted", 3),
                           ("ID2020_001", "II", "refused", 3), ("ID2020_002", "VI", "refused", 3))
    published = disclosure.publish(decisions, _statistics(decisions))
    assert published.level == "outcome"
    assert [r.outcome for r in published.rows].count("refused") == 6
    assert all(r.diagnosis_group is None and r.method is None for r in published.rows)


def test_an_outcome_with_fewer_than_five_decisions_publishes_nothing():
    decisions = _decisions(("ID2020_001", "II", "granted", 9), ("ID2020_001", "II", "refused", 2))
    published = disclosure.publish(decisions, _statistics(decisions))
    assert published.level == "none" and published.rows == []


def test_the_order_of_the_list_says_nothing_the_rows_do_not():
    """Listed by outcome and days, not in the order decided (which would give dates away)."""
    decisions = _decisions(("ID2020_001", "II", "refused", 5), ("ID2020_001", "II", "granted", 5))
    rows = disclosure.publish(decisions, _statistics(decisions)).rows
    assert [r.outcome for r in rows] == ["granted"] * 5 + ["refused"] * 5
    assert [r.days_to_decision for r in rows[:5]] == sorted(r.days_to_decision for r in rows[:5])


# --- the attack --------------------------------------------------------------------------------

DIMENSIONS = ("scheme", "method", "diagnosis_group")
TABLE_DIMENSION = {"method": "method", "diagnosis_group": "diagnosis_group", "scheme": "scheme"}
OUTCOMES = ("granted", "refused", "no_consensus")


def _shown(anonymous) -> list[tuple[dict[str, str], dict[str, int | None]]]:  # type: ignore[no-untyped-def]
    """Every count the public statistics show about method, diagnosis group and scheme: for all
    schemes and for each, per table row: (what the row selects, its counts)."""
    shown = []
    for scheme in (None, *[str(s) for s in Scheme]):
        query = f"?scheme={scheme}" if scheme else ""
        answer = anonymous.get(f"/api/v1/access-statistics{query}").get_json()
        for table, column in TABLE_DIMENSION.items():
            for row in answer["tables"].get(table, []):
                where = {"scheme": scheme} if scheme else {}
                if row["row_type"] == "cell":
                    where[column] = row[column]
                shown.append((where, {k: row[k] for k in ("granted", "refused", "total")}))
    return shown


def _bounds(equations: list[tuple[np.ndarray, float]], target: np.ndarray
            ) -> tuple[float, float]:
    from scipy.optimize import linprog

    a = np.array([coefficients for coefficients, _ in equations])
    b = np.array([value for _, value in equations])
    low = linprog(target, A_eq=a, b_eq=b, bounds=(0, None)).fun
    high = -linprog(-target, A_eq=a, b_eq=b, bounds=(0, None)).fun
    return low, high


@pytest.fixture
def seeded(cli):  # type: ignore[no-untyped-def]
    """The demo (`tracker seed demo`), copied from a database seeded once per worker."""
    return cli


def _recoverable(cases: pd.DataFrame, shown: list[tuple[dict[str, str], dict[str, int | None]]],
                 published: disclosure.Published | None) -> set[tuple[str, str, int]]:
    """The hidden counts of 1–4 that a linear programme pins down from what is shown (and the
    published list, if given): [(where, column, true count)]."""
    domain = [sorted(cases[d].dropna().astype(str).unique()) for d in DIMENSIONS]
    keys = pd.DataFrame(list(itertools.product(*domain, OUTCOMES)),
                        columns=[*DIMENSIONS, "outcome"])

    def members(where: dict[str, str], outcome: str | None) -> np.ndarray:
        chosen = np.ones(len(keys), dtype=bool)
        for name, value in where.items():
            chosen &= (keys[name] == str(value)).to_numpy()
        if outcome is not None:
            chosen &= (keys["outcome"] == outcome).to_numpy()
        return chosen.astype(float)

    equations, hidden = [], []
    for where, counts in shown:
        for column, outcome in (("granted", "granted"), ("refused", "refused"), ("total", None)):
            row = members(where, outcome)
            if counts[column] is None:
                hidden.append((where, column, row))
            else:
                equations.append((row, float(counts[column])))
    if published is not None:
        # Each row of the list is one decision, named at the level published.
        names = {"method_and_diagnosis_group": ["nye_metoder_id", "diagnosis_group"],
                 "diagnosis_group": ["diagnosis_group"], "method": ["nye_metoder_id"],
                 "outcome": []}[published.level]
        listed = pd.DataFrame([r.model_dump() for r in published.rows])
        for key, group in listed.groupby([*names, "outcome"]):
            where = {"scheme": ACCESS, **{("method" if n == "nye_metoder_id" else n): v
                                          for n, v in zip(names, key[:-1], strict=True)}}
            equations.append((members(where, key[-1]), float(len(group))))
    found = set()
    for where, column, row in hidden:
        if where.get("scheme") == str(Scheme.group_exception):
            continue  # published one by one (000 L492–495): not a secret to recover
        true = _count(cases, where, None if column == "total" else column)
        if 1 <= true <= 4:
            low, high = _bounds(equations, row)
            if abs(high - low) < 1e-6:
                found.add((repr(sorted(where.items())), column, true))
    assert hidden, "the demo hides some counts"
    return found


def test_no_hidden_count_is_recovered_from_all_the_statistics_and_the_list(seeded, session,
                                                                           anonymous):
    """Everything the public statistics show, for all schemes and for each scheme, and the
    published decisions: no hidden count of 1–4 can be pinned down from them together."""
    cases = individual_statistics.decided_cases(session=session)
    published = service.committee_decisions(session=session)
    assert published.level != "none" and len(published.rows) >= 5, "the demo lists decisions"
    assert _recoverable(cases, _shown(anonymous), published) == set()


def _count(cases: pd.DataFrame, where: dict[str, str], outcome: str | None) -> int:
    """The true number of decided cases a row of a table counts."""
    chosen = pd.Series(True, index=cases.index)
    for name, value in where.items():
        chosen &= cases[name].astype(str) == str(value)
    if outcome is not None:
        chosen &= cases["outcome"].astype(str) == outcome
    return int(chosen.sum())
