"""Count tables: construction, validation, merging and numbers at risk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from tests.analytics._simulate import weibull_cohort
from tracker.analytics import StatisticalWarning
from tracker.analytics.survival import (
    count_table,
    kaplan_meier,
    merge_count_tables,
    numbers_at_risk,
)


def test_count_table_equals_a_pandas_groupby() -> None:
    durations, events, entry = weibull_cohort(500, 21, round_to=1.0, delayed_entry=True)
    assert entry is not None
    table = count_table(durations, events, entry)
    patients = pd.DataFrame({"time": durations, "event": events})
    exits = patients.groupby("time")["event"].agg(events="sum", n="size")
    entries = pd.Series(entry).value_counts()
    expected = pd.DataFrame(index=np.union1d(durations, entry))
    expected["events"] = exits["events"].reindex(expected.index, fill_value=0)
    expected["censored"] = (exits["n"] - exits["events"]).reindex(expected.index, fill_value=0)
    expected["entered"] = entries.reindex(expected.index, fill_value=0)
    np.testing.assert_array_equal(table["time"], expected.index)
    for column in ("events", "censored", "entered"):
        np.testing.assert_array_equal(table[column], expected[column])
    assert list(table.columns) == ["time", "events", "censored", "entered"]
    assert table["time"].dtype == np.float64 and table["events"].dtype == np.int64


def test_count_table_without_entry_has_zero_entered() -> None:
    table = count_table([3.0, 1.0, 3.0], [True, False, True])
    assert table.to_dict("list") == {
        "time": [1.0, 3.0],
        "events": [0, 2],
        "censored": [1, 0],
        "entered": [0, 0],
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"durations": [1.0, 2.0], "events": [1]}, "durations has 2 values but events has 1"),
        ({"durations": [1.0, np.nan], "events": [1, 0]}, r"NaN in 1 row \(index 1\)"),
        ({"durations": [1.0, -2.0], "events": [1, 0]}, r"index 1.*date arithmetic"),
        ({"durations": [1.0, 2.0], "events": [1, 2]}, r"index 1.*status - 1"),
        ({"durations": [1.0, 2.0], "events": [1, 0], "entry": [0.0]}, "entry has 1 values"),
        ({"durations": [1.0, 2.0], "events": [1, 0], "entry": [0.0, 3.0]}, r"index 1.*after"),
        ({"durations": [1.0, 2.0], "events": [1, 0], "entry": [-1.0, 0.0]}, r"index 0"),
        ({"durations": [], "events": []}, "empty"),
        ({"durations": ["a"], "events": [1]}, "numeric"),
    ],
)
def test_count_table_guards(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        count_table(**kwargs)  # type: ignore[arg-type]


def test_zero_length_delayed_follow_up_is_dropped_with_a_warning() -> None:
    with pytest.warns(StatisticalWarning, match=r"index 1\).*never at risk"):
        table = count_table([4.0, 2.0, 5.0], [1, 1, 0], entry=[0.0, 2.0, 1.0])
    assert table["events"].sum() == 1 and table["entered"].sum() == 2


def test_merge_of_partial_aggregates_equals_the_whole() -> None:
    durations, events, entry = weibull_cohort(600, 22, round_to=1.0, delayed_entry=True)
    assert entry is not None
    whole = count_table(durations, events, entry)
    parts = [
        count_table(durations[s], events[s], entry[s])
        for s in (slice(0, 100), slice(100, 350), slice(350, 600))
    ]
    merged = merge_count_tables(reversed(parts))
    pd.testing.assert_frame_equal(merged, whole)


def test_merge_mixes_implicit_and_explicit_entry() -> None:
    a = count_table([1.0, 4.0], [1, 0])  # entered 0 everywhere: both enter at time 0
    b = count_table([2.0, 4.0], [1, 1], entry=[0.0, 3.0])
    merged = merge_count_tables([a, b])
    everyone = count_table([1.0, 4.0, 2.0, 4.0], [1, 0, 1, 1], entry=[0.0, 0.0, 0.0, 3.0])
    pd.testing.assert_frame_equal(kaplan_meier(merged), kaplan_meier(everyone))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame({"time": [1.0], "events": [1]}), "missing column"),
        (pd.DataFrame({"time": [2.0, 1.0], "events": [1, 1], "censored": [0, 0]}), "sorted"),
        (pd.DataFrame({"time": [1.0, 1.0], "events": [1, 1], "censored": [0, 0]}), "distinct"),
        (pd.DataFrame({"time": [1.0], "events": [-1], "censored": [0]}), "non-negative whole"),
        (pd.DataFrame({"time": [1.0], "events": [0.5], "censored": [0]}), "whole numbers"),
        (pd.DataFrame({"time": [-1.0], "events": [1], "censored": [0]}), ">= 0"),
        (
            pd.DataFrame({"time": [1.0], "events": [1], "censored": [0], "entered": [3]}),
            "3 entries but only 1 exits",
        ),
        (
            pd.DataFrame(
                {"time": [0.0, 2.0], "events": [0, 2], "censored": [0, 0], "entered": [1, 1]}
            ),
            "at time 2, 2 patients leave follow-up but only 1 are at risk",
        ),
        (pd.DataFrame(columns=["time", "events", "censored"]), "empty"),
        ([1, 2], "pandas DataFrame"),
    ],
)
def test_count_table_validation(table: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier(table)


def test_numbers_at_risk_matches_lifelines_event_table() -> None:
    durations, events, _ = weibull_cohort(300, 23, round_to=1.0)
    kmf = KaplanMeierFitter().fit(durations, events)
    times = kmf.event_table.index.to_numpy(dtype=float)
    np.testing.assert_array_equal(
        numbers_at_risk(count_table(durations, events), times), kmf.event_table["at_risk"]
    )


def test_numbers_at_risk_with_delayed_entry_is_entry_le_t_le_exit() -> None:
    rng = np.random.default_rng(24)
    durations = rng.integers(1, 30, 200).astype(float)
    entry = np.floor(rng.uniform(0, 1, 200) * durations)  # ties with exit times on purpose
    table = count_table(durations, rng.integers(0, 2, 200), entry)
    times = np.arange(0.0, 32.0, 0.5)
    brute = ((entry[None, :] <= times[:, None]) & (durations[None, :] >= times[:, None])).sum(1)
    np.testing.assert_array_equal(numbers_at_risk(table, times), brute)
