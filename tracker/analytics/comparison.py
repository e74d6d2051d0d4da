"""Comparing registry data with an assumed survival curve.

:func:`one_sample_logrank` computes observed and expected deaths under the assumed curve
from a count table; :func:`verdict` turns the result into one of four plain-language
classifications.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2

from tracker.analytics._common import check_alpha
from tracker.analytics.counts import prepare

__all__ = [
    "VERDICTS",
    "TestUndefined",
    "one_sample_logrank",
    "poisson_rate_ci",
    "undefined_rule",
    "verdict",
]

#: The possible verdicts.
VERDICTS: tuple[str, ...] = ("consistent", "worse", "better", "too_little_data")


class TestUndefined(ValueError):
    """The one-sample log-rank test is undefined for these data and this assumed curve.

    Unlike the other ValueErrors (wrong input from the caller), this one describes the data:
    ``reason`` is ``"survival_zero"`` (the assumed survival reaches 0 at ``time`` while patients
    are still followed), ``"no_expected_events"`` (no follow-up time under the assumed hazard) or
    ``"no_patients"``, so that callers can word it for their readers.
    """

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, reason: str, message: str, time: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.time = time


def poisson_rate_ci(observed: int, expected: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for ``observed / expected``.

    The limits for the Poisson mean are ``chi2.ppf(alpha/2, 2 O) / 2`` (0 when ``O == 0``) and
    ``chi2.ppf(1 - alpha/2, 2 (O + 1)) / 2``; both are divided by ``expected``.

    Examples
    --------
    >>> lower, upper = poisson_rate_ci(0, 1.0)
    >>> lower, round(upper, 3)
    (0.0, 3.689)
    """
    alpha = check_alpha(alpha)
    if expected <= 0 or not np.isfinite(expected):
        raise ValueError(f"expected must be a positive finite number, got {expected}.")
    if observed < 0:
        raise ValueError(f"observed must be >= 0, got {observed}.")
    lower = 0.0 if observed == 0 else float(chi2.ppf(alpha / 2, 2 * observed)) / 2
    upper = float(chi2.ppf(1 - alpha / 2, 2 * (observed + 1))) / 2
    return lower / expected, upper / expected


def one_sample_logrank(
    table: pd.DataFrame,
    cumhaz: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
    alpha: float = 0.05,
) -> dict[str, Any]:
    """One-sample log-rank comparison of observed deaths with an assumed curve.

    ``O`` is the number of events. The expected number is
    ``E = sum_patients [L(exit_i) - L(entry_i)]`` where ``L`` is the assumed cumulative hazard.
    Grouping patients by their exit and entry times gives the identity
    ``E = sum_t (events_t + censored_t) L(t) - sum_t entered_t L(t)``, which is why a count
    table suffices (patients without a recorded entry enter at time 0).

    Parameters
    ----------
    table : pandas.DataFrame
        Count table.
    cumhaz : callable
        Maps an array of times (in the table's time unit) to the assumed cumulative hazard,
        e.g. ``lambda t: parametric.cumulative_hazard(spec, t, time_unit="days")``.
    alpha : float, default 0.05
        Level of the exact Poisson interval for ``O / E``.

    Returns
    -------
    dict
        ``observed, expected, ratio, ratio_ci (lower, upper), chi2, p_value`` with
        ``chi2 = (O - E)**2 / E`` referred to a chi-square distribution with 1 df.

    Raises
    ------
    TestUndefined
        If the data leave the test undefined (no patients, no expected events, or assumed
        survival 0 while patients are followed); ``reason`` says which.
    ValueError
        If the count table or ``cumhaz`` is malformed.

    Examples
    --------
    >>> from tracker.analytics.counts import count_table
    >>> table = count_table([1.0, 2.0, 3.0, 4.0], [1, 1, 0, 1])
    >>> one_sample_logrank(table, lambda t: 0.25 * t)["expected"]
    2.5
    """
    alpha = check_alpha(alpha)
    if len(table) == 0:
        raise TestUndefined("no_patients", "count table is empty; there are no patients to test.")
    p = prepare(table)
    lam = np.asarray(cumhaz(p.time.copy()), dtype=np.float64)
    if lam.shape != p.time.shape:
        raise ValueError(
            f"cumhaz returned shape {lam.shape} for {p.time.size} times; it must map an array "
            "of times to an array of cumulative hazards of the same shape."
        )
    used = (p.removed > 0) | (p.entered > 0)
    if np.isnan(lam[used]).any() or (lam[used] < 0).any():
        raise ValueError("cumhaz returned NaN or negative values; it must be >= 0.")
    if np.isposinf(lam[used]).any():
        t = p.time[used][np.isposinf(lam[used])][0]
        raise TestUndefined(
            "survival_zero",
            f"the assumed cumulative hazard is infinite (assumed survival 0) at time {t:g}, where "
            "patients are still under follow-up; the one-sample log-rank test is undefined. "
            "Check the assumed curve's time unit or extend its points.",
            time=float(t),
        )
    if (np.diff(lam[used]) < -1e-12 * np.maximum(1.0, lam[used][1:])).any():
        raise ValueError("cumhaz must be non-decreasing in time; check the assumed curve.")
    observed = int(round(float(p.events.sum())))
    expected = float(np.dot(p.removed[used], lam[used]) - np.dot(p.entered[used], lam[used]))
    if not expected > 0:
        raise TestUndefined(
            "no_expected_events",
            f"expected number of events is {expected:g}; there is no follow-up time under the "
            "assumed hazard (all patients exit at time 0?).",
        )
    statistic = (observed - expected) ** 2 / expected
    return {
        "observed": observed,
        "expected": expected,
        "ratio": observed / expected,
        "ratio_ci": poisson_rate_ci(observed, expected, alpha),
        "chi2": float(statistic),
        "p_value": float(chi2.sf(statistic, 1)),
    }


