"""Settlement of an outcome-based agreement for 1,000,000 patients (issue #17: under 2 s).

Two figures on synthetic patients shaped like a registry feed (treatment start, last follow-up,
progression, death, stop and its reason, trust):

- **computation**: `tracker.analytics.settlement` alone — classification as of a date, the
  refund per patient and the totals per trust;
- **settlement through the service** (`--database`): the real `POST .../settlements` path on a
  throw-away SQLite database holding the delivery (imported through the API): read the
  million rows, classify, write the quarter's lines and a credit note per trust, commit. Each
  run settles the next quarter (a period is settled once), so later runs also carry the
  adjustments of patients settled before.

    .venv/bin/python bench/bench_settlement.py [--patients 1000000] [--runs 5] [--database]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd

from tracker.analytics.settlement import Terms, classify, refunds, totals_by

TRUSTS = ["Oslo universitetssykehus HF", "Helse Bergen HF", "St. Olavs hospital HF",
          "Universitetssykehuset Nord-Norge HF", "Akershus universitetssykehus HF"]


def patients(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01") + rng.integers(0, 700, n).astype("timedelta64[D]")

    def some(share: float, within: int) -> np.ndarray:
        days = start + rng.integers(1, within, n).astype("timedelta64[D]")
        return np.where(rng.random(n) < share, days, np.datetime64("NaT"))

    return pd.DataFrame({
        "treatment_start": start,
        "last_followup": start + rng.integers(1, 600, n).astype("timedelta64[D]"),
        "progression_date": some(0.3, 300), "death_date": some(0.1, 500),
        "treatment_stop": some(0.5, 400),
        "stop_reason": pd.Series(rng.choice(["progression", "toxicity", "completed", "other"], n),
                                 dtype="string"),
        "health_trust": pd.Categorical(rng.choice(TRUSTS, n)),
    })


def settle(frame: pd.DataFrame) -> pd.DataFrame:
    terms = Terms(window_days=56, events=("progression", "death", "stop_toxicity"),
                  agreement_start=np.datetime64("2024-01-01"))
    result = classify(frame, terms, np.datetime64("2025-12-31"))
    result["amount"] = refunds(result["class"], cost_per_window=120_000, share_percent=50)
    result["health_trust"] = frame["health_trust"]
    return totals_by(result, ["health_trust"])


def through_the_service(frame: pd.DataFrame, runs: int) -> None:
    """Import the patients as a delivery and time the settlement endpoint, quarter by quarter."""
    import io
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.factories import create_temporary_introduction
    from tracker import create_app
    from tracker import migrate as migrations
    from tracker.auth import SYSTEM, acting_as
    from tracker.db import session_scope
    from tracker.settings import Settings
    from tracker.users import service as users_service

    folder = Path(tempfile.mkdtemp(prefix="bench-settlement-"))
    settings = Settings(env="test", instance_path=folder, scheduler_enabled=False,
                        database_url=f"sqlite:///{folder / 'bench.db'}", max_upload_mb=4096)
    migrations.upgrade(settings)
    app = create_app(settings)
    with acting_as(SYSTEM), session_scope(app.extensions["tracker_engine"]) as session:
        user = users_service.create_user(session=session, name="bench", role="admin")
        token = users_service.issue_token(session=session, user=user)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    intro = create_temporary_introduction(client)
    extract = frame.assign(patient_id=[f"SYN-{i:07d}" for i in range(len(frame))])
    extract["health_trust"] = extract["health_trust"].astype(str)
    # A consistent registry: nothing after the data cut, follow-up ends at death, no event after.
    cut = pd.Timestamp("2025-12-31")
    extract["last_followup"] = np.minimum(extract["last_followup"], cut)
    extract.loc[extract["death_date"] > cut, "death_date"] = pd.NaT
    died = extract["death_date"].notna()
    extract.loc[died, "last_followup"] = extract.loc[died, "death_date"]
    for name in ("progression_date", "treatment_stop"):
        extract.loc[extract[name] > extract["last_followup"], name] = pd.NaT
    extract.loc[extract["treatment_stop"].isna(), "stop_reason"] = pd.NA
    started = time.perf_counter()
    response = client.post(f"/api/v1/introductions/{intro['id']}/feeds", data={
        "file": (io.BytesIO(extract.to_csv(index=False, date_format="%Y-%m-%d").encode()),
                 "SYNTETISK_bench.csv"), "source": "INSPIRE", "data_cut": "2025-12-31"},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    took = time.perf_counter() - started
    print(f"  delivery of {len(frame):,} patients imported in {took:.1f} s")
    agreement = client.post("/api/v1/agreements", json={
        "type": "payment_by_result", "method_id": intro["method_id"],
        "introduction_id": intro["id"], "start_date": "2024-01-01", "terms": {
            "refund_share_percent": 50, "evaluation_window_weeks": 8,
            "response_criterion": "8 uker", "cost_per_window_nok": 120000,
            "counting_events": ["progression", "death", "stop_toxicity"]}}).get_json()
    times, lines = [], []
    for quarter in range(runs):
        start = f"{2024 + quarter // 4}-{1 + 3 * (quarter % 4):02d}-01"
        began = time.perf_counter()
        answer = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                             json={"period_start": start, "as_of": "2026-01-01"})
        times.append(time.perf_counter() - began)
        assert answer.status_code == 201, answer.get_json()
        totals = answer.get_json()["totals"]
        lines.append(totals["patients"] + totals["adjustments"])
    print(f"settlement through the service ({len(frame):,} patients in the delivery)")
    for quarter, (took, written) in enumerate(zip(times, lines, strict=True)):
        print(f"  quarter {quarter + 1}: {took:.2f} s ({written:,} lines written)")
    print(f"  median {statistics.median(times):.2f} s; target 2 s: "
          f"{'met' if statistics.median(times) < 2 else 'NOT met'}")
    # A newer delivery (one more patient, so a different file; a later data cut): the next
    # quarter re-checks every patient settled before against it.
    newer = pd.concat([extract, extract.tail(1).assign(patient_id="SYN-NEWER")])
    response = client.post(f"/api/v1/introductions/{intro['id']}/feeds", data={
        "file": (io.BytesIO(newer.to_csv(index=False, date_format="%Y-%m-%d").encode()),
                 "SYNTETISK_bench_newer.csv"), "source": "INSPIRE", "data_cut": "2026-03-31"},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    start = f"{2024 + runs // 4}-{1 + 3 * (runs % 4):02d}-01"
    began = time.perf_counter()
    answer = client.post(f"/api/v1/agreements/{agreement['id']}/settlements",
                         json={"period_start": start, "as_of": "2026-04-01"})
    took = time.perf_counter() - began
    assert answer.status_code == 201, answer.get_json()
    totals = answer.get_json()["totals"]
    print(f"  next quarter on a newer delivery (every settled patient re-checked): {took:.2f} s "
          f"({totals['patients'] + totals['adjustments']:,} lines written)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", action="store_true",
                        help="Also time the settlement endpoint on a SQLite database.")
    args = parser.parse_args()
    frame = patients(args.patients)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    times = []
    for _ in range(args.runs + 1):
        started = time.perf_counter()
        totals = settle(frame)
        times.append(time.perf_counter() - started)
    cold, warm = times[0], times[1:]
    print(f"settlement of {args.patients:,} patients (classify, refund, totals per trust)")
    print(f"  cold first run {cold:.2f} s; median {statistics.median(warm):.2f} s, "
          f"min {min(warm):.2f} s, max {max(warm):.2f} s over {args.runs} runs")
    print(f"  target 2 s: {'met' if statistics.median(warm) < 2 else 'NOT met'}")
    print(f"  non-responders {int(totals['non_responder'].sum()):,}, "
          f"owed {totals['amount'].sum():,.0f} NOK")
    if args.database:
        through_the_service(frame, args.runs)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
