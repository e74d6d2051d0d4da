"""Benchmark: the first render of the public list of temporary introductions, in Chromium.

Builds a throw-away SQLite database with the demo data plus synthetic introductions (200 in all),
serves the real app (werkzeug, security headers included) and times in headless Chromium
(`/usr/bin/chromium`), each run in a fresh browser context (empty browser cache), from navigation
start until every introduction's row of the public list (`/offentlig/`) is in the page and the
page has loaded:

- **first visit**: the first request after a change to the data (the server renders the page);
- **kept answer**: later visits of the same data (the server gives the kept page again);
- the same for one introduction's public page, and the list with JavaScript turned off.

Issue 18's target is the first render of the public list under 1 s on this machine.

Run:  .venv/bin/python bench/bench_public.py [--introductions 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard_render import ARGS, CHROMIUM, add_introductions, step  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker import migrate as migrations  # noqa: E402
from tracker.db import session_scope  # noqa: E402
from tracker.settings import Settings  # noqa: E402

TARGET_SECONDS = 1.0


def rows_shown(n: int) -> str:
    return (f"() => document.querySelectorAll('main table tbody tr').length >= {n}"
            " && document.readyState === 'complete'")


PAGE_SHOWN = "() => !!document.querySelector('main h1') && document.readyState === 'complete'"


def load_time(browser: Any, url: str, check: str, *, invalidate: Any = None,
              javascript: bool = True) -> float:
    """Seconds from navigation start until the check holds (with JavaScript off: until the load
    event), by the browser's own clock, in a fresh context."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  java_script_enabled=javascript)
    try:
        if invalidate is not None:
            invalidate()
        page = context.new_page()
        page.goto(url, wait_until="load")
        if javascript:
            page.wait_for_function(check, timeout=60_000, polling="raf")
            return float(page.evaluate("() => performance.now()")) / 1000
        # The page's scripts are off; Playwright's own evaluation still reads the timing.
        return float(page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].loadEventEnd")) / 1000
    finally:
        context.close()


def report(name: str, times: list[float]) -> str:
    return (f"{name}: median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
            f"max {max(times):.2f} s over {len(times)} runs")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--introductions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    import logging

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    from tracker.auth import SEED, acting_as
    from tracker.seeding import SEEDERS

    with tempfile.TemporaryDirectory(prefix="bench-public-") as folder:
        settings = Settings(env="test", database_url=f"sqlite:///{folder}/bench.db",
                            instance_path=Path(folder), scheduler_enabled=False)
        print("Preparing data:", flush=True)
        step("migrate", lambda: migrations.upgrade(settings))
        app = create_app(settings)
        engine = app.extensions["tracker_engine"]
        with acting_as(SEED), session_scope(engine) as session:
            step("seed demo", lambda: SEEDERS["demo"](session))
            step(f"{options.introductions} introductions",
                 lambda: add_introductions(session, options.introductions))
        store = app.extensions["tracker_answers"]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}/offentlig/"
        with app.app_context():
            from tracker.db import get_session
            from tracker.public import service

            total = len(service.introductions(session=get_session()))
            first_id = service.introductions(session=get_session())[0].id

        def forget() -> None:
            """Empty the kept answers, as a change to the data makes them stale."""
            store._entries.clear()  # noqa: SLF001 - the benchmark stands in for a data change
            store._bytes = 0  # noqa: SLF001

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            load_time(browser, base, rows_shown(total))  # start the browser and the app's code
            fresh = [load_time(browser, base, rows_shown(total), invalidate=forget)
                     for _ in range(options.runs)]
            kept = [load_time(browser, base, rows_shown(total)) for _ in range(options.runs)]
            page_fresh = [load_time(browser, f"{base}innforinger/{first_id}", PAGE_SHOWN,
                                    invalidate=forget) for _ in range(options.runs)]
            no_js = [load_time(browser, base, "", invalidate=forget, javascript=False)
                     for _ in range(options.runs)]
        finally:
            browser.close()
            playwright.stop()
            server.shutdown()
            server.server_close()
            engine.dispose()
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    print(report(f"Public list, first visit after a change ({total} introductions)", fresh))
    print(report("Public list, kept answer", kept))
    print(report("Public introduction page, first visit after a change", page_fresh))
    print(report("Public list, first visit, JavaScript off (load event)", no_js))
    ok = statistics.median(fresh) < TARGET_SECONDS
    print(f"Target: public list first render under {TARGET_SECONDS:.0f} s: "
          f"{'met' if ok else 'MISSED'} (median first visit {statistics.median(fresh):.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
