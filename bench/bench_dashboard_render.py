"""Benchmark: first meaningful render of the dashboards in headless Chromium on large data.

Builds a throw-away SQLite database with the demo data plus synthetic introductions (200 in all)
and a registry feed of 1,000,000 patients for one introduction, serves the real app, and times
in Chromium how long the introduction page takes from navigation until the Kaplan-Meier curve
and the assumed curve are drawn (and the overview until its table and timeline are drawn).

Run:  .venv/bin/python bench/bench_dashboard_render.py [--introductions 200] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker import create_app  # noqa: E402
from tracker import migrate as migrations  # noqa: E402
from tracker.db import session_scope  # noqa: E402
from tracker.settings import Settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET_SECONDS = 2.0

# Drawn = plotly has the traces AND has painted them (an SVG path or the WebGL canvas).
PAGE_SHOWN = "() => !!document.querySelector('#fixed h3')"
KM_DRAWN = """() => {
  const el = document.querySelector('#km-figure .js-plotly-plot');
  if (!el || !el.data) return false;
  const metas = el.data.map(d => d.meta);
  if (!metas.includes('km') || !metas.includes('assumed')) return false;
  return !!el.querySelector('.scatterlayer .trace path, canvas.gl-canvas');
}"""
OVERVIEW_DRAWN = """() => {
  const el = document.querySelector('#timeline-figure .js-plotly-plot');
  return !!(document.querySelector('#overview-table tbody tr') && el && el.data
            && el.querySelector('.scatterlayer .trace, canvas.gl-canvas'));
}"""


def add_introductions(session: Any, total: int) -> int:
    """Add synthetic methods, decisions and introductions (copies of the demo ones) up to total."""
    from tracker.apispec import parse_model
    from tracker.decisions import service as decisions_service
    from tracker.decisions.models import DecisionCreate
    from tracker.introductions import service as introductions_service
    from tracker.introductions.schemas import IntroductionCreate
    from tracker.methods import service as methods_service
    from tracker.methods.models import MethodCreate
    from tracker.seeding import SEEDS

    demo = json.loads((SEEDS / "demo" / "demo.json").read_text(encoding="utf-8"))
    templates = demo["introductions"]
    methods = {m["nye_metoder_id"]: m for m in demo["methods"]}
    existing = len(templates)
    for i in range(total - existing):
        template = dict(templates[i % len(templates)])
        method = dict(methods[template.pop("nye_metoder_id")])
        method["nye_metoder_id"] = f"ID2030_{i:03d}"
        method["active_substance"] = f"{method['active_substance']}-{i:03d}"
        created = methods_service.create(
            session=session, data=parse_model(MethodCreate, method, where="method")
        )
        decision = decisions_service.create(
            session=session,
            data=parse_model(
                DecisionCreate,
                {"method_id": created.id, "decision_date": template.pop("decision_date"),
                 "outcome": "temporarily_introduced", "decision_text": "Syntetisk (benchmark)."},
                where="decision",
            ),
        )
        introductions_service.create(
            session=session,
            data=parse_model(IntroductionCreate, {**template, "decision_id": decision.id},
                             where="introduction"),
            actor="bench",
        )
    return total


def import_feed(engine: Any, rows: int) -> int:
    """Import a synthetic extract of `rows` patients for the first demo introduction.

    Drawn by the project's own generator (`tracker.feeds.synthetic`) from the introduction's
    assumed curves, a little worse than assumed, as the demo feeds are. Returns its id.
    """
    from tracker.feeds import service as feeds_service
    from tracker.feeds.synthetic import SyntheticPlan, extract_bytes
    from tracker.introductions import service as introductions_service

    data_cut = date(2025, 12, 31)
    with session_scope(engine) as session:
        intro = introductions_service.read(
            session=session, intro=introductions_service.get(session=session, introduction_id=1),
            confidential=True,
        )
        curves = {str(c.endpoint): c.model_dump(mode="json") for c in intro.assumptions.curves}
        plan = SyntheticPlan(
            key="bench", first_start=intro.decision_date, data_cuts=(data_cut,), patients=rows,
            os=curves.get("OS"), pfs=curves.get("PFS"), ttd=curves.get("TTD"), os_factor=0.9,
        )
        feeds_service.import_extract(
            session=session, introduction_id=1, source_code="INSPIRE", data_cut=data_cut,
            file_name="SYNTETISK_bench_INSPIRE.csv", content=extract_bytes(plan, data_cut),
            uploader="bench", synthetic=True,
        )
    return 1


def timed(page: Any, url: str, checks: list[str]) -> list[float]:
    """Seconds from navigation start until each check holds (measured by the browser's clock)."""
    page.goto(url, wait_until="commit")
    found = []
    for check in checks:
        page.wait_for_function(check, timeout=60_000, polling="raf")
        found.append(float(page.evaluate("() => performance.now()")) / 1000)
    # Let the page's later callbacks (the breakdown) finish, or they would slow the next run.
    page.wait_for_load_state("networkidle", timeout=60_000)
    return found


def measure(browser: Any, url: str, checks: list[str], runs: int) -> list[list[float]]:
    """One cold run, then `runs` runs, each in a fresh context (no cache, no stored state).

    Returns one list of times per check.
    """
    times: list[list[float]] = [[] for _ in checks]
    for _ in range(runs + 1):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            for column, value in zip(times, timed(context.new_page(), url, checks), strict=True):
                column.append(value)
        finally:
            context.close()
    return times


def report(name: str, times: list[float]) -> str:
    cold, warm = times[0], times[1:]
    return (f"{name}: median {statistics.median(warm):.2f} s, min {min(warm):.2f} s, "
            f"max {max(warm):.2f} s over {len(warm)} runs (cold first run {cold:.2f} s)")


def step(label: str, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = func()
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--introductions", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tracker.seeding import SEEDERS

    with tempfile.TemporaryDirectory(prefix="bench-dash-") as folder:
        settings = Settings(env="test", database_url=f"sqlite:///{folder}/bench.db",
                            instance_path=Path(folder), scheduler_enabled=False)
        print("Preparing data:", flush=True)
        step("migrate", lambda: migrations.upgrade(settings))
        app = create_app(settings)
        engine = app.extensions["tracker_engine"]
        with session_scope(engine) as session:
            step("seed demo", lambda: SEEDERS["demo"](session))
            step(f"{options.introductions} introductions",
                 lambda: add_introductions(session, options.introductions))
        intro_id = step(f"feed of {options.rows:,} patients",
                        lambda: import_feed(engine, options.rows))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}/dashboards/"
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            shown, intro = measure(browser, f"{base}introduksjon/{intro_id}",
                                   [PAGE_SHOWN, KM_DRAWN], options.runs)
            (overview,) = measure(browser, base, [OVERVIEW_DRAWN], options.runs)
        finally:
            browser.close()
            playwright.stop()
            server.shutdown()
            server.server_close()
            engine.dispose()
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    print(report("Introduction page shown (decision, heading)", shown))
    print(report(f"Introduction page: KM + assumed curve drawn ({options.rows:,} patients)", intro))
    print(report(f"Overview ({options.introductions} introductions, table + timeline)", overview))
    ok = statistics.median(intro[1:]) <= TARGET_SECONDS
    print(f"Target: introduction page within {TARGET_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
