"""Benchmark: the overview's filter callback and GET /api/v1/introductions on 200 introductions.

Builds a throw-away SQLite database with the demo data, its registry feeds and synthetic
introductions (200 in all), sweeps the flags, and calls the overview's filter callback through
Dash's `_dash-update-component` with the Flask test client as an administrator: the time of one
call and the number of SQL statements it runs, and the same for the introduction list.

Run:  .venv/bin/python bench/bench_overview_callback.py [--introductions 200] [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard_render import add_introductions  # noqa: E402
from sqlalchemy import event  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker import migrate as migrations  # noqa: E402
from tracker.db import session_scope  # noqa: E402
from tracker.settings import Settings  # noqa: E402

FILTER_BODY = {
    "output": "..overview-table-wrap.children...timeline-figure.figure...overview-count.children..",
    "outputs": [
        {"id": "overview-table-wrap", "property": "children"},
        {"id": "timeline-figure", "property": "figure"},
        {"id": "overview-count", "property": "children"},
    ],
    "inputs": [
        {"id": "filter-area", "property": "value", "value": None},
        {"id": "filter-status", "property": "value", "value": "active"},
        {"id": "filter-region", "property": "value", "value": None},
    ],
    "changedPropIds": ["filter-status.value"],
    "state": [{"id": "overview-ctx", "property": "data", "value": {"lang": "nb"}}],
}


def timed(client: Any, engine: Any, call: Any, runs: int) -> tuple[float, int]:
    """Median seconds of one call over `runs`, and the statements one call runs."""
    count = 0

    def counted(*_: Any) -> None:
        nonlocal count
        count += 1

    call(client)  # warm up (imports, caches)
    event.listen(engine, "before_cursor_execute", counted)
    try:
        call(client)
        statements = count
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call(client)
        times.append(time.perf_counter() - start)
    return statistics.median(times), statements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--introductions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="Print a profile of one call.")
    options = parser.parse_args()

    from tracker.auth import SEED, acting_as
    from tracker.feeds.seeding import CONFIG, seed_feeds
    from tracker.flags import service as flags_service
    from tracker.seeding import SEEDERS
    from tracker.timeutil import today
    from tracker.users import service as users_service

    with tempfile.TemporaryDirectory(prefix="bench-overview-") as folder:
        settings = Settings(env="test", database_url=f"sqlite:///{folder}/bench.db",
                            instance_path=Path(folder), scheduler_enabled=False)
        migrations.upgrade(settings)
        app = create_app(settings)
        engine = app.extensions["tracker_engine"]
        with acting_as(SEED), session_scope(engine) as session:
            SEEDERS["demo"](session)
        # One transaction per introduction's extracts: on SQLite an import stages its rows in
        # attached files kept until the transaction ends, and a connection attaches at most 10.
        config = json.loads(CONFIG.read_text(encoding="utf-8"))
        for item in config["introductions"]:
            one = Path(folder) / f"feeds-{item['nye_metoder_id']}.json"
            one.write_text(json.dumps({**config, "introductions": [item]}), encoding="utf-8")
            with acting_as(SEED), session_scope(engine) as session:
                seed_feeds(session=session, as_of=today(), out_dir=Path(folder) / "feeds",
                           config=one)
        with acting_as(SEED), session_scope(engine) as session:
            add_introductions(session, options.introductions)
            flags_service.sweep(session=session, as_of=today(), settings=settings)
            user = users_service.create_user(session=session, name="bench", role="admin")
            token = users_service.issue_token(session=session, user=user)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"

        def overview(c: Any) -> None:
            assert c.post("/dashboards/_dash-update-component", json=FILTER_BODY).status_code == 200

        def api_list(c: Any) -> None:
            assert c.get("/api/v1/introductions?limit=500").status_code == 200

        if options.profile:
            import cProfile
            import pstats

            overview(client)
            profile = cProfile.Profile()
            profile.runcall(overview, client)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        for name, call in (("overview filter callback", overview),
                           ("GET /api/v1/introductions?limit=500", api_list)):
            seconds, statements = timed(client, engine, call, options.runs)
            print(f"{name} ({options.introductions} introductions): median {seconds * 1000:.0f} ms "
                  f"over {options.runs} runs, {statements} SQL statements per call")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
