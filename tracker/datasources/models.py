"""The catalogue of data sources that can deliver follow-up data ("datakilder")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import ConfigDict, StringConstraints
from sqlmodel import Field, SQLModel

from tracker.crud import VERSION_HELP, not_null
from tracker.datasources.enums import DataSourceKind
from tracker.models_base import RecordMixin, enum_column

CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,39}$"


class DataSourceBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: DataSourceKind = Field(sa_type=enum_column())
    steward: str | None = Field(default=None, max_length=200, description="Who runs the source.")
    holds: str = Field(default="", sa_type=sa.Text, description="What the source holds.")
    latency: str | None = Field(
        default=None, max_length=200, description="How soon data are available, e.g. 'monthly'."
    )
    legal_basis: str | None = Field(default=None, sa_type=sa.Text)
    limits: str | None = Field(default=None, sa_type=sa.Text)
    patient_level: bool = Field(default=True, description="Delivers patient-level extracts.")


class DataSource(DataSourceBase, RecordMixin, table=True):
    """A data source ("datakilde"): a registry, a study or another supplier of follow-up data."""

    __tablename__ = "data_source"

    code: str = Field(max_length=40, unique=True, index=True)


class DataSourceCreate(DataSourceBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    code: Annotated[str, StringConstraints(pattern=CODE_PATTERN)] = Field(
        description="Short unique code in capitals, e.g. INSPIRE or NPR.",
    )


class DataSourceUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: DataSourceKind | None = None
    steward: str | None = Field(default=None, max_length=200)
    holds: str | None = None
    latency: str | None = Field(default=None, max_length=200)
    legal_basis: str | None = None
    limits: str | None = None
    patient_level: bool | None = None
    version: int = Field(ge=1, description=VERSION_HELP)

    _not_null = not_null("name", "kind", "holds", "patient_level")


class DataSourceRead(DataSourceBase):
    id: int
    code: str
    created_at: datetime
    updated_at: datetime
    version: int
