"""Which of the assessment committee's decisions can be published, and how finely.

A published list of decisions is a table of counts of one: count its rows by method and outcome
and you have the numbers the statistics hide when they are 1–4. So the list is published at the
finest level at which every count it implies is 0 or at least 5:

1. method and diagnosis group (ICD-10 chapter) with the outcome,
2. diagnosis group only, or method only,
3. the outcome only,
4. nothing (every outcome is too rare to list yet).

At each level two counts must be 0 or ≥ 5 for every combination shown and every outcome (granted,
refused, no consensus) and the total: the committee's own decisions, and *the other schemes'*
decisions with the same combination — because the public statistics count all schemes together
(`tracker.individual.statistics`), so their total minus the list would give the others' count.
Sex, birth year, trust, region and dates are never in the list; the days from receipt to decision
are, and the grounds found met, which are in no table of counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tracker.individual.enums import Scheme
from tracker.public import schemas as s

THRESHOLD = 5
OUTCOMES = ("granted", "refused", "no_consensus")
# From finest to coarsest: which of (method, diagnosis group) the list names.
LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("method_and_diagnosis_group", ("method", "diagnosis_group")),
    ("diagnosis_group", ("diagnosis_group",)),
    ("method", ("method",)),
    ("outcome", ()),
)


@dataclass(frozen=True)
class Decision:
    """One decided Tilgangsordningen case, reduced to what the list may say."""

    nye_metoder_id: str
    method: str
    diagnosis_group: str | None
    outcome: str
    grounds: tuple[str, ...]
    days_to_decision: int


@dataclass(frozen=True)
class Published:
    """The decisions as published: at which level, and the rows (none at level 'none')."""

    level: str
    rows: list[s.CommitteeDecisionRow] = field(default_factory=list)
    decided: int = 0  # how many decisions there are (shown only when the list is published)


def _safe(count: int) -> bool:
    return count == 0 or count >= THRESHOLD


def _key(values: dict[str, Any], names: Sequence[str], outcome: str) -> tuple[str, ...]:
    return (*[str(values[n]) for n in names], outcome)


def level_is_safe(decisions: Sequence[Decision], others: pd.DataFrame,
                  names: Sequence[str]) -> bool:
    """Whether naming these attributes leaves every implied count, and its complement in the
    all-scheme statistics, at 0 or at least 5.

    The list implies counts for every combination of the attributes it names and for each of
    them alone (what the method and diagnosis-group tables count), and per outcome overall (the
    scheme table): each is checked, for the committee's decisions and for the other schemes'."""
    mine_rows = [{"method": d.nye_metoder_id, "diagnosis_group": d.diagnosis_group,
                  "outcome": d.outcome} for d in decisions]
    their_rows = others[["method", "diagnosis_group", "outcome"]].to_dict("records")
    subsets = {(), tuple(names), *((name,) for name in names)}
    for subset in subsets:
        mine, theirs = _keyed(mine_rows, subset), _keyed(their_rows, subset)
        if not all(_safe(count) and _safe(theirs.get(key, 0)) for key, count in mine.items()):
            return False
    return True


def _keyed(rows: Iterable[dict[str, Any]], names: Sequence[str]) -> Counter[tuple[str, ...]]:
    """How many rows share each combination of these attributes, per outcome and in total."""
    found: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        found[_key(row, names, str(row["outcome"]))] += 1
        found[_key(row, names, "total")] += 1
    return found


def publish(decisions: Sequence[Decision], all_cases: pd.DataFrame) -> Published:
    """Publish the decisions at the finest safe level.

    `all_cases` is the statistics' frame of decided cases of every scheme
    (`tracker.individual.statistics.decided_cases`): the other schemes' counts are taken from it.
    """
    if not decisions:
        return Published(level="outcome")
    others = all_cases[all_cases["scheme"] != Scheme.access_scheme]
    for level, names in LEVELS:
        if level_is_safe(decisions, others, names):
            rows = [
                s.CommitteeDecisionRow(
                    scheme=str(Scheme.access_scheme),
                    nye_metoder_id=d.nye_metoder_id if "method" in names else None,
                    method=d.method if "method" in names else None,
                    diagnosis_group=d.diagnosis_group if "diagnosis_group" in names else None,
                    outcome=d.outcome, grounds="; ".join(sorted(d.grounds)) or None,
                    days_to_decision=d.days_to_decision)
                for d in decisions
            ]
            # Ordered so that the order says nothing the row does not (not by date).
            rows.sort(key=lambda r: (r.outcome, r.nye_metoder_id or "", r.diagnosis_group or "",
                                     r.days_to_decision, r.grounds or ""))
            return Published(level=level, rows=rows, decided=len(decisions))
    return Published(level="none")
