"""Small helpers shared by the services of every domain: fetch, list, update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, field_validator
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.errors import Conflict, NotFound
from tracker.timeutil import utcnow

M = TypeVar("M", bound=SQLModel)
VERSION_HELP = "The version you read; if the record has changed since, the update is refused (409)."


def get_or_404(session: Session, model: type[M], record_id: int, *, label: str) -> M:
    """Return the record with this id or raise NotFound naming it."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"{label} {record_id} does not exist.")
    return record


def paginate(
    session: Session,
    statement: Any,
    *,
    model: type[SQLModel],
    sort: str,
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    """Apply sort and paging to a select; return (items, total)."""
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    descending = sort.startswith("-")
    column = getattr(model, sort.lstrip("-"))
    order = column.desc() if descending else column.asc()
    tie = model.id.desc() if descending else model.id.asc()  # type: ignore[attr-defined]
    rows = session.exec(statement.order_by(order, tie).offset(offset).limit(limit)).all()
    return list(rows), int(total)


def check_version(record: Any, expected: int | None, *, label: str) -> None:
    """Refuse an update based on an older version of the record."""
    if expected is not None and expected != record.version:
        raise Conflict(
            f"{label} {record.id} has changed since you read it (your version {expected}, "
            f"stored version {record.version}); reload it and apply your change again.",
            {"current_version": record.version},
        )


def apply_changes(
    record: Any, changes: BaseModel, *, exclude: Sequence[str] = ()
) -> dict[str, Any]:
    """Copy the fields set in `changes` onto the record; return {field: (old, new)} that differ."""
    return apply_values(record, changes.model_dump(exclude_unset=True, exclude=set(exclude)))


def apply_values(record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set attributes from a dict, bumping version and timestamp if anything changed."""
    diff: dict[str, Any] = {}
    for key, value in values.items():
        old = getattr(record, key)
        if old != value:
            diff[key] = (old, value)
            setattr(record, key, value)
    if diff:
        record.updated_at = utcnow()
        record.version = (record.version or 0) + 1
    return diff


def not_null(*fields: str) -> Any:
    """A validator for update models: these fields may be omitted but not set to null."""

    def _check(cls: Any, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value

    return field_validator(*fields, mode="before")(_check)
