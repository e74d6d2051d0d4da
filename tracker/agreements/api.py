"""HTTP endpoints of price agreements."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from tracker.access import may_see_confidential_prices
from tracker.agreements import schemas as s
from tracker.agreements import service
from tracker.agreements.enums import AgreementStatus, AgreementType
from tracker.apispec import ApiBlueprint, list_query_model, page_model
from tracker.db import get_session


def _read(agreement: Any) -> dict[str, Any]:
    return service.to_read(agreement, confidential=may_see_confidential_prices())


bp = ApiBlueprint("agreements", __name__, tag="price agreements", resource="agreements")

AgreementQuery = list_query_model(
    "AgreementQuery",
    sortable=["start_date", "end_date", "type", "status", "created_at"],
    default_sort="-start_date",
    filters={
        "method_id": (int | None, Field(default=None, ge=1)),
        "introduction_id": (int | None, Field(default=None, ge=1)),
        "type": (AgreementType | None, None),
        "status": (AgreementStatus | None, None),
        "ending_before": (date | None, Field(default=None, description="End on or before.")),
    },
)
AgreementPage = page_model(s.AgreementRead)


@bp.operation(
    "/agreements",
    "GET",
    summary="List price agreements",
    query=AgreementQuery,
    response=AgreementPage,
)
def list_agreements(query: Any) -> Any:
    items, total = service.list_(
        session=get_session(), method_id=query.method_id, introduction_id=query.introduction_id,
        type=query.type, status=query.status, ending_before=query.ending_before,
        sort=query.sort, limit=query.limit, offset=query.offset,
    )
    return {
        "items": [_read(a) for a in items],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


@bp.operation(
    "/agreements",
    "POST",
    summary="Record a price agreement",
    body=s.AgreementCreate,
    response=s.AgreementRead,
    status=201,
)
def create_agreement(body: s.AgreementCreate) -> Any:
    return _read(service.create(session=get_session(), data=body))


@bp.operation(
    "/agreements/<int:agreement_id>",
    "GET",
    summary="Read a price agreement",
    response=s.AgreementRead,
)
def get_agreement(agreement_id: int) -> Any:
    return _read(service.get(session=get_session(), agreement_id=agreement_id))


@bp.operation(
    "/agreements/<int:agreement_id>",
    "PATCH",
    summary="Change a price agreement",
    body=s.AgreementUpdate,
    response=s.AgreementRead,
    errors=[409],
)
def update_agreement(agreement_id: int, body: s.AgreementUpdate) -> Any:
    return _read(service.update(session=get_session(), agreement_id=agreement_id, data=body))
