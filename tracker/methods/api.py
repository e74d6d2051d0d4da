"""HTTP endpoints of the method catalogue."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.db import get_session
from tracker.decisions import service as decisions_service
from tracker.decisions.models import DecisionRead
from tracker.methods import service
from tracker.methods.enums import MAStatus, MethodType
from tracker.methods.models import MethodCreate, MethodRead, MethodUpdate

bp = ApiBlueprint("methods", __name__, tag="methods", resource="methods")


class MethodDetail(MethodRead):
    decisions: list[DecisionRead] = Field(description="All decisions on the method, oldest first.")


MethodQuery = list_query_model(
    "MethodQuery",
    sortable=["nye_metoder_id", "active_substance", "trade_name", "therapeutic_area", "created_at"],
    default_sort="nye_metoder_id",
    filters={
        "q": (str | None, Field(default=None, description="Search ID, substance or trade name.")),
        "method_type": (MethodType | None, None),
        "therapeutic_area": (str | None, None),
        "ma_status": (MAStatus | None, None),
        "orphan": (bool | None, None),
        "atmp": (bool | None, None),
    },
)
MethodPage = page_model(MethodRead)


def _detail(method: Any) -> MethodDetail:
    session = get_session()
    decisions = decisions_service.for_method(session=session, method_id=method.id)
    reads = decisions_service.to_reads(session=session, decisions=decisions)
    base = MethodRead.model_validate(method, from_attributes=True).model_dump()
    return MethodDetail.model_validate({**base, "decisions": reads})


@bp.operation("/methods", "GET", summary="List methods", query=MethodQuery, response=MethodPage)
def list_methods(query: Any) -> Any:
    items, total = service.list_(session=get_session(), query=query)
    return page_of(MethodPage, items, total, query)


@bp.operation(
    "/methods",
    "POST",
    summary="Add a method",
    body=MethodCreate,
    response=MethodDetail,
    status=201,
    errors=[409],
)
def create_method(body: MethodCreate) -> Any:
    return _detail(service.create(session=get_session(), data=body))


@bp.operation("/methods/<int:method_id>", "GET", summary="Read a method", response=MethodDetail)
def get_method(method_id: int) -> Any:
    return _detail(service.get(session=get_session(), method_id=method_id))


@bp.operation(
    "/methods/<int:method_id>",
    "PATCH",
    summary="Change a method",
    body=MethodUpdate,
    response=MethodDetail,
    errors=[409],
)
def update_method(method_id: int, body: MethodUpdate) -> Any:
    return _detail(service.update(session=get_session(), method_id=method_id, data=body))
