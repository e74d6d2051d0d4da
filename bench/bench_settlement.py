"""Settlement of an outcome-based agreement for 1,000,000 patients (issue #17: under 2 s).

Measures the pure computation of `tracker.analytics.settlement` on synthetic patients shaped like
a registry feed (treatment start, last follow-up, progression, death, stop and its reason, trust):
classification as of a date, the refund per patient, and the totals per trust. Reading the
delivery's rows from the database is not part of this figure yet (the settlement service that
will read them is still to be built; see issue #17).

    .venv/bin/python bench/bench_settlement.py [--patients 1000000] [--runs 5]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
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
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
