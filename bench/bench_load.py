"""Benchmark: many users at once against the server as it runs in production.

For each database (SQLite, PostgreSQL 15) builds a throw-away database with the demo data plus
synthetic introductions (200 in all) and a registry delivery of 1,000,000 patients, starts
`tracker serve` (gunicorn, as `make run` and production do) on 127.0.0.1, and runs bounded loops of
1, 20 and 50 concurrent clients against:

- **overview page load** as a browser makes it: the HTML, Dash's layout and dependencies, and the
  callbacks the page fires (recorded once in headless Chromium, then replayed in that order);
- **introduction page load** with its curves, the same way;
- the **public list page** (`/offentlig/`, as an anonymous visitor's browser loads it) and the
  public **news feed** (`/offentlig/nyheter.atom`);
- `GET /api/v1/introductions`, the **outcomes API** (OS of the introduction with the delivery),
  and the **deadlines export** (CSV).

Each loop runs for a fixed time (and at most a fixed number of requests) and stops by itself. It
prints requests per second, p50/p95/p99 and errors per scenario and client count, and the ratio of
throughput at 20 clients to one client. Only 127.0.0.1 is ever contacted.

Run:  .venv/bin/python bench/bench_load.py [--backends sqlite,postgresql] [--seconds 10]
      [--clients 1,20,50] [--introductions 200] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard_render import ARGS, CHROMIUM, add_introductions, import_feed  # noqa: E402

from tracker import migrate as migrations  # noqa: E402
from tracker.db import make_engine, session_scope  # noqa: E402
from tracker.settings import Settings  # noqa: E402

TARGETS_P95 = {"overview page load": 1.5, "GET /api/v1/introductions": 0.3, "outcomes API": 0.5}
MAX_REQUESTS_PER_CLIENT = 2_000


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    requests: list[Request]  # one "load": all of them, in order


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(settings: Settings, introductions: int, rows: int) -> str:
    """Migrate, seed the demo, add introductions and the big delivery; return an API token."""
    from tracker.auth import SEED, SYSTEM, acting_as
    from tracker.seeding import SEEDERS
    from tracker.users import service as users_service

    migrations.upgrade(settings)
    engine = make_engine(settings)
    try:
        with acting_as(SEED), session_scope(engine) as session:
            SEEDERS["demo"](session)
            add_introductions(session, introductions)
        with acting_as(SEED):
            import_feed(engine, rows)
        with acting_as(SYSTEM), session_scope(engine) as session:
            user = users_service.create_user(session=session, name="bench-secretariat",
                                             role="secretariat", email="bench@example.org")
            token = users_service.issue_token(session=session, user=user)
    finally:
        engine.dispose()
    return token


def start_server(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRACKER_DATABASE_URL": settings.sqlalchemy_url,
           "TRACKER_INSTANCE_PATH": str(settings.instance_path),
           "TRACKER_SCHEDULER_ENABLED": "false", "TRACKER_ENV": "development"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", "serve", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = send(port, Request("GET", "/api/v1/health"))
            if status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-2000:]}")
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


def send(port: int, request: Request, conn: http.client.HTTPConnection | None = None
         ) -> tuple[int, http.client.HTTPConnection]:
    """Send one request (on a kept-alive connection if given); return status and connection."""
    if conn is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(request.method, request.path, body=request.body, headers=request.headers)
    response = conn.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    return response.status, conn


def record_page(port: int, path: str, ready: str) -> list[Request]:
    """Load a page in Chromium and return the requests it made to the app, in order, that a
    returning visitor's browser makes again (the HTML, Dash's layout, dependencies, callbacks)."""
    from playwright.sync_api import sync_playwright

    seen: list[Request] = []

    def on_request(req: Any) -> None:
        url = req.url.split(f"127.0.0.1:{port}", 1)[-1]
        if "/_dash-component-suites/" in url or url.endswith((".js", ".css", ".ico", ".map")):
            return  # cached by the browser after the first visit
        body = req.post_data_buffer if req.method == "POST" else None
        headers = {"Content-Type": "application/json"} if body else {}
        seen.append(Request(req.method, url, body, headers))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("request", on_request)
            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="commit")
            page.wait_for_function(ready, timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
        finally:
            browser.close()
    return seen


def run_loop(port: int, scenario: Scenario, clients: int, seconds: float) -> dict[str, Any]:
    """`clients` threads each repeat the scenario's load until the time is up."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def client() -> None:
        conn: http.client.HTTPConnection | None = None
        barrier.wait()
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= stop_at:
                break
            start = time.perf_counter()
            failed = False
            for request in scenario.requests:
                try:
                    status, conn = send(port, request, conn)
                    failed = failed or status >= 400
                except (OSError, http.client.HTTPException):
                    failed = True
                    conn = None
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors[0] += failed
        if conn is not None:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    return {"loads": len(ordered), "per_second": len(ordered) / wall, "errors": errors[0],
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
            "mean": statistics.fmean(ordered) if ordered else float("nan")}


