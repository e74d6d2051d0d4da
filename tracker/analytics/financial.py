"""What a financial agreement owes: price–volume tiers crossed during the year, and spending
against an expenditure cap. Pure functions on whole columns (issue #17).

Price–volume: the patients who start in an agreement year are counted in the order they start;
the tier a patient falls in is the highest one whose threshold the count has reached. Under
``from_threshold`` each patient gets the discount of the tier they fall in (a tier crossed in
June discounts the patients from June on); under ``whole_year`` every patient of the year gets
the discount of the highest tier the year reaches (the rebate is settled after the year).

Cap: each patient's days on treatment inside the agreement year (from the start, or the year's
first day, to the stop, death, last follow-up or the day of the reckoning, whichever is first)
at the monthly cost; what the year's spending passes the cap by is owed back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

MONTH_DAYS = 365.25 / 12


def tier_discounts(order: npt.ArrayLike, thresholds: Sequence[int], discounts: Sequence[float],
                   *, mode: Literal["from_threshold", "whole_year"] = "from_threshold",
                   ) -> npt.NDArray[np.float64]:
    """Return each patient's tier discount (percent) from their place in the year's count.

    Parameters
    ----------
    order : array of int
        The patient's place among the year's patients, 1 for the first to start.
    thresholds : sequence of int
        Each tier's ``min_patients``, increasing: the tier applies from the patient whose
        place reaches it (a threshold of 0 or 1 applies from the first patient).
    discounts : sequence of float
        Each tier's discount in percent.
    mode : {"from_threshold", "whole_year"}

    Examples
    --------
    >>> tier_discounts([1, 2, 3, 4], [0, 3], [0.0, 10.0]).tolist()
    [0.0, 0.0, 10.0, 10.0]
    >>> tier_discounts([1, 2, 3, 4], [0, 3], [0.0, 10.0], mode="whole_year").tolist()
    [10.0, 10.0, 10.0, 10.0]
    """
    place = np.asarray(order, dtype=np.int64)
    limits = np.asarray(thresholds, dtype=np.int64)
    rates = np.asarray(discounts, dtype=np.float64)
    if len(limits) != len(rates) or np.any(np.diff(limits) <= 0):
        raise ValueError("give one discount per tier, with strictly increasing thresholds.")
    tier = np.searchsorted(limits, place, side="right") - 1
    if mode == "whole_year":
        tier = np.full_like(tier, tier.max() if len(tier) else -1)
    return np.where(tier >= 0, rates[np.clip(tier, 0, None)], 0.0)


def price_volume_rebates(starts: pd.Series, *, cost_per_patient: float, thresholds: Sequence[int],
                         discounts: Sequence[float], year_start_month: int = 1,
                         mode: Literal["from_threshold", "whole_year"] = "from_threshold",
                         ) -> pd.DataFrame:
    """Return, per patient, the agreement year, place in the year, tier discount and rebate.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2025-01-10", "2025-03-01", "2025-06-01"]))
    >>> price_volume_rebates(s, cost_per_patient=1000, thresholds=[0, 2],
    ...                      discounts=[0, 10])["rebate"].tolist()
    [0.0, 100.0, 100.0]
    """
    days = pd.to_datetime(starts)
    shifted = days - pd.DateOffset(months=year_start_month - 1)
    year = shifted.dt.year.to_numpy()
    order = (pd.DataFrame({"year": year, "day": days.to_numpy(), "i": np.arange(len(days))})
             .sort_values(["year", "day", "i"]).groupby("year").cumcount() + 1).sort_index()
    discount = tier_discounts(order.to_numpy(), thresholds, discounts, mode="from_threshold")
    if mode == "whole_year":
        frame = pd.DataFrame({"year": year, "d": discount})
        discount = frame.groupby("year")["d"].transform("max").to_numpy()
    return pd.DataFrame({"agreement_year": year, "place": order.to_numpy(),
                         "discount_percent": discount,
                         "rebate": np.round(cost_per_patient * discount / 100.0, 2)},
                        index=starts.index)


def cap_spending(patients: pd.DataFrame, *, year_start: np.datetime64, as_of: np.datetime64,
                 monthly_cost: float) -> pd.Series:
    """Return each patient's spending in the agreement year up to ``as_of`` (NOK).

    The year runs from ``year_start`` for twelve months; a patient is on treatment from the
    start to the first of stop, death, last follow-up and ``as_of``.

    Examples
    --------
    >>> p = pd.DataFrame({"treatment_start": pd.to_datetime(["2025-01-01"]),
    ...                   "last_followup": pd.to_datetime(["2025-12-31"])})
    >>> round(float(cap_spending(p, year_start=np.datetime64("2025-01-01"),
    ...       as_of=np.datetime64("2025-07-02"), monthly_cost=MONTH_DAYS).iloc[0]), 2)
    182.0
    """
    first = np.asarray(year_start, dtype="M8[D]")
    year_end = np.asarray(pd.Timestamp(first.item()) + pd.DateOffset(years=1), dtype="M8[D]")
    end = np.minimum(np.asarray(as_of, dtype="M8[D]"), year_end)

    def day(name: str) -> npt.NDArray[np.datetime64]:
        if name not in patients:
            return np.full(len(patients), np.datetime64("NaT"), dtype="M8[D]")
        return patients[name].to_numpy(dtype="M8[D]")

    stop = day("last_followup")
    for name in ("treatment_stop", "death_date"):
        other = day(name)
        stop = np.where(~np.isnat(other) & (other < stop), other, stop)
    on_from = np.maximum(day("treatment_start"), first)
    on_to = np.minimum(stop, end)
    days = np.clip((on_to - on_from).astype(np.int64), 0, None)
    return pd.Series(np.round(days * monthly_cost / MONTH_DAYS, 2), index=patients.index)


def cap_excess(spending: float, cap: float) -> float:
    """Return what the year's spending passes the cap by (0 below it)."""
    return round(max(0.0, spending - cap), 2)
