"""Disclosure control that cannot be undone (issue 15, item 7).

A reader without small-count access must not be able to derive any count of 1 to 4 from what the
outcomes API answers, alone or by combining answers. The test plays that reader on the lung data
with small regions, trusts and subgroups: it collects every public answer (unfiltered, filtered by
each region, trust, subgroup and pairs of them, and the breakdowns), and tries to recover the
counts of the exact data by every route we know of: d = n (1 - S_i / S_{i-1}) from consecutive
steps, the fraction (n - d) / n behind a survival ratio, differences of totals, of numbers at
risk and of calendar O between answers, events = hazard x person-time, missing = share x n. The
same attack on the exact answers an administrator sees recovers most of them, so it is no straw
man; on the public answers it recovers none.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from lifelines.datasets import load_lung

from tests.factories import create_temporary_introduction
from tests.outcomes.helpers import START, extract, import_extract

COUNT_KEYS = {"events", "at_risk", "censored", "n_patients", "n_events", "observed", "missing",
              "still_at_risk"}
SMALL = range(1, 5)


class Truth:
    """The exact counts of one cohort (time in days)."""

    def __init__(self, days: np.ndarray, died: np.ndarray, starts: np.ndarray) -> None:
        self.days, self.died, self.starts = days, died, starts
        self.n, self.n_events = len(days), int(died.sum())

    def events_at(self, t: float) -> int:
        return int((self.died & (self.days == t)).sum())

    def at_risk_at(self, t: float) -> int:
        return int((self.days >= t).sum())

    def events_between(self, a: float, b: float) -> int:
        return int((self.died & (self.days > a) & (self.days <= b)).sum())

    def exits_between(self, a: float, b: float) -> int:
        return int(((self.days >= a) & (self.days < b)).sum())

    def events_by(self, day: int) -> int:
        """Events that had happened by calendar day `day` (days after START)."""
        return int((self.died & (self.starts + self.days <= day)).sum())


@pytest.fixture
def cohort():
    lung = load_lung()
    n = len(lung)
    rng = np.random.default_rng(2024)
    order = rng.permutation(n)
    region = np.array(["Helse Sør-Øst"] * n, dtype=object)
    region[order[:3]] = "Helse Nord"  # a region of 3: suppressed in the breakdown
    region[order[3:43]] = "Helse Vest"
    region[order[43:103]] = "Helse Midt-Norge"
    trust = np.where(region == "Helse Vest", "Helse Bergen", "Oslo universitetssykehus")
    trust[order[43:45]] = "Helse Møre og Romsdal"  # a trust of 2
    subgroup = np.where(rng.random(n) < 0.3, "PD-L1 ≥ 50 %", "PD-L1 < 50 %").astype(object)
    subgroup[order[103:107]] = "EGFR"  # a subgroup of 4
    sex = np.where(rng.random(n) < 0.5, "K", "M").astype(object)
    sex[order[200:203]] = ""  # 3 missing: a completeness count the public must not learn
    starts = rng.integers(0, 365, n)
    return {"days": lung["time"].to_numpy(dtype=float), "died": lung["status"].to_numpy() == 1,
            "region": region, "health_trust": trust, "subgroup": subgroup, "sex": sex,
            "starts": starts}


@pytest.fixture
def loaded(client, cohort):
    intro = create_temporary_introduction(client)
    content, cut = extract(
        cohort["days"], cohort["died"], starts=cohort["starts"], regions=cohort["region"],
        extra={"health_trust": cohort["health_trust"], "subgroup": cohort["subgroup"],
               "sex": cohort["sex"]})
    import_extract(client, intro["id"], content, cut)
    return intro


def _truth(cohort: dict[str, Any], filters: dict[str, str]) -> Truth:
    keep = np.ones(len(cohort["days"]), dtype=bool)
    for key, value in filters.items():
        keep &= cohort[key] == value
    return Truth(cohort["days"][keep], cohort["died"][keep], cohort["starts"][keep])


def _filters(cohort: dict[str, Any]) -> Iterator[dict[str, str]]:
    yield {}
    keys = ("region", "health_trust", "subgroup")
    values = {k: sorted(set(cohort[k])) for k in keys}
    for k in keys:
        for v in values[k]:
            yield {k: v}
    for a, b in itertools.combinations(keys, 2):
        for va in values[a]:
            for vb in values[b]:
                yield {a: va, b: vb}


def _answers(http, intro, cohort) -> tuple[list[tuple[dict[str, str], dict]], list[dict]]:
    url = f"/api/v1/introductions/{intro['id']}/outcomes"
    answered, refused = [], []
    for filters in _filters(cohort):
        query = "".join(f"&{k}={v}" for k, v in filters.items())
        response = http.get(f"{url}?endpoint=OS&time_unit=days{query}")
        if response.status_code == 403:
            refused.append(filters)
            assert "Fewer than 5 patients" in response.json["message"]
            continue
        if response.status_code == 404:  # an empty combination
            continue
        assert response.status_code == 200, (filters, response.json)
        answered.append((filters, response.json))
    return answered, refused


def _breakdowns(http, intro) -> dict[str, dict[str, dict]]:
    url = f"/api/v1/introductions/{intro['id']}/outcomes/breakdown"
    out = {}
    for by in ("region", "health_trust", "subgroup"):
        groups = http.get(f"{url}?endpoint=OS&by={by}&time_unit=days").json["groups"]
        out[by] = {g["group"]: g for g in groups}
    return out


def _exact_small(value: float | None, truth: int) -> bool:
    """The derived value is an exact count of 1 to 4, and it is the true one."""
    if value is None or not np.isfinite(value):
        return False
    k = round(value)
    return abs(value - k) < 1e-6 and k in SMALL and k == truth


def _best_fraction(ratio: float, near: float | None) -> tuple[int, int] | None:
    """(n, d) with (n - d) / n == ratio exactly (to 1e-9), n up to 1000, closest to `near`."""
    found = []
    for n in range(1, 1001):
        d = n * (1.0 - ratio)
        if abs(d - round(d)) < 1e-9 * n and round(d) > 0:
            found.append((n, round(d)))
    if not found:
        return None
    return min(found, key=lambda f: abs(f[0] - near) if near is not None else f[0])


def _attack_one(answer: dict, truth: Truth) -> list[str]:
    """Every count of 1 to 4 one answer gives away about its own cohort."""
    found = []
    steps = answer["km"]["steps"]
    table = [(r["time"], r["at_risk"]) for r in answer["numbers_at_risk"]]

    def published_at_risk(t: float) -> int | None:
        before = [n for time, n in table if time <= t and n is not None]
        return before[-1] if before else None

    for prev, step in itertools.pairwise(steps):
        if prev["survival"] <= 0:
            continue
        ratio = step["survival"] / prev["survival"]
        n = step["at_risk"] if step["at_risk"] is not None else published_at_risk(step["time"])
        d_true = truth.events_at(step["time"])
        if n is not None and _exact_small(n * (1 - ratio), d_true):
            found.append(f"d at {step['time']} from n (1 - S_i/S_i-1)")
        guess = _best_fraction(ratio, n) if ratio < 1 else None
        if guess and guess[1] in SMALL and guess == (truth.at_risk_at(step["time"]), d_true):
            found.append(f"(n, d) at {step['time']} from the fraction behind S_i/S_i-1")
        for key, true in (("events", d_true), ("at_risk", truth.at_risk_at(step["time"]))):
            if _exact_small(step[key], true):
                found.append(f"step {key} at {step['time']}")
    for (a, na), (b, nb) in itertools.pairwise(table):
        if na is not None and nb is not None and _exact_small(na - nb,
                                                             truth.exits_between(a, b)):
            found.append(f"exits in [{a}, {b}) from the at-risk table")
        if _exact_small(na, truth.at_risk_at(a)):
            found.append(f"at risk at {a}")
    for key, true in (("n_patients", truth.n), ("n_events", truth.n_events)):
        if _exact_small(answer[key], true):
            found.append(key)
    for interval in answer["hazards"]["intervals"]:
        true = truth.events_between(interval["start"], interval["end"])
        derived = [interval["events"]]
        if interval["hazard"] is not None:
            derived.append(interval["hazard"] * interval["person_time"])
        if any(_exact_small(v, true) for v in derived):
            found.append(f"events in ({interval['start']}, {interval['end']}]")
    for lm in answer["landmarks"]:
        if _exact_small(lm["at_risk"], truth.at_risk_at(lm["time"])):
            found.append(f"at risk at landmark {lm['time']}")
    m = answer["maturity"]
    for key, true in (("events", truth.n_events), ("still_at_risk", truth.n - truth.n_events)):
        if _exact_small(m[key], true):
            found.append(f"maturity {key}")
    calendar = answer["history"]["calendar"]
    previous = (0, 0)
    for point in calendar:
        day = (np.datetime64(point["date"]) - np.datetime64(START)).astype(int)
        if point["observed"] is not None:
            if _exact_small(point["observed"], truth.events_by(day)):
                found.append(f"O by {point['date']}")
            if _exact_small(point["observed"] - previous[1], truth.events_by(day)
                            - truth.events_by(previous[0])):
                found.append(f"O between calendar dates up to {point['date']}")
            previous = (day, point["observed"])
    return found


def _attack_across(answered: list[tuple[dict, dict]], breakdowns: dict, cohort: dict) -> list[str]:
    """Counts given away by differences between answers (nested cohorts, partitions)."""
    found = []
    by_filters = {tuple(sorted(f.items())): a for f, a in answered}
    total = by_filters[()]
    # A cohort minus one of its parts is the rest: totals, events and numbers at risk.
    for filters, answer in answered:
        for key in filters:
            parent_filters = {k: v for k, v in filters.items() if k != key}
            parent = by_filters.get(tuple(sorted(parent_filters.items())))
            if parent is None:
                continue
            rest = _truth(cohort, parent_filters)
            part = _truth(cohort, filters)
            for field, true in (("n_patients", rest.n - part.n),
                                ("n_events", rest.n_events - part.n_events)):
                if parent[field] is not None and answer[field] is not None and _exact_small(
                        parent[field] - answer[field], true):
                    found.append(f"{field} of {parent_filters} without {filters}")
            risk = {r["time"]: r["at_risk"] for r in answer["numbers_at_risk"]}
            for r in parent["numbers_at_risk"]:
                if r["at_risk"] is not None and risk.get(r["time"]) is not None:
                    true = rest.at_risk_at(r["time"]) - part.at_risk_at(r["time"])
                    if _exact_small(r["at_risk"] - risk[r["time"]], true):
                        found.append(f"at risk at {r['time']} of {parent_filters} - {filters}")
    # The whole minus every group it shows is the group it hides.
    for by, groups in breakdowns.items():
        hidden = [g for g in groups.values() if g["suppressed"]]
        shown = [g for g in groups.values() if not g["suppressed"]]
        for field, true_of in (("n_patients", lambda t: t.n), ("n_events",
                                                               lambda t: t.n_events)):
            if any(g[field] is None for g in shown) or total[field] is None:
                continue
            rest = total[field] - sum(g[field] for g in shown)
            true = sum(true_of(_truth(cohort, {by: g["group"]})) for g in hidden)
            if _exact_small(rest, true):
                found.append(f"{field} of the hidden {by} groups")
    # completeness: missing = share x n
    for filters, answer in answered:
        for c in answer["maturity"]["completeness"]:
            if c["variable"] == "sex" and c["share"] is not None:
                n = total["n_patients"]
                if _exact_small(c["missing"], 3) or (n and _exact_small(c["share"] * n, 3)):
                    found.append(f"missing sex via {filters}")
    return found


def test_no_count_under_5_can_be_derived_from_any_public_answer(client, anonymous, loaded,
                                                                cohort):
    answered, refused = _answers(anonymous, loaded, cohort)
    breakdowns = _breakdowns(anonymous, loaded)
    # The small groups are refused, whatever the filter combination.
    assert {"region": "Helse Nord"} in refused and {"subgroup": "EGFR"} in refused
    assert {"health_trust": "Helse Møre og Romsdal"} in refused
    assert breakdowns["region"]["Helse Nord"]["suppressed"]
    assert len(answered) > 10
    found = [item for filters, answer in answered for item in _attack_one(
        answer, _truth(cohort, filters))]
    found += _attack_across(answered, breakdowns, cohort)
    assert found == []
    # And no count field anywhere in a public answer holds 1 to 4.
    for _, answer in answered:
        assert not [v for k, v in _walk(answer) if k in COUNT_KEYS and v in SMALL]
    for groups in breakdowns.values():
        assert not [v for k, v in _walk(groups) if k in COUNT_KEYS and v in SMALL]


def test_the_same_attack_recovers_most_small_counts_from_exact_answers(client, loaded, cohort):
    # What an administrator sees is exact: the attack is real.
    answered, refused = _answers(client, loaded, cohort)
    assert refused == []
    found = [item for filters, answer in answered for item in _attack_one(
        answer, _truth(cohort, filters))]
    found += _attack_across(answered, _breakdowns(client, loaded), cohort)
    whole = _truth(cohort, {})
    small_steps = sum(1 for t in np.unique(whole.days[whole.died])
                      if whole.events_at(t) in SMALL)
    from_steps = [f for f in found if "from n (1 - S_i/S_i-1)" in f]
    assert len(found) > 1000 and len(from_steps) > small_steps
    assert any(" without " in f for f in found)  # a cohort minus its part
    assert any(f.startswith("missing sex") for f in found)


def _walk(value: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value