def _fmt(x: float, lang: str = "en") -> str:
    text = f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    if lang == "nb":  # decimal comma, narrow space between thousands
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _fixed(x: float, lang: str) -> str:
    text = f"{x:.2f}"
    return text.replace(".", ",") if lang == "nb" else text


_UNITS_NB = {"months": "måneder", "days": "dager", "years": "år", "weeks": "uker"}


def _unit(unit: str, lang: str) -> str:
    return _UNITS_NB.get(unit, unit) if lang == "nb" else unit


def _landmark_sentence(
    landmarks: Sequence[Mapping[str, Any]], unit: str, lang: str = "en"
) -> str:
    nb = lang == "nb"
    parts = []
    for lm in landmarks:
        when = f"{_fmt(float(lm['time']), lang)} {_unit(unit, lang)}"
        observed = _fixed(float(lm["observed"]), lang)
        text = (f"ved {when} observert overlevelse {observed}" if nb
                else f"at {when} observed survival {observed}")
        if lm.get("ci_lower") is not None and lm.get("ci_upper") is not None:
            text += (f" ({_fixed(float(lm['ci_lower']), lang)}{'–' if nb else '-'}"
                     f"{_fixed(float(lm['ci_upper']), lang)})")
        if lm.get("assumed") is not None:
            text += (" mot antatt " if nb else " vs assumed ") + _fixed(float(lm["assumed"]), lang)
        parts.append(text)
    if not parts:
        return ""
    return (" Landemerker: " if nb else " Landmarks: ") + "; ".join(parts) + "."


def _too_little_data(
    lang: str, events: int, min_events: int, max_follow_up: float, first_landmark: float,
    unit: str,
) -> str:
    nb = lang == "nb"
    reasons = []
    if events < min_events:
        reasons.append(f"bare {events} hendelser (færre enn {min_events})" if nb
                       else f"only {events} events (fewer than {min_events})")
    if max_follow_up < first_landmark:
        longest, first = _fmt(max_follow_up, lang), _fmt(first_landmark, lang)
        reasons.append(
            f"lengste oppfølging {longest} {unit} er kortere enn første landemerke ved "
            f"{first} {unit}" if nb else
            f"longest follow-up {longest} {unit} is shorter than the first landmark at "
            f"{first} {unit}"
        )
    joined = (" og " if nb else " and ").join(reasons)
    return ("For lite data: " if nb else "Too little data: ") + joined + "."


def undefined_rule(problem: ValueError | None, time_unit: str, lang: str) -> str:
    """The sentence that explains why :func:`one_sample_logrank` gave no result, for a reader.

    ``problem`` is the error it raised (None: there were no events to test).
    """
    nb = lang == "nb"
    start = ("Én-utvalgs log-rank-testen kunne ikke beregnes: " if nb
             else "The one-sample log-rank test could not be computed: ")
    reason = problem.reason if isinstance(problem, TestUndefined) else None
    if reason == "survival_zero" and isinstance(problem, TestUndefined):
        at, unit = _fmt(problem.time or 0.0, lang), _unit(time_unit, lang)
        return start + (
            f"den antatte kurven gir overlevelse 0 ved {at} {unit}, mens pasienter fortsatt "
            "følges opp. Kontroller kurvens tidsenhet, eller forleng punktene." if nb else
            f"the assumed curve gives survival 0 at {at} {unit} while patients are still "
            "followed. Check the curve's time unit or extend its points."
        )
    if reason == "no_expected_events":
        return start + (
            "ingen oppfølgingstid under den antatte hasarden (går alle pasienter ut ved tid 0?)."
            if nb else "no follow-up time under the assumed hazard (do all patients exit at "
            "time 0?)."
        )
    if reason == "no_patients" or problem is None:
        return start + ("ingen pasienter eller hendelser å teste." if nb
                        else "no patients or events to test.")
    # A malformed curve or table is a fault of the program or the stored data: quote it as is.
    return start + (f"teknisk feil ({problem})." if nb else f"{problem}")


