"""`tracker users`: add accounts, issue and revoke tokens."""

from __future__ import annotations

import sys

import click

from tracker.users.enums import Role


@click.group("users")
def users() -> None:
    """User accounts and API tokens."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--email", default=None, help="Address for notifications.")
@click.option("--trust", "health_trust", default=None,
              help="The user's health trust, e.g. 'Helse Bergen HF' (medical directors).")
@click.option("--password", is_flag=True, help="Also set a password for the login page (prompted).")
def add(name: str, role: str, email: str | None, health_trust: str | None,
        password: bool) -> None:
    """Create a user and print a new API token, once, on the last line."""
    from tracker.auth import SYSTEM, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.errors import TrackerError
    from tracker.settings import Settings
    from tracker.users import service

    secret = None
    if password:
        secret = click.prompt(
            "Password (12 characters or more)", hide_input=True, confirmation_prompt=True
        )
    engine = make_engine(Settings())
    try:
        with acting_as(SYSTEM), session_scope(engine) as session:
            user = service.create_user(
                session=session, name=name, role=role, email=email, password=secret,
                health_trust=health_trust,
            )
            token = service.issue_token(session=session, user=user)
    except TrackerError as exc:
        click.echo(f"Not created: {exc.message}", err=True)
        for detail in exc.details or []:
            click.echo(f"  {detail}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Created {name} ({role}). The API token is shown once; store it now:")
    click.echo(token)


@users.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke every token of a user and disable the account."""
    from tracker.auth import SYSTEM, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.errors import TrackerError
    from tracker.settings import Settings
    from tracker.users import service

    engine = make_engine(Settings())
    try:
        with acting_as(SYSTEM), session_scope(engine) as session:
            count = service.revoke(session=session, name=name)
    except TrackerError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Revoked {count} token(s) of {name}; the account is disabled.")
