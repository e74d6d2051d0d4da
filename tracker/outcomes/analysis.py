"""The one path from a count table to a verdict: numbers first, then words.

`compare` takes the count table an answer is built from (exact, or rounded for readers without
small-count access, see `tracker.analytics.disclosure`) and the assumed curve, parsed once
(`AssumedCurve`), and computes the Kaplan-Meier estimate, the landmarks and the one-sample
log-rank test; `verdict` classifies it (`tracker.analytics.comparison.verdict`: numbers and a
rule code) and only then asks the catalogue (`tracker.outcomes.wording`) for the words, in the
endpoint's terms. The outcomes answer, each delivery of the evidence history and the sweep's
divergence flag all go this way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tracker.analytics import comparison, survival
from tracker.analytics.counts import CountTable, PreparedTable, prepare, truncate
from tracker.analytics.disclosure import rounded_count_table
from tracker.analytics.parametric import AssumedCurve
from tracker.outcomes import schemas as s
from tracker.outcomes import wording

MIN_CELL = 5  # registries publish no count below 5
MIN_EVENTS = 20


def small(count: Any) -> Any:
    """Counts registries do not publish: 1 to 4 (for a number or a numpy array)."""
    return (count > 0) & (count < MIN_CELL)


def hide(value: Any, suppress: bool) -> int | None:
    """Return a count, or None if it is a small count the user may not see."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    count = int(round(float(value)))
    if suppress and small(count):
        return None
    return count


