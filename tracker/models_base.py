"""Columns every domain record shares, and column types used across domains."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from tracker.timeutil import utcnow


class VersionChecked:
    """Let the database check the row version on every ORM write (optimistic locking).

    Mix into a table model with an integer `version` column. Every UPDATE (and DELETE) of the row
    then says `WHERE version = <the version read>`, so of two writes based on the same version
    exactly one lands; the other matches no row and SQLAlchemy raises StaleDataError, which the
    API answers with 409. The services bump the version themselves (`tracker.crud.apply_values`),
    hence no generator.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declarative class attribute
        table: Any = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": False}


class RecordMixin(VersionChecked, SQLModel):
    """Surrogate key, timestamps and a row version for optimistic locking."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    version: int = Field(default=1, nullable=False)


def enum_column(length: int = 40) -> sa.types.TypeEngine:
    """Store enumerations as plain strings: values are validated by the API models."""
    return sa.String(length)


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
