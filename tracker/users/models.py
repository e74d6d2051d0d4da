"""Local user accounts and API tokens (hashed at rest)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from tracker.models_base import enum_column
from tracker.timeutil import utcnow


class User(SQLModel, table=True):
    """A local account with one role."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True, index=True)
    role: str = Field(sa_type=enum_column(20))
    email: str | None = Field(default=None, max_length=200)
    health_trust: str | None = Field(
        default=None, max_length=120,
        description="The health trust the user works for (medical directors, clinicians).",
    )
    password_hash: str | None = Field(default=None, max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12, description="First characters, to recognise a token.")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class LoginThrottle(SQLModel, table=True):
    """Login attempts counted per key (an account, or a client address) in a fixed window.

    One row per key, counted up by one atomic upsert before the password is checked, so that
    parallel guesses cannot all be evaluated before any is counted. Keys hold no typed text: an
    account is keyed by the SHA-256 of its lower-cased name.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=100)
    window_start: datetime = Field(default_factory=utcnow)
    attempts: int = 0


class LoginSession(SQLModel, table=True):
    """A browser login. The cookie carries a random token; only its SHA-256 is stored here, and
    a session is valid only while its row says so, so logging out ends it for every copy of the
    cookie."""

    __tablename__ = "login_session"

    token_sha256: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None
