"""HTTP endpoints of the data-source catalogue."""

from __future__ import annotations

from typing import Any

from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.datasources import service
from tracker.datasources.enums import DataSourceKind
from tracker.datasources.models import DataSourceCreate, DataSourceRead, DataSourceUpdate
from tracker.db import get_session

bp = ApiBlueprint("datasources", __name__, tag="data sources", resource="data_sources")

DataSourceQuery = list_query_model(
    "DataSourceQuery",
    sortable=["code", "name", "kind"],
    default_sort="code",
    filters={"kind": (DataSourceKind | None, None)},
)
DataSourcePage = page_model(DataSourceRead)


@bp.operation(
    "/data-sources",
    "GET",
    summary="List data sources",
    query=DataSourceQuery,
    response=DataSourcePage,
)
def list_data_sources(query: Any) -> Any:
    items, total = service.list_(session=get_session(), query=query)
    return page_of(DataSourcePage, items, total, query)


@bp.operation(
    "/data-sources",
    "POST",
    summary="Add a data source",
    body=DataSourceCreate,
    response=DataSourceRead,
    status=201,
    errors=[409],
)
def create_data_source(body: DataSourceCreate) -> Any:
    return DataSourceRead.model_validate(
        service.create(session=get_session(), data=body), from_attributes=True
    )


@bp.operation(
    "/data-sources/<int:source_id>", "GET", summary="Read a data source", response=DataSourceRead
)
def get_data_source(source_id: int) -> Any:
    return DataSourceRead.model_validate(
        service.get(session=get_session(), source_id=source_id), from_attributes=True
    )


@bp.operation(
    "/data-sources/<int:source_id>",
    "PATCH",
    summary="Change a data source",
    body=DataSourceUpdate,
    response=DataSourceRead,
    errors=[409],
)
def update_data_source(source_id: int, body: DataSourceUpdate) -> Any:
    return DataSourceRead.model_validate(
        service.update(session=get_session(), source_id=source_id, data=body), from_attributes=True
    )
