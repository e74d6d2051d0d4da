"""The `tracker` command: database, seeding, serving and settings."""

from __future__ import annotations

import sys

import click

from tracker.feeds.cli import feeds as feeds_cli
from tracker.feeds.cli import seed_feeds_command
from tracker.flags.cli import flags as flags_cli
from tracker.jobs import scheduler_cli
from tracker.settings import Settings
from tracker.users.cli import users as users_cli


def _settings() -> Settings:
    return Settings()


@click.group()
def main() -> None:
    """Nye metoder tracker: temporary introductions, agreements and reassessments."""


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    from tracker import migrate

    settings = _settings()
    migrate.upgrade(settings, revision)
    click.echo(f"Database at {revision}: {settings.redacted()['database_url']}")


@db.command("downgrade")
@click.option("--revision", default="base", show_default=True)
@click.confirmation_option(prompt="This removes tables and their data. Continue?")
def db_downgrade(revision: str) -> None:
    """Migrate the database down (default: to empty)."""
    from tracker import migrate

    migrate.downgrade(_settings(), revision)
    click.echo(f"Database downgraded to {revision}.")


@main.group()
def seed() -> None:
    """Load reference or demo data (safe to run again: nothing is duplicated)."""


def _run_seed(name: str) -> None:
    from tracker.auth import SEED, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.errors import TrackerError
    from tracker.seeding import SEEDERS

    settings = _settings()
    if name == "demo" and settings.env == "production":
        click.echo("Refusing to load demo data (with demo logins) in production.", err=True)
        sys.exit(2)
    engine = make_engine(settings)
    try:
        with acting_as(SEED), session_scope(engine) as session:
            report = SEEDERS[name](session)
    except TrackerError as exc:
        click.echo(f"Seeding failed, nothing was stored: {exc.message}", err=True)
        for detail in exc.details or []:
            click.echo(f"  {detail}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(str(report))


@seed.command("reference")
def seed_reference() -> None:
    """Load the data-source catalogue."""
    _run_seed("reference")


@seed.command("demo")
def seed_demo() -> None:
    """Load the synthetic demo data set (methods, decisions, introductions, agreements)."""
    _run_seed("demo")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: TRACKER_WORKERS, else one per core).")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="Threads per worker (default: TRACKER_THREADS, 4).")
@click.option("--dev", is_flag=True,
              help="Werkzeug's development server in one process instead of gunicorn.")
def serve(host: str, port: int, workers: int | None, threads: int | None, dev: bool) -> None:
    """Serve the API and dashboards with gunicorn (and, unless disabled, the scheduler)."""
    settings = _settings()
    problems = settings.problems()
    if problems:
        for problem in problems:
            click.echo(f"Refusing to start: {problem}", err=True)
        sys.exit(2)
    click.echo(f"Serving on http://{host}:{port}/ (API at /api/v1, dashboards at /dashboards/)")
    if dev:
        _serve_development(settings, host, port)
        return
    from tracker.serving import default_workers, gunicorn_options, run_gunicorn

    run_gunicorn(gunicorn_options(
        host=host, port=port, workers=workers or settings.workers or default_workers(),
        threads=threads or settings.threads))


def _serve_development(settings: Settings, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from tracker import create_app
    from tracker.serving import QuietRequestHandler

    app = create_app(settings)
    if settings.scheduler_enabled:
        from tracker.jobs import start_background_scheduler

        start_background_scheduler(app)
    run_simple(host, port, app, threaded=True, use_reloader=False,
               request_handler=QuietRequestHandler)


@main.command("check-settings")
def check_settings() -> None:
    """Print the effective settings (secrets masked) and exit non-zero if they are unusable."""
    from sqlalchemy import text

    from tracker.db import make_engine

    settings = _settings()
    for key, value in settings.redacted().items():
        click.echo(f"{key} = {value}")
    problems = settings.problems()
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        click.echo("database: reachable")
    except Exception as exc:  # report any driver error as a configuration problem
        problems.append(f"database unreachable: {exc.__class__.__name__}: {exc}".splitlines()[0])
    finally:
        engine.dispose()
    for problem in problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    sys.exit(1 if problems else 0)


main.add_command(flags_cli)
main.add_command(users_cli)
main.add_command(scheduler_cli)
main.add_command(feeds_cli)
seed.add_command(seed_feeds_command)


if __name__ == "__main__":  # pragma: no cover
    main()
