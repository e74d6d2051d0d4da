"""Services of the method catalogue."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlmodel import Session, col, select

from tracker.crud import apply_changes, check_version, get_or_404, paginate
from tracker.errors import Conflict
from tracker.methods.models import Method, MethodCreate, MethodUpdate


def create(*, session: Session, data: MethodCreate) -> Method:
    """Add a method to the catalogue; its Nye metoder ID must be new."""
    if get_by_nye_metoder_id(session=session, nye_metoder_id=data.nye_metoder_id) is not None:
        raise Conflict(f"A method with ID {data.nye_metoder_id} already exists.")
    method = Method.model_validate(data)
    session.add(method)
    session.flush()
    return method


def get(*, session: Session, method_id: int) -> Method:
    """Return one method."""
    return get_or_404(session, Method, method_id, label="Method")


def get_many(*, session: Session, method_ids: Collection[int]) -> dict[int, Method]:
    """Return the methods with these ids, by id, in one query."""
    if not method_ids:
        return {}
    rows = session.exec(select(Method).where(col(Method.id).in_(list(method_ids)))).all()
    return {m.id: m for m in rows if m.id is not None}


def get_by_nye_metoder_id(*, session: Session, nye_metoder_id: str) -> Method | None:
    """Return the method with this Nye metoder ID, if any."""
    return session.exec(select(Method).where(Method.nye_metoder_id == nye_metoder_id)).first()


def list_(*, session: Session, query: Any) -> tuple[list[Method], int]:
    """List methods with filters, sort and paging."""
    stmt = select(Method)
    if query.q:
        like = f"%{query.q.lower()}%"
        from sqlalchemy import func, or_

        stmt = stmt.where(
            or_(
                func.lower(Method.active_substance).like(like),
                func.lower(Method.trade_name).like(like),
                func.lower(Method.nye_metoder_id).like(like),
            )
        )
    for name in ("method_type", "therapeutic_area", "ma_status", "orphan", "atmp"):
        value = getattr(query, name)
        if value is not None:
            stmt = stmt.where(getattr(Method, name) == value)
    return paginate(
        session, stmt, model=Method, sort=query.sort, limit=query.limit, offset=query.offset
    )


def update(*, session: Session, method_id: int, data: MethodUpdate) -> Method:
    """Change a method's fields."""
    method = get(session=session, method_id=method_id)
    check_version(method, data.version, label="Method")
    apply_changes(method, data, exclude=["version"])
    session.add(method)
    session.flush()
    return method
