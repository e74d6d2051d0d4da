"""Synthetic extracts: realistic, deterministic, marked synthetic, and loaded idempotently."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from tracker.analytics import parametric, survival
from tracker.cli import main
from tracker.feeds import service
from tracker.feeds.synthetic import REGION_WEIGHTS, SyntheticPlan, extract, extract_bytes
from tracker.feeds.validation import validate_extract

WEIBULL = {"distribution": "weibull", "parameters": {"scale": 14.0, "shape": 1.2},
           "time_unit": "months"}


def _plan(**over) -> SyntheticPlan:
    values = {"key": "test", "first_start": date(2022, 1, 1), "patients": 4000,
              "data_cuts": (date(2024, 12, 31), date(2025, 12, 31)), "os": WEIBULL}
    values.update(over)
    return SyntheticPlan(**values)


def test_same_plan_same_bytes_and_a_valid_extract():
    plan = _plan(patients=300)
    content = extract_bytes(plan, date(2025, 12, 31))
    assert content == extract_bytes(plan, date(2025, 12, 31))
    assert content != extract_bytes(_plan(patients=300, key="other"), date(2025, 12, 31))
    checked = validate_extract(content, data_cut=date(2025, 12, 31))
    assert checked.n_rows > 250


def test_pseudonyms_regions_and_trusts_look_real():
    frame = extract(_plan(), date(2025, 12, 31))
    assert frame["patient_id"].str.fullmatch(r"SYN-\d{6}").all()
    shares = frame["region"].value_counts(normalize=True)
    for region, weight in REGION_WEIGHTS.items():
        assert abs(shares[region] - weight) < 0.03, region
    bergen = frame[frame["health_trust"] == "Helse Bergen HF"]
    assert (bergen["region"] == "Helse Vest").all() and len(bergen) > 100


@pytest.mark.parametrize("factor", [1.0, 0.7])
def test_survival_follows_the_assumed_curve_times_the_factor(factor):
    plan = _plan(os_factor=factor, lost_to_follow_up_share=0.0, delayed_entry_share=0.0)
    frame = extract(plan, date(2025, 12, 31))
    start = frame["treatment_start"].astype("datetime64[ns]")
    death = frame["death_date"].replace("", None).astype("datetime64[ns]")
    followup = frame["last_followup"].astype("datetime64[ns]")
    days = (death.fillna(followup) - start).dt.days.to_numpy()
    from tracker.analytics.counts import count_table

    km = survival.kaplan_meier(count_table(days / 30.4375, death.notna().astype(int)))
    observed = survival.survival_at(km, [12.0])["survival"].iloc[0]
    expected = float(parametric.survival(WEIBULL, [12.0 / factor])[0])
    assert abs(observed - expected) < 0.03


def test_seed_feeds_loads_both_deliveries_once_and_marks_them_synthetic(cli, client, session):
    assert cli.invoke(main, ["seed", "demo"]).exit_code == 0
    first = cli.invoke(main, ["seed", "feeds"])
    assert first.exit_code == 0, first.output
    assert "0 already there" in first.output
    second = cli.invoke(main, ["seed", "feeds"])
    assert second.exit_code == 0, second.output
    assert " 0 added" in second.output

    intros = {i["nye_metoder_id"]: i for i in
              client.get("/api/v1/introductions?limit=500").json["items"]}
    worse, matching = intros["ID2021_901"], intros["ID2021_911"]
    every = client.get(f"/api/v1/introductions/{worse['id']}/feeds").json["items"]
    assert {f["source"] for f in every} == {"INSPIRE", "MT_STUDIE"}  # its measures' sources
    assert all(f["synthetic"] and f["file_name"].startswith("SYNTETISK_") for f in every)
    feeds = client.get(f"/api/v1/introductions/{worse['id']}/feeds?source=INSPIRE").json["items"]
    assert len(feeds) == 2
    newest, oldest = feeds
    assert newest["current"] and not oldest["current"]
    assert oldest["superseded_by_id"] == newest["id"]

    # Deaths before the first cut that only the second delivery reports (reporting lag).
    def deaths(delivery_id):
        items = client.get(f"/api/v1/feeds/{delivery_id}/patients?limit=500").json["items"]
        return {p["patient_id"]: p["death_date"] for p in items}

    before, after = deaths(oldest["id"]), deaths(newest["id"])
    late = [p for p, d in after.items() if d and d <= oldest["data_cut"] and not before.get(p)
            and p in before]
    assert 1 <= len(late) <= 3

    # One introduction does worse than assumed, another as assumed.
    def gap_at_12_months(intro):
        os_source = next(m["data_source"] for m in client.get(
            f"/api/v1/introductions/{intro['id']}").json["outcome_measures"] if m["kind"] == "OS")
        source_id = client.get(f"/api/v1/introductions/{intro['id']}/feeds?source={os_source}"
                               ).json["items"][0]["data_source_id"]
        delivery = service.current_delivery(session=session, introduction_id=intro["id"],
                                            source_id=source_id)
        table = service.count_table(session=session, delivery_id=delivery.id, endpoint="OS",
                                    time_unit="months")
        km = survival.kaplan_meier(table)
        observed = survival.survival_at(km, [12.0], table=table)["survival"].iloc[0]
        spec = client.get(f"/api/v1/introductions/{intro['id']}").json["assumptions"]["curves"]
        os_curve = next(c for c in spec if c["endpoint"] == "OS")
        return observed - float(parametric.survival(os_curve, [12.0])[0])

    assert gap_at_12_months(worse) < -0.08
    assert abs(gap_at_12_months(matching)) < 0.08
    assert np.isfinite(gap_at_12_months(matching))
