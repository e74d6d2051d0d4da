"""Benchmark: validated import of a 1,000,000-row registry extract (CSV) against a bare read.

Writes a synthetic extract with every column of the feed format (bench/out/, reused between
runs), then measures, each in a fresh process so that peak memory is the operation's own:

* a bare ``pandas.read_csv(path)`` of the file (the yardstick);
* the validated import, ``feeds.service.import_extract`` + commit, into a fresh database with the
  demo data: read the bytes, hash, parse, validate every rule, derive the endpoints and store
  every row (PostgreSQL: COPY; SQLite: executemany), on SQLite and on PostgreSQL.

Prints rows per second, the ratio to the bare read (best of --repeat runs each) and peak
resident memory. Target: import <= 3x the bare read, peak memory < 2 GB; the exit status says
whether PostgreSQL met it (SQLite, the embedded demo database, is reported for reference).

Run:  .venv/bin/python bench/bench_feed_import.py [--rows 1000000] [--repeat 3]
      [--backends sqlite,postgresql]   (PostgreSQL: TRACKER_BENCH_POSTGRES_URL, or a throw-away
      server started like the tests do)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
DATA_CUT = date(2025, 12, 31)
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 2048


def write_extract(path: Path, rows: int) -> None:
    """Write a valid extract of `rows` treatment courses with every column filled realistically."""
    import numpy as np
    import pandas as pd

    from tracker.feeds.synthetic import REGION_WEIGHTS, TRUSTS

    rng = np.random.default_rng(20251231)
    cut = np.datetime64(DATA_CUT.isoformat())
    start = np.datetime64("2022-06-01") + rng.integers(0, 1300, rows).astype("timedelta64[D]")
    horizon = (cut - start).astype(int)
    os_days = np.ceil(rng.weibull(1.2, rows) * 540).astype(int) + 1
    lost = np.where(rng.uniform(size=rows) < 0.03, rng.integers(30, 600, rows), 10**6)
    known = np.minimum(horizon, lost)
    dead = os_days <= known
    end = np.where(dead, os_days, known)
    ttd = np.maximum((os_days * rng.uniform(0.1, 1.1, rows)).astype(int), 1)
    stopped = (ttd < os_days) & (ttd <= end)
    pfs = np.maximum((ttd * rng.uniform(0.7, 1.3, rows)).astype(int), 1)
    progressed = (pfs < os_days) & (pfs <= end)
    entry = np.where(rng.uniform(size=rows) < 0.05, rng.integers(10, 200, rows), 0)
    entry = np.where(entry < end, entry, 0)

    def day(offset: Any, keep: Any) -> Any:
        text = np.datetime_as_string(start + np.asarray(offset).astype("timedelta64[D]"), unit="D")
        return np.where(keep, text, "")

    regions = rng.choice(list(REGION_WEIGHTS), rows, p=list(REGION_WEIGHTS.values()))
    trusts = np.empty(rows, dtype=object)
    for region, weights in TRUSTS.items():
        here = regions == region
        names, p = list(weights), np.array(list(weights.values()))
        trusts[here] = rng.choice(names, int(here.sum()), p=p / p.sum())
    frame = pd.DataFrame({
        "patient_id": np.char.add("PSN-", np.char.zfill(np.arange(rows).astype(str), 8)),
        "treatment_start": day(0, True),
        "last_followup": day(end, True),
        "health_trust": trusts,
        "region": regions,
        "birth_year": start.astype("datetime64[Y]").astype(int) + 1970
        - rng.integers(25, 90, rows),
        "sex": rng.choice(["K", "M"], rows),
        "diagnosis": rng.choice(["C34.1", "C34.9", "C18.7", "C50.9"], rows),
        "subgroup": rng.choice(["ECOG 0", "ECOG 1", "ECOG 2"], rows),
        "treatment_line": rng.integers(1, 4, rows),
        "treatment_stop": day(ttd, stopped),
        "stop_reason": np.where(stopped, rng.choice(["progression", "toxicity", "completed"],
                                                    rows), ""),
        "progression_date": day(pfs, progressed),
        "death_date": day(os_days, dead),
        "best_response": rng.choice(["CR", "PR", "SD", "PD", "NE"], rows),
        "entry_date": day(entry, entry > 0),
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")


def peak_mb() -> float:
    """Peak resident memory of this process in MB.

    VmHWM starts afresh with the new program; ru_maxrss would carry the parent's peak over
    from before the exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_read(path: Path) -> dict[str, Any]:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(frame), "peak_mb": peak_mb()}