def scenarios(port: int, token: str, intro_id: int) -> list[Scenario]:
    auth = {"Authorization": f"Bearer {token}"}
    overview = record_page(port, "/dashboards/",
                           "() => !!document.querySelector('#overview-table tbody tr')")
    introduction = record_page(
        port, f"/dashboards/introduksjon/{intro_id}",
        "() => { const el = document.querySelector('#km-figure .js-plotly-plot');"
        " return !!(el && el.data && el.data.some(d => d.meta === 'km')); }")
    public = record_page(port, "/offentlig/",
                         "() => document.querySelectorAll('main table tbody tr').length > 0")
    return [
        Scenario("overview page load", overview),
        Scenario("public list page load", public),
        Scenario("public news feed", [Request("GET", "/offentlig/nyheter.atom")]),
        Scenario("introduction page load", introduction),
        Scenario("GET /api/v1/introductions", [Request("GET", "/api/v1/introductions")]),
        Scenario("outcomes API", [Request(
            "GET", f"/api/v1/introductions/{intro_id}/outcomes?endpoint=OS")]),
        Scenario("deadlines export", [Request("GET", "/api/v1/deadlines.csv", headers=auth)]),
    ]


def bench_backend(name: str, options: argparse.Namespace) -> list[tuple[str, int, dict]]:
    results: list[tuple[str, int, dict]] = []
    with tempfile.TemporaryDirectory(prefix=f"bench-load-{name}-") as folder:
        pg = None
        if name == "postgresql":
            from tests.pgserver import PostgresServer

            pg = PostgresServer().start()
            url = pg.url
        else:
            url = f"sqlite:///{folder}/bench.db"
        try:
            settings = Settings(env="test", database_url=url, instance_path=Path(folder),
                                scheduler_enabled=False)
            start = time.perf_counter()
            token = prepare(settings, options.introductions, options.rows)
            print(f"[{name}] data prepared in {time.perf_counter() - start:.0f} s", flush=True)
            port = free_port()
            log = Path(folder) / "server.log"
            server = start_server(settings, port, log)
            try:
                try:
                    loads = scenarios(port, token, intro_id=1)
                except Exception:
                    print(f"[{name}] recording the pages failed; the server said:\n"
                          f"{log.read_text()[-4000:]}", flush=True)
                    raise
                for scenario in loads:
                    print(f"[{name}] {scenario.name}: {len(scenario.requests)} request(s) a load",
                          flush=True)
                    run_loop(port, scenario, 1, 2)  # warm the workers' caches
                    for clients in options.clients:
                        outcome = run_loop(port, scenario, clients, options.seconds)
                        results.append((scenario.name, clients, outcome))
                        print(f"  {clients:>3} clients: {outcome['per_second']:7.1f}/s  "
                              f"p50 {outcome['p50'] * 1000:7.0f} ms  p95 "
                              f"{outcome['p95'] * 1000:7.0f} ms  p99 "
                              f"{outcome['p99'] * 1000:7.0f} ms  errors {outcome['errors']}",
                              flush=True)
            finally:
                server.terminate()
                server.wait(60)
        finally:
            if pg is not None:
                pg.stop()
    return results


def summary(name: str, results: list[tuple[str, int, dict]]) -> None:
    print(f"\n## {name}")
    print("| scenario | clients | loads/s | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|---|")
    by: dict[tuple[str, int], dict] = {}
    for scenario, clients, r in results:
        by[(scenario, clients)] = r
        print(f"| {scenario} | {clients} | {r['per_second']:.1f} | {r['p50'] * 1000:.0f} ms | "
              f"{r['p95'] * 1000:.0f} ms | {r['p99'] * 1000:.0f} ms | {r['errors']} |")
    for scenario in dict.fromkeys(s for s, _, _ in results):
        one, twenty = by.get((scenario, 1)), by.get((scenario, 20))
        if one and twenty and one["per_second"]:
            print(f"- {scenario}: throughput at 20 clients / 1 client = "
                  f"{twenty['per_second'] / one['per_second']:.2f}")
    for scenario, target in TARGETS_P95.items():
        r = by.get((scenario, 20))
        if r:
            verdict = "met" if r["p95"] <= target and r["errors"] == 0 else "MISSED"
            print(f"- target {scenario} p95 ≤ {target * 1000:.0f} ms at 20 clients, 0 errors: "
                  f"{verdict} ({r['p95'] * 1000:.0f} ms, {r['errors']} errors)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,20,50")
    parser.add_argument("--introductions", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    options.clients = [int(c) for c in options.clients.split(",")]
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}", flush=True)
    every: dict[str, list] = {}
    for name in options.backends.split(","):
        every[name] = bench_backend(name, options)
    for name, results in every.items():
        summary(name, results)
    print(f"Load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


runner: Callable[[], int] = main

if __name__ == "__main__":
    sys.exit(runner())
