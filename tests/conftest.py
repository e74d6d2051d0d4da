"""Fixtures: every app-level test runs against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tests.pgserver import PostgresServer
from tracker import create_app
from tracker import migrate as migrations
from tracker.settings import Settings

BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


def _compile_url_builders_once() -> None:
    """Let werkzeug compile each distinct URL builder once per test process.

    Every test makes its own app, and werkzeug generates and compiles (ast + compile) two
    builder functions for each of the app's ~780 URL rules: 0.1 s of every test, ~100 s of the
    suite on two workers. The generated code depends only on the rule's parts (its trace) and
    on whether unknown arguments are appended; it reads the converters from the rule it is
    bound to. So a builder compiled for one app's rule is the same code for the next app's
    rule. Rules whose defaults fill one of their own variables (the code then holds the
    converted default) are compiled as werkzeug does."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # another werkzeug: leave it as it is
        return
    compiled: dict[tuple[object, ...], Any] = {}

    def once(self: Rule, append_unknown: bool = True) -> Any:
        trace = getattr(self, "_trace", None)
        if trace is None or (self.defaults and set(self.defaults) & set(self._converters)):
            return compile_builder(self, append_unknown)
        key = (tuple(trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = once  # type: ignore[method-assign]


_compile_url_builders_once()


def make_settings(database_url: str, instance: Path, **extra: object) -> Settings:
    values: dict[str, object] = {"env": "test", "scheduler_enabled": False, **extra}
    return Settings(database_url=database_url, instance_path=instance, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL server: TRACKER_TEST_POSTGRES_URL, or one started for this run."""
    external = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    server = PostgresServer().start()
    try:
        yield server.url
    finally:
        server.stop()


def _admin_engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=None)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    migrations.upgrade(make_settings(f"sqlite:///{path}", folder))
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_url: str) -> str:
    """A migrated PostgreSQL database used as the template of each test's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"tracker_template_{worker}"
    admin = _admin_engine(postgres_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(make_settings(url, Path("/tmp")))
    return name


# A test that asks for one of these fixtures starts on a database that already holds what those
# `tracker seed` commands leave, in that order. The commands run once per backend and worker
# (through the CLI, as `make run` does) into a template the test's database is copied from: the
# page tests read the demo as `make run` leaves it, and seeding it per test took most of the
# suite's time on PostgreSQL. The fixtures themselves only document and return.
SEEDED_BY_FIXTURE: dict[str, tuple[str, ...]] = {"demo": ("demo", "feeds"), "seeded": ("demo",)}
_seeded_templates: dict[tuple[str, tuple[str, ...]], str] = {}


def _seeded_template(backend: str, commands: tuple[str, ...], request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> str:
    """The template (SQLite path or PostgreSQL database name) seeded by these commands."""
    key = (backend, commands)
    if key in _seeded_templates:
        return _seeded_templates[key]
    from tracker.cli import main as cli_main

    folder = tmp_path_factory.mktemp("seeded-" + "-".join(commands))
    if backend == "sqlite":
        path = folder / "template.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url, template = f"sqlite:///{path}", str(path)
    else:
        base_url: str = request.getfixturevalue("postgres_url")
        empty: str = request.getfixturevalue("postgres_template")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        template = f"tracker_seeded_{'_'.join(commands)}_{worker}"
        admin = _admin_engine(base_url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
            conn.execute(text(f'CREATE DATABASE "{template}" TEMPLATE "{empty}"'))
        admin.dispose()
        url = make_url(base_url).set(database=template).render_as_string(hide_password=False)
    env = {"TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": str(folder),
           "TRACKER_ENV": "test"}
    for command in commands:
        result = CliRunner().invoke(cli_main, ["seed", command], env=env)
        assert result.exit_code == 0, f"tracker seed {command} failed:\n{result.output}"
    _seeded_templates[key] = template
    return template


def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of a new, migrated database for one test: empty, or seeded as the test's
    fixtures ask (SEEDED_BY_FIXTURE)."""
    seeded = [SEEDED_BY_FIXTURE[name] for name in request.fixturenames
              if name in SEEDED_BY_FIXTURE]
    assert len(seeded) <= 1, f"a test can start from one seeded database, not {seeded}"
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    if backend == "sqlite":
        template = (_seeded_template(backend, seeded[0], request, factory) if seeded
                    else request.getfixturevalue("sqlite_template"))
        target = tmp_path / "tracker.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    base_url: str = request.getfixturevalue("postgres_url")
    template_name: str = (_seeded_template(backend, seeded[0], request, factory) if seeded
                          else request.getfixturevalue("postgres_template"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"t_{worker}_{os.getpid()}_{next(_counter)}"
    admin = _admin_engine(base_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    admin.dispose()

    def drop() -> None:
        engine = _admin_engine(base_url)
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    request.addfinalizer(drop)
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database(backend, request, tmp_path)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    app = create_app(settings)
    yield app
    app.extensions["tracker_engine"].dispose()


@pytest.fixture
def admin_token(app) -> str:  # type: ignore[no-untyped-def]
    """An API token of an administrator on the test's database."""
    from tracker.auth import SYSTEM, acting_as
    from tracker.users import service as users_service

    with acting_as(SYSTEM), Session(app.extensions["tracker_engine"]) as db:
        user = users_service.create_user(
            session=db, name="test-admin", role="admin", email="admin@example.org"
        )
        token = users_service.issue_token(session=db, user=user)
        db.commit()
    return token


@pytest.fixture
def client(app, admin_token):  # type: ignore[no-untyped-def]
    """A test client acting as an administrator (most tests are about behaviour, not access)."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {admin_token}"
    return client


@pytest.fixture
def as_user(app):  # type: ignore[no-untyped-def]
    """Return headers that act as a named user, e.g. `as_user("kari", "secretariat")`."""
    from tracker.auth import SYSTEM, acting_as
    from tracker.users import service as users_service

    def make(name: str, role: str = "secretariat") -> dict[str, str]:
        with acting_as(SYSTEM), Session(app.extensions["tracker_engine"]) as db:
            user = users_service.get_by_name(session=db, name=name)
            if user is None:
                user = users_service.create_user(session=db, name=name, role=role,
                                                 email=f"{name}@example.org")
            token = users_service.issue_token(session=db, user=user)
            db.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def anonymous(app):  # type: ignore[no-untyped-def]
    """A test client of the public: no token, no session."""
    return app.test_client()


@pytest.fixture
def session(app) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A session on the test's database, for tests that call services directly."""
    with Session(app.extensions["tracker_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose `tracker` commands use the test's database."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(settings.instance_path))
    monkeypatch.setenv("TRACKER_ENV", "test")
    return CliRunner()
