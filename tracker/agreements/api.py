"""HTTP endpoints of price agreements."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from tracker.agreements import schemas as s
from tracker.agreements import service
from tracker.agreements.enums import AgreementStatus, AgreementType
from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.db import get_session

bp = ApiBlueprint("agreements", __name__, tag="price agreements")

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
    items, total = service.list_(session=get_session(), query=query)
    return page_of(AgreementPage, items, total, query)


@bp.operation(
    "/agreements",
    "POST",
    summary="Record a price agreement",
    body=s.AgreementCreate,
    response=s.AgreementRead,
    status=201,
)
def create_agreement(body: s.AgreementCreate) -> Any:
    return s.AgreementRead.model_validate(
        service.create(session=get_session(), data=body), from_attributes=True
    )


@bp.operation(
    "/agreements/<int:agreement_id>",
    "GET",
    summary="Read a price agreement",
    response=s.AgreementRead,
)
def get_agreement(agreement_id: int) -> Any:
    return s.AgreementRead.model_validate(
        service.get(session=get_session(), agreement_id=agreement_id), from_attributes=True
    )


@bp.operation(
    "/agreements/<int:agreement_id>",
    "PATCH",
    summary="Change a price agreement",
    body=s.AgreementUpdate,
    response=s.AgreementRead,
    errors=[409],
)
def update_agreement(agreement_id: int, body: s.AgreementUpdate) -> Any:
    return s.AgreementRead.model_validate(
        service.update(session=get_session(), agreement_id=agreement_id, data=body),
        from_attributes=True,
    )