def num(value: Any) -> float | None:
    """A finite float, or None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def table_for(table: pd.DataFrame, suppress: bool) -> pd.DataFrame:
    """The count table an answer is computed from: rounded to multiples of 5 if suppressed."""
    return rounded_count_table(table, MIN_CELL) if suppress else table


@dataclass
class Comparison:
    """Registry data for one endpoint against the assumed curve, as numbers."""

    table: pd.DataFrame
    prepared: PreparedTable  # the table validated once, for every estimator of the answer
    n_patients: int
    events: int
    max_follow_up: float
    km: pd.DataFrame
    curve: AssumedCurve | None
    landmark_times: list[float]
    landmarks: list[s.Landmark]
    logrank: s.OneSampleLogrank | None
    problem: ValueError | None
    restricted_to: float | None
    events_after: int | None


def landmarks(
    km: pd.DataFrame, table: CountTable, times: list[float], curve: AssumedCurve | None,
    unit: str, max_follow_up: float, suppress: bool,
) -> list[s.Landmark]:
    """Kaplan-Meier against the assumed curve at the landmark times.

    Past the longest follow-up the estimate is unknown (null), unless it has already reached 0:
    then it stays 0 (with no interval: the band is not estimable at 0).
    """
    if not times:
        return []
    at = survival.survival_at(km, times, table=table)
    columns = [at[c].tolist() for c in ("time", "survival", "ci_lower", "ci_upper", "at_risk")]
    at_zero = bool(km["survival"].to_numpy()[-1] == 0.0)
    if curve is not None:
        assumed = curve.survival(times, unit)
        assumed = np.where(np.asarray(times) <= curve.covers_until(unit), assumed, np.nan)
    else:
        assumed = np.full(len(times), np.nan)
    out = []
    for time, surv, ci_lower, ci_upper, at_risk, assumed_value in zip(
            *columns, assumed.tolist(), strict=True):
        reached = time <= max_follow_up
        estimate = num(surv) if reached else (0.0 if at_zero else None)
        band = reached and estimate is not None and estimate > 0
        lo, hi = (num(ci_lower), num(ci_upper)) if band else (None, None)
        a = num(assumed_value)
        inside = None
        if a is not None and lo is not None and hi is not None:
            inside = bool(lo <= a <= hi)
        out.append(s.Landmark(
            time=float(time), km=estimate, ci_lower=lo, ci_upper=hi, assumed=a,
            assumed_inside_ci=inside, at_risk=hide(at_risk, suppress),
        ))
    return out


def _logrank(
    table: CountTable, curve: AssumedCurve, unit: str
) -> tuple[s.OneSampleLogrank | None, ValueError | None]:
    try:
        result = comparison.one_sample_logrank(
            table, lambda t: curve.cumulative_hazard(t, time_unit=unit)
        )
    except ValueError as exc:
        return None, exc
    lo, hi = result["ratio_ci"]
    return s.OneSampleLogrank(
        observed=result["observed"],
        expected=result["expected"],
        ratio=num(result["ratio"]),
        ratio_ci=(float(lo), num(hi)),
        chi2=num(result["chi2"]),
        p_value=num(result["p_value"]),
    ), None


def compare(
    table: pd.DataFrame, curve: AssumedCurve | None, landmark_times: list[float], unit: str,
    suppress: bool,
) -> Comparison:
    """Kaplan-Meier, landmarks and the one-sample log-rank test of one count table.

    A ``points`` curve that ends before the longest follow-up assumes nothing after its end:
    the test is restricted to the follow-up it covers (`tracker.analytics.counts.truncate`)
    and says so, instead of reading the curve's last value as a hazard of 0.
    """
    p = prepare(table)
    n_patients = int(p.removed.sum())
    events = int(p.events.sum())
    max_follow_up = float(p.time[-1])
    km = survival.kaplan_meier(p)
    logrank = problem = restricted_to = events_after = None
    if curve is not None:
        tested: CountTable = p
        covers = curve.covers_until(unit)
        if covers < max_follow_up:
            restricted_to = covers
            tested = truncate(p, covers)
            events_after = events - int(tested["events"].sum())
        logrank, problem = _logrank(tested, curve, unit)
    return Comparison(
        table=table, prepared=p, n_patients=n_patients, events=events,
        max_follow_up=max_follow_up, km=km, curve=curve, landmark_times=landmark_times,
        landmarks=landmarks(km, p, landmark_times, curve, unit, max_follow_up, suppress),
        logrank=logrank, problem=problem, restricted_to=restricted_to, events_after=events_after,
    )


def verdict(c: Comparison, endpoint: str, unit: str) -> s.Verdict:
    """Classify the comparison (numbers and a rule code), then word it for the endpoint."""
    if c.curve is None:
        return _too_little(endpoint, "no_assumption",
                           {lang: wording.no_assumption_text(lang) for lang in ("en", "nb")})
    lr = c.logrank
    if lr is None or lr.ratio_ci is None or lr.ratio_ci[1] is None:
        reason = comparison.undefined_reason(c.problem if lr is None else None)
        at = c.problem.time if isinstance(c.problem, comparison.TestUndefined) else None
        texts = {lang: wording.undefined_text(endpoint, reason, lang=lang, time_unit=unit,
                                              time=at, detail=str(c.problem))
                 for lang in ("en", "nb")}
        return _too_little(endpoint, f"test_undefined.{reason}", texts)
    result = comparison.verdict(
        events=lr.observed, max_follow_up=c.max_follow_up,
        first_landmark=c.landmark_times[0] if c.landmark_times else 0.0,
        ratio_ci=(lr.ratio_ci[0], lr.ratio_ci[1]), min_events=MIN_EVENTS,
    )
    quoted = [
        {"time": lm.time, "observed": lm.km, "ci_lower": lm.ci_lower, "ci_upper": lm.ci_upper,
         "assumed": lm.assumed}
        for lm in c.landmarks if lm.km is not None
    ]
    kind = result["kind"]
    texts = {
        lang: wording.verdict_text(endpoint, result, lang=lang, time_unit=unit,
                                   landmarks=quoted, restricted_to=c.restricted_to,
                                   events_after=c.events_after)
        for lang in ("en", "nb")
    }
    meaning = wording.meaning(endpoint, kind)
    return s.Verdict(
        verdict=wording.legacy_kind(kind),  # type: ignore[arg-type]
        label=wording.label(endpoint, kind, "nb"), label_en=wording.label(endpoint, kind, "en"),
        rule=texts["en"], rule_nb=texts["nb"], kind=kind, code=result["rule"],
        meaning=meaning.code, concern=meaning.concern, restricted_to=c.restricted_to,
    )


def _too_little(endpoint: str, code: str, texts: dict[str, str]) -> s.Verdict:
    return s.Verdict(
        verdict="too_little_data", label=wording.label(endpoint, "too_little_data", "nb"),
        label_en=wording.label(endpoint, "too_little_data", "en"), rule=texts["en"],
        rule_nb=texts["nb"], kind="too_little_data", code=code,
    )