def child_import(path: Path, database_url: str, folder: Path) -> dict[str, Any]:
    from sqlmodel import select

    from tracker import migrate
    from tracker.auth import SEED, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.feeds import service
    from tracker.introductions.models import TemporaryIntroduction
    from tracker.seeding import seed_demo
    from tracker.settings import Settings

    settings = Settings(env="test", database_url=database_url, instance_path=folder)
    migrate.upgrade(settings)
    engine = make_engine(settings)
    with acting_as(SEED), session_scope(engine) as session:
        seed_demo(session)
        intro_id = session.exec(select(TemporaryIntroduction.id)).first()
    before = peak_mb()
    started = time.perf_counter()
    with acting_as(SEED), session_scope(engine) as session:
        delivery, created = service.import_extract(
            session=session, introduction_id=intro_id, source_code="INSPIRE", data_cut=DATA_CUT,
            file_name=path.name, content=path.read_bytes(), uploader="bench",
        )
        rows = delivery.row_count
    seconds = time.perf_counter() - started
    engine.dispose()
    assert created
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb(), "setup_peak_mb": before}


def run_child(*args: str) -> dict[str, Any]:
    result = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def _postgres() -> tuple[str, Any]:
    """Return (server URL, server to stop or None)."""
    url = os.environ.get("TRACKER_BENCH_POSTGRES_URL")
    if url:
        return url, None
    from tests.pgserver import PostgresServer

    server = PostgresServer().start()
    return server.url, server


def _fresh_postgres_database(base_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(base_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "read":
            print(json.dumps(child_read(Path(rest[0]))))
        else:
            print(json.dumps(child_import(Path(rest[0]), rest[1], Path(rest[2]))))
        return

    path = OUT / f"feed_{args.rows}.csv"
    if not path.exists():
        print(f"writing {path} ...", flush=True)
        write_extract(path, args.rows)
    size_mb = path.stat().st_size / 1e6
    print(f"extract: {args.rows:,} rows, {size_mb:.0f} MB; machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
          f"{cpu_model()}; Python {platform.python_version()}")

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(other processes share the CPUs; the figures below are best of --repeat runs)")
    reads = [run_child("read", str(path)) for _ in range(args.repeat)]
    bare = min(r["seconds"] for r in reads)
    print(f"bare pandas.read_csv: best {bare:.2f} s of {[round(r['seconds'], 2) for r in reads]}, "
          f"peak {max(r['peak_mb'] for r in reads):.0f} MB")

    verdicts = []
    server = None
    try:
        for backend in [b for b in args.backends.split(",") if b]:
            runs = []
            for i in range(args.repeat):
                folder = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
                if backend == "sqlite":
                    url = f"sqlite:///{folder / 'bench.db'}"
                else:
                    if server is None:
                        base, server = _postgres()
                    url = _fresh_postgres_database(base, f"bench_feeds_{os.getpid()}_{i}")
                try:
                    runs.append(run_child("import", str(path), url, str(folder)))
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                    if backend != "sqlite":
                        _drop_postgres_database(base, f"bench_feeds_{os.getpid()}_{i}")
            best = min(r["seconds"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            ratio = best / bare
            ok = ratio <= TARGET_RATIO and peak < TARGET_PEAK_MB
            if backend == "postgresql":  # the database large extracts belong on (README)
                verdicts.append(ok)
            print(f"validated import, {backend}: best {best:.2f} s of "
                  f"{[round(r['seconds'], 2) for r in runs]}, {args.rows / best:,.0f} rows/s, "
                  f"ratio to bare read {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x), "
                  f"peak {peak:.0f} MB (target < {TARGET_PEAK_MB} MB; "
                  f"{max(r['setup_peak_mb'] for r in runs):.0f} MB before the import) "
                  f"-> {'OK' if ok else 'MISSED'}")
    finally:
        if server is not None:
            server.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
