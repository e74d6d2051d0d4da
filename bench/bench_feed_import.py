"""Benchmark: validated import of a 1,000,000-row registry extract (CSV) against a bare read.

Writes a synthetic extract with every column of the feed format (bench/out/, reused between
runs), then measures, each in a fresh process so that peak memory is the operation's own:

* a bare ``pandas.read_csv(path)`` of the file (the yardstick);
* the validated import, ``feeds.service.import_extract`` + commit, into a fresh database with the
  demo data: read the bytes, hash, parse, validate every rule, derive the endpoints and store
  every row (PostgreSQL: binary COPY; SQLite: ADBC stages copied in), on SQLite and on
  PostgreSQL.

Prints rows per second, the ratio to the bare read (best of --repeat runs each) and peak
resident memory. Target: import <= 3x the bare read, peak memory < 2 GB, on both databases;
the exit status says whether both met it. With --compare, also the SQLite import by
executemany (the path before the ADBC stages) and, on PostgreSQL, storing the rows alone by
binary COPY and by adbc-driver-postgresql (``pip install adbc-driver-postgresql``; not a
dependency, since COPY was faster).

Run:  .venv/bin/python bench/bench_feed_import.py [--rows 1000000] [--repeat 3] [--compare]
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


def child_import(path: Path, database_url: str, folder: Path, method: str) -> dict[str, Any]:
    from sqlmodel import select

    from tracker import migrate
    from tracker.auth import SEED, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.feeds import service, storage
    from tracker.introductions.models import TemporaryIntroduction
    from tracker.seeding import seed_demo
    from tracker.settings import Settings

    if method == "executemany":  # the SQLite path before the ADBC stages, for comparison
        storage.MIN_STAGED_ROWS = 2**62
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


def child_store(path: Path, database_url: str, method: str) -> dict[str, Any]:
    """Time storing the validated rows alone on PostgreSQL: our binary COPY or ADBC's ingest.

    Outside any import transaction (ADBC opens a connection of its own), into a fresh migrated
    database: the most ADBC could gain before it is made part of the delivery's transaction.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from sqlalchemy.engine import make_url

    from tracker import migrate
    from tracker.feeds import storage
    from tracker.feeds.models import FeedRecord
    from tracker.feeds.validation import validate_extract
    from tracker.settings import Settings

    migrate.upgrade(Settings(env="test", database_url=database_url, instance_path=Path("/tmp")))
    columns = validate_extract(path.read_bytes(), data_cut=DATA_CUT, decision_date=None).columns
    n = len(columns["row_no"])
    table = pa.table({"delivery_id": pa.array(np.full(n, 1, dtype=np.int32)), **columns})
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    before = peak_mb()
    started = time.perf_counter()
    if method == "copy":
        import psycopg

        with psycopg.connect(dsn) as conn:
            storage._copy_postgres(conn, table)
            conn.commit()
    else:
        import adbc_driver_postgresql.dbapi as adbc_postgres

        sql_types = {c.name: c.type for c in FeedRecord.__table__.columns}  # type: ignore[attr-defined]
        for i, name in enumerate(table.column_names):  # the table's own widths
            if pa.types.is_int64(table.schema.field(i).type) and name in sql_types:
                table = table.set_column(i, name, pc.cast(table.column(i), pa.int32()))
        with adbc_postgres.connect(dsn) as conn, conn.cursor() as cursor:
            cursor.adbc_ingest(FeedRecord.__tablename__, table, mode="append")
            conn.commit()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": n, "peak_mb": peak_mb(), "setup_peak_mb": before}


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
    parser.add_argument("--compare", action="store_true",
                        help="also time the SQLite import by executemany (the path before the "
                             "ADBC stages) and, on PostgreSQL, storing the rows alone by our "
                             "binary COPY against adbc-driver-postgresql's ingest")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "read":
            print(json.dumps(child_read(Path(rest[0]))))
        elif kind == "store":
            print(json.dumps(child_store(Path(rest[0]), rest[1], rest[2])))
        else:
            print(json.dumps(child_import(Path(rest[0]), rest[1], Path(rest[2]), rest[3])))
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
    server: Any = None
    base = ""
    measurements = []
    for backend in [b for b in args.backends.split(",") if b]:
        measurements.append((backend, "import", "validated import"))
        if args.compare and backend == "sqlite":
            measurements.append((backend, "executemany", "validated import by executemany"))
        if args.compare and backend == "postgresql":
            measurements += [(backend, "store-copy", "rows alone by binary COPY"),
                             (backend, "store-adbc", "rows alone by ADBC ingest")]
    try:
        for backend, method, label in measurements:
            runs = []
            for i in range(args.repeat):
                folder = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
                name = f"bench_feeds_{os.getpid()}_{i}"
                if backend == "sqlite":
                    url = f"sqlite:///{folder / 'bench.db'}"
                else:
                    if server is None:
                        base, server = _postgres()
                    url = _fresh_postgres_database(base, name)
                try:
                    if method.startswith("store-"):
                        runs.append(run_child("store", str(path), url, method[len("store-"):]))
                    else:
                        runs.append(run_child("import", str(path), url, str(folder), method))
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                    if backend != "sqlite":
                        _drop_postgres_database(base, name)
            best = min(r["seconds"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            times = [round(r["seconds"], 2) for r in runs]
            if method.startswith("store-"):
                print(f"{label}, {backend}: best {best:.2f} s of {times}, "
                      f"{args.rows / best:,.0f} rows/s, peak {peak:.0f} MB")
                continue
            ratio = best / bare
            ok = ratio <= TARGET_RATIO and peak < TARGET_PEAK_MB
            if method == "import":  # both databases must meet the target
                verdicts.append(ok)
            print(f"{label}, {backend}: best {best:.2f} s of {times}, "
                  f"{args.rows / best:,.0f} rows/s, "
                  f"ratio to bare read {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x), "
                  f"peak {peak:.0f} MB (target < {TARGET_PEAK_MB} MB; "
                  f"{max(r['setup_peak_mb'] for r in runs):.0f} MB before the import) "
                  f"-> {'OK' if ok else 'MISSED'}", flush=True)
    finally:
        if server is not None:
            server.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
