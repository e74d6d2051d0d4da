"""The audit trail of one record, through the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from tracker.access import may_see_confidential_prices
from tracker.apispec import ApiBlueprint
from tracker.audit import service
from tracker.db import get_session

bp = ApiBlueprint("audit", __name__, tag="audit trail", resource="audit")

ENTITIES: dict[str, str] = {
    "methods": "method",
    "decisions": "decision",
    "introductions": "temporary_introduction",
    "outcome-measures": "outcome_measure",
    "milestones": "milestone",
    "assumptions": "model_assumption",
    "data-sources": "data_source",
    "agreements": "price_agreement",
    "flags": "flag",
    "reassessments": "reassessment_case",
    "users": "app_user",
}
EntityName = Literal[
    "methods",
    "decisions",
    "introductions",
    "outcome-measures",
    "milestones",
    "assumptions",
    "data-sources",
    "agreements",
    "flags",
    "reassessments",
    "users",
]


class AuditEventRead(BaseModel):
    at: datetime
    actor: str
    role: str | None
    interface: str
    action: str
    changes: dict[str, Any]


class AuditTrail(BaseModel):
    entity: str
    entity_id: int
    events: list[AuditEventRead]
    withheld_fields: list[str]


@bp.operation(
    "/audit/<entity>/<int:entity_id>",
    "GET",
    summary="Who changed this record, when, through which interface, and what changed",
    response=AuditTrail,
)
def get_audit_trail(entity: str, entity_id: int) -> Any:
    from tracker.errors import NotFound

    table = ENTITIES.get(entity)
    if table is None:
        raise NotFound(f"No audit trail for {entity!r}; use one of {', '.join(ENTITIES)}.")
    session = get_session()
    events = service.history(session=session, entity=table, entity_id=entity_id)
    changes, hidden = service.readable_changes(
        session=session,
        entity=table,
        entity_id=entity_id,
        events=events,
        confidential=may_see_confidential_prices(),
    )
    return AuditTrail(
        entity=entity,
        entity_id=entity_id,
        withheld_fields=sorted(hidden),
        events=[
            AuditEventRead(
                at=e.at,
                actor=e.actor,
                role=e.role,
                interface=e.interface,
                action=e.action,
                changes=readable,
            )
            for e, readable in zip(events, changes, strict=True)
        ],
    )
