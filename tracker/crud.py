"""Small helpers shared by the services of every domain: fetch, list, update."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, field_validator
from sqlalchemy import event, func
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import object_session
from sqlmodel import Session, SQLModel, select

from tracker.errors import Conflict, NotFound
from tracker.timeutil import utcnow

M = TypeVar("M", bound=SQLModel)
VERSION_HELP = "The version you read; if the record has changed since, the update is refused (409)."
# session.info key: {(model, id): (label, version the write is based on)} of this unit of work.
_EXPECTED = "tracker_expected_versions"


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
    """Refuse an update based on an older version of the record.

    This answers at once when the client is behind; two clients that read the same version at
    the same time both pass it, and the database decides between them (see `VersionChecked`).
    """
    if expected is not None and expected != record.version:
        raise _stale(label, record.id, expected, record.version)
    if expected is not None:
        _expect(record, label)


def _stale(label: str, record_id: Any, expected: int, stored: int | None) -> Conflict:
    if stored is None:
        return Conflict(f"{label} {record_id} was deleted since you read it.",
                        {"current_version": None})
    return Conflict(
        f"{label} {record_id} has changed since you read it (your version {expected}, "
        f"stored version {stored}); reload it and apply your change again.",
        {"current_version": stored},
    )


def _expect(record: Any, label: str | None) -> None:
    """Note the version a write in this session is based on, to explain a refusal later."""
    session = object_session(record)
    if session is None or record.id is None:
        return
    expected = session.info.setdefault(_EXPECTED, {})
    key = (type(record), record.id)
    if key not in expected:
        expected[key] = (label, record.version)
    elif label and expected[key][0] is None:
        expected[key] = (label, expected[key][1])


def stale_conflict(session: Session) -> Conflict:
    """Return the Conflict for a write the database refused as based on an older version.

    Call it when a flush or commit raised StaleDataError: it rolls the session back, reads the
    stored version of the records this unit of work changed, and names the one that moved.
    """
    session.rollback()
    expected: dict[tuple[Any, Any], tuple[str | None, int]] = session.info.pop(_EXPECTED, {})
    for (model, record_id), (label, version) in expected.items():
        stored = session.exec(select(model.version).where(model.id == record_id)).first()
        if stored != version:
            return _stale(label or _label(model), record_id, version, stored)
    return Conflict(
        "A record has changed since you read it; reload it and apply your change again."
    )


def _label(model: type[Any]) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
    return words[:1].upper() + words[1:]


@event.listens_for(OrmSession, "after_commit")
def _forget_expected_versions(session: OrmSession) -> None:
    session.info.pop(_EXPECTED, None)


def apply_changes(
    record: Any, changes: BaseModel, *, exclude: Sequence[str] = ()
) -> dict[str, Any]:
    """Copy the fields set in `changes` onto the record; return {field: (old, new)} that differ."""
    return apply_values(record, changes.model_dump(exclude_unset=True, exclude=set(exclude)))


def apply_values(record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set attributes from a dict, bumping version (and timestamp, if kept) if anything changed."""
    diff: dict[str, Any] = {}
    for key, value in values.items():
        old = getattr(record, key)
        if old != value:
            diff[key] = (old, value)
            setattr(record, key, value)
    if diff:
        # The UPDATE that follows checks, in the database, that the row still has the version
        # this change is based on (see `tracker.models_base.VersionChecked`).
        _expect(record, None)
        if "updated_at" in type(record).model_fields:
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
