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


class LoginAttempt(SQLModel, table=True):
    """A failed login, kept briefly to rate-limit guessing (no password is stored)."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, index=True, description="Client address and user name.")
    at: datetime = Field(default_factory=utcnow, index=True)
