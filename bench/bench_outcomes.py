"""Benchmark: the whole outcomes response against a bare lifelines fit on the same data.

For a feed of N patients (100,000 and 1,000,000 by default) imported into a throw-away SQLite
database, times, interleaved run by run,
- `GET /api/v1/introductions/{id}/outcomes?endpoint=OS` through the real Flask app (auth, count
  table, Kaplan-Meier, median, landmarks, RMST, one-sample log-rank, verdict, thinning, hazards,
  log-log, extrapolation, maturity, the evidence history and JSON), computed every time (kept
  answers off): with the delivery's reads kept (`tracker.outcomes.records`, what a server does
  once a delivery has been read), and from the database (those stores emptied first);
- the same request served from kept answers (`tracker.answers`, the data unchanged), and
- `lifelines.KaplanMeierFitter().fit(durations, events)` on in-memory numpy arrays,
and prints the ratios (target: at most 1.5) and the size of the curve sent to clients.

Run:  .venv/bin/python bench/bench_outcomes.py [--sizes 100000 1000000] [--runs 7]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lifelines import KaplanMeierFitter  # noqa: E402

from tests.factories import create_temporary_introduction  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker import migrate as migrations  # noqa: E402
from tracker.auth import SYSTEM, acting_as  # noqa: E402
from tracker.db import session_scope  # noqa: E402
from tracker.outcomes import records  # noqa: E402
from tracker.settings import Settings  # noqa: E402
from tracker.users import service as users_service  # noqa: E402

START = date(2018, 1, 1)


def cohort(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, bytes, date]:
    """Return durations, events and the CSV extract of n synthetic patients."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, 1500, n)
    survival = np.ceil(rng.weibull(1.2, n) * 14.0 * 30.4375).astype(int) + 1
    cut_day = 2200
    follow = np.minimum(survival, cut_day - starts)
    died = survival <= cut_day - starts
    start_dates = pd.to_datetime(START) + pd.to_timedelta(starts, "D")
    end_dates = start_dates + pd.to_timedelta(follow, "D")
    frame = pd.DataFrame({
        "patient_id": [f"SYN-{i:07d}" for i in range(n)],
        "treatment_start": start_dates.strftime("%Y-%m-%d"),
        "last_followup": end_dates.strftime("%Y-%m-%d"),
        "death_date": np.where(died, end_dates.strftime("%Y-%m-%d"), ""),
        "region": rng.choice(["Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord"],
                             n, p=[0.56, 0.21, 0.14, 0.09]),
    })
    return follow, died, frame.to_csv(index=False).encode(), START + timedelta(days=cut_day)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    gc.collect()  # each measure starts from the same heap, not from the last one's garbage
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(n: int, runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-outcomes-"))

    def settings(kept_answers: int) -> Settings:
        return Settings(env="test", instance_path=folder, scheduler_enabled=False,
                        database_url=f"sqlite:///{folder / 'bench.db'}", max_upload_mb=2048,
                        answer_cache_entries=kept_answers)

    migrations.upgrade(settings(0))
    app = create_app(settings(0))  # every answer computed: no kept answers
    kept_app = create_app(settings(1024))  # as served: answers kept while the data is unchanged
    with acting_as(SYSTEM), session_scope(app.extensions["tracker_engine"]) as session:
        user = users_service.create_user(session=session, name="bench", role="admin")
        token = users_service.issue_token(session=session, user=user)
    client, kept_client = app.test_client(), kept_app.test_client()
    for c in (client, kept_client):
        c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    intro = create_temporary_introduction(client)
    follow, died, content, cut = cohort(n)
    response = client.post(f"/api/v1/introductions/{intro['id']}/feeds", data={
        "file": (io.BytesIO(content), "SYNTETISK_bench.csv"), "source": "INSPIRE",
        "data_cut": cut.isoformat()}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    url = f"/api/v1/introductions/{intro['id']}/outcomes?endpoint=OS"

    def outcomes(c=client) -> dict:  # type: ignore[no-untyped-def, type-arg]
        answer = c.get(url)
        assert answer.status_code == 200, answer.json
        return answer.json

    def cold() -> None:  # the first answer on a delivery: its count tables read from the database
        records.Kept.clear_all()
        outcomes()

    def fit() -> None:
        KaplanMeierFitter().fit(follow, died)

    first = timed(outcomes)
    body = outcomes()
    kept_client.get(url)
    # Interleaved, so that a change in the machine's load hits every measure alike.
    times: dict[str, list[float]] = {"computed": [], "cold": [], "kept": [], "lifelines": []}
    for _ in range(runs):
        times["computed"].append(timed(outcomes))
        times["cold"].append(timed(cold))
        times["kept"].append(timed(lambda: outcomes(kept_client)))
        times["lifelines"].append(timed(fit))
    median = {k: statistics.median(v) for k, v in times.items()}
    bare = median["lifelines"]
    print(f"{n:>9,} patients (medians of {runs}; first request {first * 1000:.1f} ms):")
    print(f"  lifelines KaplanMeierFitter().fit    {bare * 1000:7.1f} ms")
    for key, what in (("computed", "computed (delivery reads kept)"),
                      ("cold", "computed from the database    "),
                      ("kept", "kept answer                   ")):
        print(f"  outcomes, {what} {median[key] * 1000:7.1f} ms  ratio {median[key] / bare:4.2f}"
              " (target <= 1.5)")
    print(f"  curve sent: {len(body['km']['steps'])} of {body['km']['original_steps']} steps")
    for a in (app, kept_app):
        a.extensions["tracker_engine"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    for n in args.sizes:
        run(n, args.runs)


if __name__ == "__main__":
    main()
