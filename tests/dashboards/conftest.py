"""Fixtures for the dashboard tests: the real app on a demo database, and one headless Chromium.

The server is the tracker's own Flask app (API and Dash together) on a migrated SQLite file
loaded with `tracker seed demo` and `tracker seed feeds`, with one user per role, served by
werkzeug in a background thread. SQLite only: the API tests cover PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import col, select
from werkzeug.serving import make_server

from tests.conftest import make_settings
from tracker import create_app
from tracker import migrate as migrations
from tracker.cli import main as cli_main
from tracker.db import session_scope
from tracker.flags import service as flags_service
from tracker.introductions.models import TemporaryIntroduction
from tracker.reassessments import service as reassessments_service
from tracker.reassessments.models import ReassessmentCase
from tracker.timeutil import today
from tracker.users import service as users_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@dataclass
class LiveServer:
    """The running tracker: its base URL, app and what the demo seeding left behind."""

    url: str
    app: Any
    case_id: int

    def page_url(self, path: str) -> str:
        return f"{self.url}/dashboards/{path.lstrip('/')}"


def _seed(env: dict[str, str]) -> None:
    """Run the seed commands a user would run."""
    runner = CliRunner()
    for name in ("demo", "feeds"):
        result = runner.invoke(cli_main, ["seed", name], env=env)
        assert result.exit_code == 0, f"tracker seed {name} failed:\n{result.output}"


PASSWORD = "dashboards-test-passord"
ROLES = ("secretariat", "procurement", "clinician", "forum")


def _prepare(app: Any, settings: Any) -> int:
    """Sweep the flags as of today, open a reassessment case if the demo has none, add users.

    Returns the id of the first reassessment case (the brief's subject).
    """
    engine = app.extensions["tracker_engine"]
    with session_scope(engine) as session:
        flags_service.sweep(session=session, as_of=today(), settings=settings)
        for role in ROLES:
            users_service.create_user(session=session, name=role, role=role, password=PASSWORD)
    with session_scope(engine) as session:
        case = session.exec(select(ReassessmentCase).order_by(col(ReassessmentCase.id))).first()
        if case is None:
            intro = session.exec(
                select(TemporaryIntroduction).order_by(col(TemporaryIntroduction.review_date))
            ).first()
            assert intro is not None and intro.id is not None
            case = reassessments_service.open_case(
                session=session, introduction_id=intro.id, at=today(), actor="test"
            )
        assert case.id is not None
        return case.id


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The tracker on a seeded SQLite database, served on a free port for the whole session."""
    folder = tmp_path_factory.mktemp("dashboards")
    url = f"sqlite:///{folder / 'tracker.db'}"
    settings = make_settings(url, folder)
    migrations.upgrade(settings)
    env = {
        "TRACKER_DATABASE_URL": url,
        "TRACKER_INSTANCE_PATH": str(folder),
        "TRACKER_ENV": "test",
    }
    _seed(env)
    app = create_app(settings)
    case_id = _prepare(app, settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dash-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, case_id=case_id)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["tracker_engine"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (the distribution's, not a downloaded build)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser-deps`")
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def _new_page(browser: Any, storage_state: Any = None) -> tuple[Any, Any]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="nb-NO", storage_state=storage_state
    )
    # A wait ends as soon as its condition holds; the bound only matters when something is wrong,
    # and the suite must stay green on a busy 2-core machine (load ~16), where a page can take
    # many seconds to draw.
    context.set_default_timeout(90_000)
    context.set_default_navigation_timeout(120_000)
    return context, context.new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page as the public (own context: no login, no stored language)."""
    context, pg = _new_page(browser)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def _logins(browser: Any, live_server: LiveServer) -> dict[str, Any]:
    """Cookies of one login per role, taken through the real login page once per session."""
    states: dict[str, Any] = {}
    for role in ROLES:
        context, pg = _new_page(browser)
        try:
            pg.goto(f"{live_server.url}/login?next=/dashboards/")
            pg.fill("input[name=name]", role)
            pg.fill("input[name=password]", PASSWORD)
            pg.click("form [type=submit]")
            pg.wait_for_url("**/dashboards/")
            states[role] = context.storage_state()
        finally:
            context.close()
    return states


@pytest.fixture
def page_as(browser: Any, live_server: LiveServer, _logins: dict[str, Any]) -> Iterator[Any]:
    """Open a page logged in as a role: `page_as("clinician")`."""
    contexts: list[Any] = []

    def open_as(role: str) -> Any:
        context, pg = _new_page(browser, _logins[role])
        contexts.append(context)
        return pg

    try:
        yield open_as
    finally:
        for context in contexts:
            context.close()


def screenshot(page: Any, name: str, element: Any = None) -> Path:
    """Save a screenshot of the full page (or of one element) under tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    return path


def admin_api(server: LiveServer, name: str) -> Any:
    """A test client of the live server's app acting as an administrator named `name` (to
    prepare data for a browser test and check its result through the API)."""
    from sqlmodel import Session

    from tracker.auth import SYSTEM, acting_as

    with acting_as(SYSTEM), Session(server.app.extensions["tracker_engine"]) as db:
        user = users_service.get_by_name(session=db, name=name)
        if user is None:
            user = users_service.create_user(session=db, name=name, role="admin",
                                             email=f"{name}@example.org")
        token = users_service.issue_token(session=db, user=user)
        db.commit()
    client = server.app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def own_introduction(api: Any, nye_metoder_id: str, substance: str) -> dict[str, Any]:
    """A temporary introduction of a test's own, so the demo data stay as other tests need."""
    from tests.factories import DecisionPayload, MethodPayload, introduction_payload

    method = api.post("/api/v1/methods", json=MethodPayload(nye_metoder_id=nye_metoder_id,
                                                            active_substance=substance))
    assert method.status_code == 201, method.json
    decision = api.post("/api/v1/decisions", json=DecisionPayload(method_id=method.json["id"]))
    assert decision.status_code == 201, decision.json
    intro = api.post("/api/v1/introductions", json=introduction_payload(decision.json["id"]))
    assert intro.status_code == 201, intro.json
    return dict(intro.json)
