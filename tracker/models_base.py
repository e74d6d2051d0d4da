"""Columns every domain record shares, and column types used across domains."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from tracker.timeutil import utcnow


class RecordMixin(SQLModel):
    """Surrogate key, timestamps and a row version for optimistic locking."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    version: int = Field(default=1, nullable=False)


def enum_column(length: int = 40) -> sa.types.TypeEngine:
    """Store enumerations as plain strings: values are validated by the API models."""
    return sa.String(length)


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