def _rule(kind: str, lang: str, w: Mapping[str, Any]) -> str:
    """The sentence that explains a verdict, with its numbers, in English or Norwegian."""
    nb = lang == "nb"
    unit = _unit(w["time_unit"], lang)
    extra = _landmark_sentence(w["landmarks"], w["time_unit"], lang)
    if kind == "too_little_data":
        return _too_little_data(lang, w["events"], w["min_events"], w["max_follow_up"],
                                w["first_landmark"], unit) + extra
    null = _fmt(w["null_ratio"], lang)
    interval = _fixed(w["lower"], lang) + ("–" if nb else "-") + _fixed(w["upper"], lang)
    follow_up = _fmt(w["max_follow_up"], lang)
    percent = f"{w['confidence']:.0%}"
    if nb:
        ci_text = (f"{percent[:-1]} %-konfidensintervallet for observerte/forventede dødsfall "
                   f"({interval})")
        basis = f" ({w['events']} hendelser, oppfølging inntil {follow_up} {unit})."
        sentence = {
            "worse": f"Dårligere enn antatt: {ci_text} ligger helt over {null}, altså flere "
                     "dødsfall enn den antatte kurven gir",
            "better": f"Bedre enn antatt: {ci_text} ligger helt under {null}, altså færre "
                      "dødsfall enn den antatte kurven gir",
            "consistent": f"I tråd med antagelsene: {ci_text} omfatter {null}",
        }[kind]
    else:
        ci_text = f"{percent} CI of observed/expected deaths {interval}"
        basis = f" ({w['events']} events, follow-up up to {follow_up} {unit})."
        sentence = {
            "worse": f"Worse than assumed: the {ci_text} lies entirely above {null}, i.e. more "
                     "deaths than the assumed curve predicts",
            "better": f"Better than assumed: the {ci_text} lies entirely below {null}, i.e. "
                      "fewer deaths than the assumed curve predicts",
            "consistent": f"Consistent with the assumption: the {ci_text} includes {null}",
        }[kind]
    return sentence + basis + extra


def verdict(
    *,
    events: int,
    max_follow_up: float,
    first_landmark: float,
    ratio_ci: tuple[float, float],
    landmarks: Sequence[Mapping[str, Any]] = (),
    min_events: int = 20,
    null_ratio: float = 1.0,
    confidence: float = 0.95,
    time_unit: str = "months",
) -> dict[str, str]:
    """Classify registry data against the assumed curve.

    Rule, applied in order: ``"too_little_data"`` if ``events < min_events`` or
    ``max_follow_up < first_landmark``; ``"worse"`` (more deaths than assumed) if the lower
    limit of the O/E interval is above ``null_ratio``; ``"better"`` if the upper limit is below
    it; otherwise ``"consistent"``.

    Parameters
    ----------
    events, max_follow_up, first_landmark, ratio_ci
        Number of events, longest follow-up, first landmark time (same unit) and the O/E ratio
        interval from :func:`one_sample_logrank`.
    landmarks : sequence of mappings, optional
        Landmark comparisons with keys ``time, observed`` and optionally ``ci_lower, ci_upper,
        assumed``; they are quoted in the sentence but do not change the verdict.
    min_events, null_ratio : keyword thresholds (defaults 20 and 1.0).
    confidence, time_unit : used for wording only.

    Returns
    -------
    dict
        ``{"verdict": ..., "rule": "<English sentence with the numbers>",
        "rule_nb": "<the same in Norwegian (bokmål), decimal comma>"}``.

    Examples
    --------
    >>> verdict(events=40, max_follow_up=24.0, first_landmark=12.0, ratio_ci=(1.1, 1.9))["verdict"]
    'worse'
    """
    lower, upper = (float(x) for x in ratio_ci)
    if not (0 <= lower <= upper) or np.isnan(upper):
        raise ValueError(
            f"ratio_ci must be (lower, upper) with 0 <= lower <= upper, got {ratio_ci}."
        )
    if events < 0 or max_follow_up < 0 or first_landmark < 0:
        raise ValueError("events, max_follow_up and first_landmark must be >= 0.")
    if events < min_events or max_follow_up < first_landmark:
        kind = "too_little_data"
    elif lower > null_ratio:
        kind = "worse"
    elif upper < null_ratio:
        kind = "better"
    else:
        kind = "consistent"
    wording = {
        "events": events, "max_follow_up": max_follow_up, "first_landmark": first_landmark,
        "lower": lower, "upper": upper, "landmarks": landmarks, "min_events": min_events,
        "null_ratio": null_ratio, "confidence": confidence, "time_unit": time_unit,
    }
    return {
        "verdict": kind,
        "rule": _rule(kind, "en", wording),
        "rule_nb": _rule(kind, "nb", wording),
    }
