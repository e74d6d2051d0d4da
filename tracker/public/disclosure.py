"""Which of the assessment committee's decisions can be published, and how finely.

A published list of decisions is a table of counts of one: count its rows by method and outcome
and you have the numbers the statistics hide when they are 1–4. So the list is published at the
finest level at which every count it implies is 0 or at least 5:

1. method and diagnosis group (ICD-10 chapter) with the outcome,
2. diagnosis group only, or method only,
3. the outcome only,
4. nothing (every outcome is too rare to list yet).

At each level every count the list implies must be 0 or at least 5, and none may be a count
the committee scheme's own protected statistics hide (`tracker.individual.statistics_linked`
reads every public answer from that one): the counts per outcome overall (the scheme table) and
per method and per diagnosis group named (the method and diagnosis-group tables). Sex, birth
year, trust, region and dates are never in the list; the days from receipt to decision are, and
the grounds found met, which are in no table of counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.individual.enums import Scheme
from tracker.individual.statistics import Statistics
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


def level_is_safe(decisions: Sequence[Decision], shown: Statistics,
                  names: Sequence[str]) -> bool:
    """Whether naming these attributes implies only counts of 0 or at least 5, none of them
    hidden in the scheme's protected statistics (`shown`)."""
    rows = [{"method": d.nye_metoder_id, "diagnosis_group": d.diagnosis_group,
             "outcome": d.outcome} for d in decisions]
    for subset in {(), tuple(names), *((name,) for name in names)}:
        if not all(_safe(count) for count in _keyed(rows, subset).values()):
            return False
    tables = {(): ("scheme", None), ("method",): ("method", "method"),
              ("diagnosis_group",): ("diagnosis_group", "diagnosis_group")}
    for subset, (table, column) in tables.items():
        if subset and subset[0] not in names:
            continue
        published = shown.tables.get(table) or []
        for key in {tuple(str(row[n]) for n in subset) for row in rows}:
            match = [r for r in published if r.get("row_type") == "cell"
                     and (column is None or str(r.get(column)) == key[0])]
            if len(match) != 1 or any(match[0].get(k) is None
                                      for k in ("granted", "refused", "total")):
                return False
    return True


def _keyed(rows: Iterable[dict[str, Any]], names: Sequence[str]) -> Counter[tuple[str, ...]]:
    """How many rows share each combination of these attributes, per outcome and in total."""
    found: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        found[_key(row, names, str(row["outcome"]))] += 1
        found[_key(row, names, "total")] += 1
    return found


def publish(decisions: Sequence[Decision], shown: Statistics) -> Published:
    """Publish the decisions at the finest safe level.

    `shown` is the committee scheme's statistics as the public sees them
    (`tracker.individual.statistics.for_reader(suppress=True, scheme=access_scheme)`).
    """
    if not decisions:
        return Published(level="outcome")
    for level, names in LEVELS:
        if level_is_safe(decisions, shown, names):
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
