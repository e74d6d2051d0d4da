"""Services of the data-source catalogue."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from tracker.crud import apply_changes, check_version, get_or_404, paginate
from tracker.datasources.models import DataSource, DataSourceCreate, DataSourceUpdate
from tracker.errors import Conflict, InvalidInput, field_error


def create(*, session: Session, data: DataSourceCreate) -> DataSource:
    """Add a data source; its code must be new."""
    if get_by_code(session=session, code=data.code) is not None:
        raise Conflict(f"A data source with code {data.code} already exists.")
    source = DataSource.model_validate(data)
    session.add(source)
    session.flush()
    return source


def get(*, session: Session, source_id: int) -> DataSource:
    """Return one data source."""
    return get_or_404(session, DataSource, source_id, label="Data source")


def get_by_code(*, session: Session, code: str) -> DataSource | None:
    """Return the data source with this code, if any."""
    return session.exec(select(DataSource).where(DataSource.code == code)).first()


def resolve_code(*, session: Session, code: str, field: str) -> DataSource:
    """Return the data source a client named by code, or a 422 naming the field."""
    source = get_by_code(session=session, code=code)
    if source is None:
        known = [s.code for s in session.exec(select(DataSource).order_by(DataSource.code)).all()]
        raise InvalidInput(
            f"Unknown data source {code!r}.",
            [field_error(field, f"unknown data source {code!r}; use one of {', '.join(known)}")],
        )
    return source


def names(*, session: Session) -> dict[str, str]:
    """Return every data source's name by its code (one query), for pages that show sources."""
    return dict(session.exec(select(DataSource.code, DataSource.name)).all())


def list_(*, session: Session, query: Any) -> tuple[list[DataSource], int]:
    """List data sources."""
    stmt = select(DataSource)
    if query.kind is not None:
        stmt = stmt.where(DataSource.kind == query.kind)
    return paginate(
        session, stmt, model=DataSource, sort=query.sort, limit=query.limit, offset=query.offset
    )


def update(*, session: Session, source_id: int, data: DataSourceUpdate) -> DataSource:
    """Change a data source's description."""
    source = get(session=session, source_id=source_id)
    check_version(source, data.version, label="Data source")
    apply_changes(source, data, exclude=["version"])
    session.add(source)
    session.flush()
    return source
