"""What an outcome-based agreement owes: each patient classified, and the refund per period.

Pure functions on whole columns (one row per patient, dates as ``datetime64[D]``), so that a
settlement of a million patients takes well under the two seconds of issue #17. The registry
feed that serves the reassessment serves the settlement too: the events that make a patient a
non-responder are read from its columns, with no extra registration.

A patient is, as of a date (``as_of``):

- **excluded** when treatment started before the agreement (or, if the terms name a subgroup,
  outside it), with the reason;
- **non-responder** when a counting event (progression, death, a stop for progression or
  toxicity: whichever the terms count) falls inside the evaluation window
  ``[treatment_start, treatment_start + window]`` and on or before ``as_of``;
- **responder** when followed past the window's end (last follow-up, or an event after it)
  without a counting event inside it, and the window has ended by ``as_of``;
- **pending** otherwise: the window is not over, or follow-up ends inside it — to be
  re-evaluated at the next delivery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

EVENTS = ("progression", "death", "stop_progression", "stop_toxicity")
CLASSES = ("responder", "non_responder", "pending", "excluded")
REASONS = ("", "window_open", "followup_ends_in_window", "started_before_agreement",
           "outside_subgroup")
NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Terms:
    """The terms of an outcome-based agreement that decide who is a non-responder.

    Parameters
    ----------
    window_days : int
        Length of the evaluation window from the start of treatment.
    events : iterable of str
        Which of ``EVENTS`` count.
    agreement_start : numpy.datetime64
        Patients who started before it are excluded.
    subgroup : str, optional
        Only patients of this subgroup (the feed's ``subgroup`` column) count.
    """

    window_days: int
    events: tuple[str, ...]
    agreement_start: np.datetime64
    subgroup: str | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.events) - set(EVENTS))
        if unknown or not self.events:
            raise ValueError(f"count one or more of {', '.join(EVENTS)}; got {unknown or 'none'}.")
        if self.window_days < 1:
            raise ValueError("the evaluation window must be at least one day.")


def _days(frame: pd.DataFrame, name: str) -> npt.NDArray[np.datetime64]:
    if name not in frame:
        return np.full(len(frame), NAT)
    return frame[name].to_numpy(dtype="datetime64[D]")


def classify(patients: pd.DataFrame, terms: Terms, as_of: np.datetime64) -> pd.DataFrame:
    """Classify every patient as of a date; return class, reason, window end, event and date.

    Parameters
    ----------
    patients : pandas.DataFrame
        One row per patient: ``treatment_start`` and ``last_followup`` (required), and
        ``progression_date``, ``death_date``, ``treatment_stop``, ``stop_reason``, ``subgroup``
        where the feed has them.
    terms : Terms
    as_of : numpy.datetime64
        The day the settlement is made; later events are not known yet.

    Returns
    -------
    pandas.DataFrame
        Columns ``class``, ``reason`` (why excluded or pending, else empty), ``window_end``,
        ``event`` (which counting event, if any) and ``event_date``, in the input's order.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> p = pd.DataFrame({"treatment_start": pd.to_datetime(["2025-01-01", "2025-01-01"]),
    ...                   "last_followup": pd.to_datetime(["2025-06-01", "2025-01-20"]),
    ...                   "progression_date": pd.to_datetime([None, "2025-01-15"])})
    >>> t = Terms(window_days=56, events=("progression", "death"),
    ...           agreement_start=np.datetime64("2024-12-01"))
    >>> classify(p, t, np.datetime64("2025-06-30"))["class"].tolist()
    ['responder', 'non_responder']
    """
    day = np.asarray(as_of, dtype="datetime64[D]")
    n = len(patients)
    start = _days(patients, "treatment_start")
    followup = _days(patients, "last_followup")
    if np.isnat(start).any() or np.isnat(followup).any():
        raise ValueError("every patient needs treatment_start and last_followup; check the feed.")
    window_end = start + np.timedelta64(terms.window_days, "D")
    stop = _days(patients, "treatment_stop")
    stop_reason = (patients["stop_reason"] if "stop_reason" in patients
                   else pd.Series([None] * n, dtype="string"))
    candidates = {
        "progression": _days(patients, "progression_date"),
        "death": _days(patients, "death_date"),
        "stop_progression": np.where((stop_reason == "progression").to_numpy(bool, na_value=False),
                                     stop, NAT),
        "stop_toxicity": np.where((stop_reason == "toxicity").to_numpy(bool, na_value=False),
                                  stop, NAT),
    }
    # Work in integer days and small integer codes: a million patients in a fraction of a second.
    big = np.iinfo(np.int64).max
    event_day = np.full(n, big, dtype=np.int64)
    event_code = np.zeros(n, dtype=np.int8)  # 0: none, else 1 + index in EVENTS
    first, last, today = start.astype(np.int64), window_end.astype(np.int64), day.astype(np.int64)
    for name in terms.events:
        when = candidates[name]
        days = np.where(np.isnat(when), big, when.astype(np.int64))
        # An event counts if known by as_of and inside the window; the earliest one is named.
        inside = (days >= first) & (days <= last) & (days <= today) & (days < event_day)
        event_day = np.where(inside, days, event_day)
        event_code = np.where(inside, np.int8(EVENTS.index(name) + 1), event_code)
    seen_until = followup.astype(np.int64)
    for when in candidates.values():
        days = np.where(np.isnat(when), seen_until, when.astype(np.int64))
        np.maximum(seen_until, days, out=seen_until)
    np.minimum(seen_until, today, out=seen_until)
    non_responder = event_code > 0
    responder = ~non_responder & (last <= today) & (seen_until >= last)
    # class codes: index in CLASSES; reason codes: index in REASONS
    cls = np.where(non_responder, 1, np.where(responder, 0, 2)).astype(np.int8)
    reason = np.where(cls == 2, np.where(last > today, 1, 2), 0).astype(np.int8)
    excluded = first < np.asarray(terms.agreement_start, dtype="datetime64[D]").astype(np.int64)
    reason[excluded] = 3
    if terms.subgroup is not None:
        groups = (patients["subgroup"] if "subgroup" in patients
                  else pd.Series([None] * n, dtype="string"))
        outside = ~excluded & ~(groups == terms.subgroup).to_numpy(bool, na_value=False)
        reason[outside] = 4
        excluded = excluded | outside
    cls[excluded] = 3
    event_code[excluded] = 0
    event_day[excluded | ~non_responder] = big
    event_date = np.where(event_day == big, NAT, event_day.astype("datetime64[D]"))
    return pd.DataFrame({
        "class": pd.Categorical.from_codes(cls, CLASSES),
        "reason": pd.Categorical.from_codes(reason, REASONS),
        "window_end": window_end,
        "event": pd.Categorical.from_codes(event_code, ("", *EVENTS)),
        "event_date": event_date,
    }, index=patients.index)


def refunds(classes: pd.Series | npt.ArrayLike, *, cost_per_window: float,
            share_percent: float) -> npt.NDArray[np.float64]:
    """Return what the supplier refunds per patient: the share of the window's cost for each
    non-responder, nothing for the others (in NOK, rounded to the øre).

    Examples
    --------
    >>> refunds(["non_responder", "responder", "pending"], cost_per_window=120_000,
    ...         share_percent=50).tolist()
    [60000.0, 0.0, 0.0]
    """
    if cost_per_window < 0 or not 0 < share_percent <= 100:
        raise ValueError("cost must be 0 or more and the share between 0 and 100 per cent.")
    values = np.asarray(classes == "non_responder" if isinstance(classes, pd.Series)
                        else np.asarray(classes, dtype=object) == "non_responder", dtype=bool)
    return np.round(values * (cost_per_window * share_percent / 100.0), 2)


def totals_by(frame: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """Return counts of each class and the amount owed per group (e.g. per trust)."""
    keys = list(keys)
    grouped = frame.groupby([*keys, "class"], sort=True, observed=False)
    counts = grouped.size().unstack("class", fill_value=0).reindex(columns=list(CLASSES),
                                                                    fill_value=0)
    amounts = frame.groupby(keys, sort=True, observed=True)["amount"].sum()
    out = counts.join(amounts.rename("amount")).reset_index()
    out.columns.name = None
    return out
