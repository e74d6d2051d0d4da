"""Comparing registry data with an assumed survival curve.

:func:`one_sample_logrank` computes observed and expected events under the assumed curve from a
count table; :func:`verdict` classifies the result by a fixed rule and returns the rule's code
with the numbers it used. Nothing here writes a sentence: the words (which depend on the
endpoint, e.g. deaths for OS, progression or death for PFS, discontinuation for time on
treatment) live in one catalogue, :mod:`tracker.outcomes.wording`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import chdtrc

from tracker.analytics._common import check_alpha, poisson_limits
from tracker.analytics.counts import CountTable, PreparedTable, prepare

__all__ = [
    "KINDS",
    "RULES",
    "TestUndefined",
    "one_sample_logrank",
    "poisson_rate_ci",
    "undefined_reason",
    "verdict",
]

#: What the data say about the assumption, whatever the endpoint: more events than assumed,
#: fewer, consistent with it, or too little data to tell.
KINDS: tuple[str, ...] = ("more_events", "fewer_events", "consistent", "too_little_data")

#: The rule codes of :func:`verdict`, each naming the condition that decided.
RULES: dict[str, str] = {
    "oe_above": "more_events",
    "oe_below": "fewer_events",
    "oe_includes": "consistent",
    "few_events": "too_little_data",
    "short_follow_up": "too_little_data",
    "few_events_short_follow_up": "too_little_data",
}

#: Why :func:`one_sample_logrank` gave no result (``TestUndefined.reason``), plus ``"failed"``
#: for any other error (a malformed curve or table).
UNDEFINED_REASONS: tuple[str, ...] = (
    "survival_zero", "no_expected_events", "no_patients", "failed",
)


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
    lower, upper = poisson_limits(observed, alpha)
    return float(lower) / expected, float(upper) / expected


def one_sample_logrank(
    table: CountTable,
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
    if not isinstance(table, PreparedTable) and len(table) == 0:
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
        "p_value": float(chdtrc(1, statistic)),  # chi2.sf(statistic, 1)
    }


def undefined_reason(problem: ValueError | None) -> str:
    """The code of why :func:`one_sample_logrank` gave no result (see ``UNDEFINED_REASONS``).

    ``problem`` is the error it raised; None means there were no events to test.

    Examples
    --------
    >>> undefined_reason(TestUndefined("survival_zero", "...", time=7.0))
    'survival_zero'
    """
    if problem is None:
        return "no_patients"
    if isinstance(problem, TestUndefined):
        return problem.reason
    return "failed"


def verdict(
    *,
    events: int,
    max_follow_up: float,
    first_landmark: float,
    ratio_ci: tuple[float, float],
    min_events: int = 20,
    null_ratio: float = 1.0,
) -> dict[str, Any]:
    """Classify registry data against the assumed curve by a fixed rule.

    Rule, applied in order: too little data (``"few_events"`` if ``events < min_events``,
    ``"short_follow_up"`` if ``max_follow_up < first_landmark``, ``"few_events_short_follow_up"``
    if both); ``"oe_above"`` (more events than assumed) if the lower limit of the O/E interval is
    above ``null_ratio``; ``"oe_below"`` (fewer) if the upper limit is below it; otherwise
    ``"oe_includes"`` (consistent).

    Parameters
    ----------
    events, max_follow_up, first_landmark, ratio_ci
        Number of events, longest follow-up, first landmark time (same unit) and the O/E ratio
        interval from :func:`one_sample_logrank`.
    min_events, null_ratio : keyword thresholds (defaults 20 and 1.0).

    Returns
    -------
    dict
        ``kind`` (one of :data:`KINDS`), ``rule`` (one of :data:`RULES`) and the numbers the
        rule used: ``events, min_events, max_follow_up, first_landmark, ratio_ci, null_ratio``.

    Examples
    --------
    >>> result = verdict(events=40, max_follow_up=24.0, first_landmark=12.0, ratio_ci=(1.1, 1.9))
    >>> result["kind"], result["rule"]
    ('more_events', 'oe_above')
    """
    lower, upper = (float(x) for x in ratio_ci)
    if not (0 <= lower <= upper) or np.isnan(upper):
        raise ValueError(
            f"ratio_ci must be (lower, upper) with 0 <= lower <= upper, got {ratio_ci}."
        )
    if events < 0 or max_follow_up < 0 or first_landmark < 0:
        raise ValueError("events, max_follow_up and first_landmark must be >= 0.")
    few, short = events < min_events, max_follow_up < first_landmark
    if few or short:
        rule = "few_events_short_follow_up" if few and short else (
            "few_events" if few else "short_follow_up")
    elif lower > null_ratio:
        rule = "oe_above"
    elif upper < null_ratio:
        rule = "oe_below"
    else:
        rule = "oe_includes"
    return {
        "kind": RULES[rule],
        "rule": rule,
        "events": int(events),
        "min_events": int(min_events),
        "max_follow_up": float(max_follow_up),
        "first_landmark": float(first_landmark),
        "ratio_ci": (lower, upper),
        "null_ratio": float(null_ratio),
    }
