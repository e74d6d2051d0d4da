"""Statistical core: assumed survival curves and estimators on aggregated count tables.

Modules
-------
parametric
    Survival curves assumed by health-economic models (``AssumedCurve``, parsed once).
survival
    Kaplan-Meier, RMST, one-sample log-rank, thinning and verdict on count tables.
comparison
    The one-sample log-rank test and the verdict rule (numbers and a rule code, no words).
hazards
    Piecewise-constant and kernel-smoothed hazards, log(-log S) against log t.
extrapolation
    The assumed mean survival against what the data show, and what the tail must do.
maturity
    Reverse Kaplan-Meier follow-up, projections to the review date, the maturity rule.
disclosure
    Count tables rounded to multiples of 5, for readers without small-count access.
"""

from tracker.analytics._common import StatisticalWarning

__all__ = ["StatisticalWarning"]
