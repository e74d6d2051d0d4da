"""The audit trail: who changed which record, when, through which interface, and how."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from tracker.models_base import JSONType
from tracker.timeutil import utcnow


class AuditEvent(SQLModel, table=True):
    """One create, update or delete of a domain record. Append-only (enforced by triggers)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    role: str | None = Field(default=None, max_length=20)
    interface: str = Field(max_length=20, description="api, web, dashboard, cli, job or seed.")
    action: str = Field(max_length=10, description="create, update or delete.")
    entity: str = Field(max_length=60, index=True, description="The table of the record.")
    entity_id: int = Field(index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
