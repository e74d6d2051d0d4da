"""Seeded synthetic cohorts for the analytics tests."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Arrays = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64] | None]


def weibull_cohort(
    n: int,
    seed: int,
    *,
    scale: float = 14.0,
    shape: float = 1.2,
    censor_rate: float = 0.03,
    round_to: float | None = None,
    delayed_entry: bool = False,
) -> Arrays:
    """Weibull death times, exponential censoring, optional rounding and delayed entry.

    With ``delayed_entry`` the entry times are uniform on ``[0, exit)`` (continuous, so they
    never coincide with an exit time), and patients are kept regardless of entry.
    """
    rng = np.random.default_rng(seed)
    death = scale * rng.weibull(shape, n)
    censor = rng.exponential(1.0 / censor_rate, n)
    durations = np.minimum(death, censor)
    events = (death <= censor).astype(np.int64)
    if round_to is not None:
        durations = np.maximum(np.round(durations / round_to), 1.0) * round_to
    entry = None
    if delayed_entry:
        entry = rng.uniform(0.0, 1.0, n) * durations * (rng.uniform(size=n) < 0.5)
    return durations, events, entry
