"""Price–volume tiers crossed in the year and spending against a cap, against hand arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracker.analytics.financial import (
    MONTH_DAYS,
    cap_excess,
    cap_spending,
    price_volume_rebates,
    tier_discounts,
)

TIERS, DISCOUNTS = [0, 50, 100], [0.0, 10.0, 15.0]


def _starts(n: int, first: str = "2025-01-02") -> pd.Series:
    # One patient a day from `first`: the 50th starts on day 50.
    return pd.Series(pd.date_range(first, periods=n, freq="D"))


def test_a_tier_crossed_mid_year_discounts_the_patients_from_then_on():
    rows = price_volume_rebates(_starts(130), cost_per_patient=100_000, thresholds=TIERS,
                                discounts=DISCOUNTS)
    # By hand: patients 50-99 at 10 % (50 x 10 000), 100-130 at 15 % (31 x 15 000).
    assert rows["rebate"].sum() == 50 * 10_000 + 31 * 15_000 == 965_000
    assert rows.loc[48, "discount_percent"] == 0 and rows.loc[49, "discount_percent"] == 10


def test_whole_year_mode_gives_every_patient_the_highest_tier_reached():
    rows = price_volume_rebates(_starts(130), cost_per_patient=100_000, thresholds=TIERS,
                                discounts=DISCOUNTS, mode="whole_year")
    assert rows["rebate"].sum() == 130 * 15_000


def test_the_count_starts_again_each_agreement_year():
    starts = pd.concat([_starts(60, "2025-03-01"), _starts(10, "2026-07-01")],
                       ignore_index=True)
    rows = price_volume_rebates(starts, cost_per_patient=1_000, thresholds=TIERS,
                                discounts=DISCOUNTS, year_start_month=7)
    # July-June years: starts from 1 March 2025 belong to 2024/25; 1 July 2026 opens 2026/27,
    # whose first patient is place 1 again.
    assert rows["agreement_year"].tolist()[:1] == [2024] and rows["place"].iloc[60] == 1
    assert rows["rebate"].iloc[60:].sum() == 0


def test_tiers_must_increase():
    with pytest.raises(ValueError, match="strictly increasing"):
        tier_discounts([1], [10, 5], [1.0, 2.0])


def test_spending_counts_days_on_treatment_inside_the_year_to_the_day_of_reckoning():
    patients = pd.DataFrame({
        "treatment_start": pd.to_datetime(["2024-11-01", "2025-03-01", "2025-06-01"]),
        "last_followup": pd.to_datetime(["2025-12-31", "2025-12-31", "2025-12-31"]),
        "treatment_stop": pd.to_datetime(["2025-01-31", None, None]),
        "death_date": pd.to_datetime([None, "2025-04-10", None]),
    })
    spent = cap_spending(patients, year_start=np.datetime64("2025-01-01"),
                         as_of=np.datetime64("2025-07-01"), monthly_cost=30_000)
    # By hand: 30 days (1-31 Jan), 40 days (1 Mar-10 Apr), 30 days (1-30 Jun... to 1 Jul).
    per_day = 30_000 / MONTH_DAYS
    assert spent.tolist() == pytest.approx([30 * per_day, 40 * per_day, 30 * per_day], abs=0.01)
    total = float(spent.sum())
    assert cap_excess(total, 50_000) == pytest.approx(total - 50_000, abs=0.01)
    assert cap_excess(total, 1_000_000) == 0
