"""Derived endpoints per patient: overall survival, progression-free survival, time on treatment.

All times are whole days from ``treatment_start`` (the time origin); an event flag is 1 for an
event and 0 for censoring.

* **OS**: death from any cause, ``death_date``; otherwise censored at ``last_followup`` (the last
  date known alive, or the date the registry's death data are complete).
* **PFS**: the first of ``progression_date`` and ``death_date``; otherwise censored at
  ``last_followup``.
* **TTD** (time on treatment): the first of ``treatment_stop`` and ``death_date``; otherwise the
  patient is still on treatment and censored at ``last_followup``.
* **Delayed entry**: ``entry_days`` is ``entry_date − treatment_start`` when the patient entered
  the registry's observation after starting treatment, else 0. A patient is counted for an
  endpoint only if they entered before leaving (``entry_days < days``) or entered at 0; the
  others could not have been observed under left truncation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

FloatDays = npt.NDArray[np.float64]
ENDPOINTS = ("OS", "PFS", "TTD")


def _first(*dates: FloatDays) -> FloatDays:
    # fmin ignores NaN, so the first *reported* date wins.
    result = dates[0]
    for other in dates[1:]:
        result = np.fmin(result, other)
    return result


def _endpoint(start: FloatDays, event_date: FloatDays, censor: FloatDays) -> tuple[Any, Any]:
    event = ~np.isnan(event_date)
    end = np.where(event, event_date, censor)
    return (end - start).astype(np.int32), event.astype(np.int16)


def derive_endpoints(days: dict[str, FloatDays]) -> dict[str, npt.NDArray[Any]]:
    """Return os/pfs/ttd days and events and entry_days from day numbers of a valid extract."""
    start = days["treatment_start"]
    followup = days["last_followup"]
    death = days["death_date"]
    os_days, os_event = _endpoint(start, death, followup)
    pfs_days, pfs_event = _endpoint(start, _first(days["progression_date"], death), followup)
    ttd_days, ttd_event = _endpoint(start, _first(days["treatment_stop"], death), followup)
    entry = days["entry_date"]
    with np.errstate(invalid="ignore"):
        entry_days = np.where(np.isnan(entry), 0, np.maximum(entry - start, 0)).astype(np.int32)
    return {
        "os_days": os_days, "os_event": os_event,
        "pfs_days": pfs_days, "pfs_event": pfs_event,
        "ttd_days": ttd_days, "ttd_event": ttd_event,
        "entry_days": entry_days,
    }


def observable(entry_days: npt.NDArray[Any], endpoint_days: npt.NDArray[Any]) -> Any:
    """Return which patients count for an endpoint under delayed entry (see the module doc)."""
    return (entry_days == 0) | (entry_days < endpoint_days)


def endpoint_warnings(
    days: dict[str, FloatDays], derived: dict[str, npt.NDArray[Any]], decision_date: date | None
) -> list[dict[str, Any]]:
    """Warn about valid but dubious follow-up: what the analysis will do with it."""
    warnings = []
    alive = np.isnan(days["death_date"])
    followup = days["last_followup"]
    with np.errstate(invalid="ignore"):
        after = (days["progression_date"] > followup) | (days["treatment_stop"] > followup)
        later = alive & after
    if later.any():
        warnings.append({
            "column": "last_followup", "count": int(later.sum()),
            "message": f"{int(later.sum())} living patient(s) have a progression or treatment stop "
            "after last_followup, the last date known alive; overall survival is censored at "
            "last_followup as given",
        })
    for endpoint in ENDPOINTS:
        key = endpoint.lower()
        excluded = ~observable(derived["entry_days"], derived[f"{key}_days"])
        if excluded.any():
            warnings.append({
                "column": "entry_date", "count": int(excluded.sum()),
                "message": f"{int(excluded.sum())} patient(s) entered observation on or after "
                f"the end of their {endpoint} follow-up and are left out of {endpoint} "
                "(left truncation)",
            })
    if decision_date is not None:
        cutoff = float((decision_date - date(1970, 1, 1)).days)
        early = int((days["treatment_start"] < cutoff).sum())
        if early:
            warnings.append({
                "column": "treatment_start", "count": early,
                "message": f"{early} patient(s) started treatment before the decision "
                f"({decision_date.isoformat()}), e.g. through the exception scheme or a study; "
                "check that they belong in the follow-up",
            })
    return warnings
