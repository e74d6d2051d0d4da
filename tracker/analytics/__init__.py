"""Statistical core: assumed survival curves and estimators on aggregated count tables.

Modules
-------
parametric
    Survival curves assumed by health-economic models (``survival``, ``restricted_mean``...).
survival
    Kaplan-Meier, RMST, one-sample log-rank, thinning and verdict on count tables.
"""

from tracker.analytics._common import StatisticalWarning

__all__ = ["StatisticalWarning"]
