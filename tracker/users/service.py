"""Services of user accounts, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case
from sqlalchemy import delete as sa_delete
from sqlalchemy import update as sa_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from tracker.errors import Conflict, InvalidInput, NotFound, field_error
from tracker.timeutil import utcnow
from tracker.users.enums import Role
from tracker.users.models import ApiToken, LoginSession, LoginThrottle, User

TOKEN_PREFIX = "nmt_"
_hasher = PasswordHasher()
# Verify against this when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_token(token: str) -> str:
    """Return the stored form of a token (its SHA-256; tokens are long and random)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(
    *, session: Session, name: str, role: str, email: str | None = None,
    password: str | None = None, health_trust: str | None = None,
) -> User:
    """Create a user with a role and, optionally, a password for the login page."""
    name = name.strip()
    problems = []
    if not name:
        problems.append(field_error("name", "give the user a name"))
    if role not in {r.value for r in Role}:
        problems.append(field_error("role", f"use one of {', '.join(r.value for r in Role)}"))
    if password is not None and len(password) < 12:
        problems.append(field_error("password", "use at least 12 characters"))
    if health_trust:
        from tracker.individual.trusts import canonical

        health_trust = canonical(health_trust, field="health_trust")
    if problems:
        raise InvalidInput("The user cannot be created.", problems)
    if get_by_name(session=session, name=name) is not None:
        raise Conflict(f"A user named {name!r} already exists.")
    user = User(
        name=name,
        role=role,
        email=email,
        health_trust=health_trust,
        password_hash=_hasher.hash(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


def get_by_name(*, session: Session, name: str) -> User | None:
    """Return the user with this name, if any."""
    return session.exec(select(User).where(User.name == name)).first()


def issue_token(*, session: Session, user: User) -> str:
    """Create an API token for the user and return it; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(ApiToken(user_id=user.id, token_sha256=hash_token(token), prefix=token[:12]))
    session.flush()
    return token


def revoke(*, session: Session, name: str) -> int:
    """Revoke every token of a user and disable the account; return the number of tokens."""
    user = get_by_name(session=session, name=name)
    if user is None:
        raise NotFound(f"No user named {name!r}.")
    now = utcnow()
    tokens = session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    ).all()
    for token in tokens:
        token.revoked_at = now
        session.add(token)
    user.active = False
    session.add(user)
    session.flush()
    return len(tokens)


def user_for_token(*, session: Session, token: str, now: datetime) -> User | None:
    """Return the active user a token belongs to, or None if it is unknown or revoked."""
    row = session.exec(select(ApiToken).where(ApiToken.token_sha256 == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    # Record use at most once a minute: a write (and commit) on every request would cost more
    # than the request itself.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
        session.add(row)
    return user


def authenticate(*, session: Session, name: str, password: str) -> User | None:
    """Return the user if the name and password match an active account."""
    user = get_by_name(session=session, name=name)
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active or not user.password_hash:
        return None
    return user


def account_key(name: str) -> str:
    """Return the throttle key of an account: a hash, so that no typed name is stored."""
    return "account:" + hashlib.sha256(name.strip().lower().encode("utf-8")).hexdigest()


def address_key(address: str) -> str:
    """Return the throttle key of a client address."""
    return "address:" + address[:80]


def count_login_attempt(*, session: Session, key: str, now: datetime, window: timedelta) -> int:
    """Count one login attempt for this key and return the attempts in the current window.

    One statement counts and records (an upsert), so two attempts sent at once can never both
    read the count from before the other: PostgreSQL takes the row lock, SQLite the write lock.
    A window older than `window` starts again at one.
    """
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    cutoff = now - window
    expired = table.c.window_start < cutoff
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    upsert = insert(table).values(key=key, window_start=now, attempts=1)
    statement = upsert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((expired, 1), else_=table.c.attempts + 1),
            "window_start": case((expired, now), else_=table.c.window_start),
        },
    ).returning(table.c.attempts)
    attempts = session.execute(statement).scalar_one()
    # Forget windows long over, now and then (a cheap indexed delete on the primary key table).
    if attempts == 1:
        session.execute(sa_delete(table).where(table.c.window_start < cutoff))
    return int(attempts)


def clear_login_attempts(*, session: Session, key: str) -> None:
    """Forget an account's attempts after a successful login."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    session.execute(sa_delete(table).where(table.c.key == key))


def uncount_login_attempt(*, session: Session, key: str) -> None:
    """Take back one attempt that succeeded, so that an address (a hospital's proxy, say) is
    limited by its failures, not by its colleagues' logins."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    session.execute(
        sa_update(table).where(table.c.key == key, table.c.attempts > 0)
        .values(attempts=table.c.attempts - 1)
    )


def start_login_session(*, session: Session, user: User, now: datetime, lifetime: timedelta) -> str:
    """Open a browser session for the user and return its token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(LoginSession(token_sha256=hash_token(token), user_id=user.id, created_at=now,
                             expires_at=now + lifetime))
    session.flush()
    return token


def user_for_login_session(*, session: Session, token: str, now: datetime) -> User | None:
    """Return the active user of a session that has not ended or expired, else None."""
    row = session.get(LoginSession, hash_token(token))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user


def end_login_session(*, session: Session, token: str, now: datetime) -> None:
    """End a browser session: every copy of its cookie stops working."""
    row = session.get(LoginSession, hash_token(token))
    if row is not None and row.ended_at is None:
        row.ended_at = now
        session.add(row)
        session.flush()
