"""HTTP endpoints of Beslutningsforum decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.db import get_session
from tracker.decisions import service
from tracker.decisions.enums import DecisionOutcome
from tracker.decisions.models import DecisionCreate, DecisionRead, DecisionUpdate

bp = ApiBlueprint("decisions", __name__, tag="decisions", resource="decisions")

DecisionQuery = list_query_model(
    "DecisionQuery",
    sortable=["decision_date", "effective_date", "created_at"],
    default_sort="-decision_date",
    filters={
        "method_id": (int | None, Field(default=None, ge=1)),
        "outcome": (DecisionOutcome | None, None),
        "decided_from": (date | None, Field(default=None, description="On or after this date.")),
        "decided_to": (date | None, Field(default=None, description="On or before this date.")),
    },
)
DecisionPage = page_model(DecisionRead)


def _read(decision: Any) -> DecisionRead:
    return service.to_read(session=get_session(), decision=decision)


@bp.operation(
    "/decisions", "GET", summary="List decisions", query=DecisionQuery, response=DecisionPage
)
def list_decisions(query: Any) -> Any:
    items, total = service.list_(session=get_session(), query=query)
    reads = service.to_reads(session=get_session(), decisions=items)
    return page_of(DecisionPage, reads, total, query)


@bp.operation(
    "/decisions",
    "POST",
    summary="Record a decision",
    body=DecisionCreate,
    response=DecisionRead,
    status=201,
)
def create_decision(body: DecisionCreate) -> Any:
    return _read(service.create(session=get_session(), data=body))


@bp.operation(
    "/decisions/<int:decision_id>", "GET", summary="Read a decision", response=DecisionRead
)
def get_decision(decision_id: int) -> Any:
    return _read(service.get(session=get_session(), decision_id=decision_id))


@bp.operation(
    "/decisions/<int:decision_id>",
    "PATCH",
    summary="Correct a decision",
    body=DecisionUpdate,
    response=DecisionRead,
    errors=[409],
)
def update_decision(decision_id: int, body: DecisionUpdate) -> Any:
    return _read(service.update(session=get_session(), decision_id=decision_id, data=body))
