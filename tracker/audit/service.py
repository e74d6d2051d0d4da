"""Record every create, update and delete made through the ORM, and read the trail back."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from tracker.audit.models import AuditEvent
from tracker.timeutil import utcnow

# Tables whose rows are not domain records, or whose changes are noise.
NOT_AUDITED = {"audit_event", "login_throttle", "login_session", "job_run", "alembic_version"}
# Columns never written to the trail in clear text.
SECRET_COLUMNS = {"password_hash", "token_sha256"}
# The cost per QALY of an introduction (see introductions.enums.PriceBasis).
COST_COLUMNS = {"cost_per_qaly", "cost_per_qaly_low", "cost_per_qaly_high"}
# Columns whose change alone is bookkeeping, not an edit.
BOOKKEEPING = {"updated_at", "version", "last_used_at"}


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _value(column: str, value: Any) -> Any:
    return "***" if column in SECRET_COLUMNS and value is not None else _json(value)


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        if key == "id":
            continue
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _value(key, value)]
        elif action == "delete":
            changes[key] = [_value(key, getattr(obj, key)), None]
        else:
            history = state.attrs[key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if _json(old) != _json(new):
                    changes[key] = [_value(key, old), _value(key, new)]
    return changes


def _after_flush(session: OrmSession, _context: Any) -> None:
    from tracker.auth import current_principal

    rows = []
    principal = current_principal()
    now = utcnow()
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in NOT_AUDITED:
                continue
            changes = _changes(obj, action)
            if action == "update" and not (set(changes) - BOOKKEEPING):
                continue
            entity_id = getattr(obj, "id", None)
            if entity_id is None:
                continue
            rows.append(
                {
                    "at": now,
                    "actor": principal.name,
                    "role": principal.role.value if principal.role else None,
                    "interface": principal.interface,
                    "action": action,
                    "entity": table,
                    "entity_id": entity_id,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)  # type: ignore[attr-defined]


_installed = False


def install() -> None:
    """Listen to every ORM session flush in this process (idempotent)."""
    global _installed
    if not _installed:
        event.listen(OrmSession, "after_flush", _after_flush)
        _installed = True


def history(*, session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    """Return the trail of one record, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at, AuditEvent.id)  # type: ignore[arg-type]
    )
    return list(session.exec(stmt).all())


def hidden_fields(*, session: Session, entity: str, entity_id: int, confidential: bool) -> set[str]:
    """Return the fields whose values this reader may not see in the trail."""
    hidden = set(SECRET_COLUMNS)
    if entity == "temporary_introduction" and not confidential:
        # Earlier values may have been computed with the confidential price even if the
        # current one is not, so the trail withholds the figures whatever the basis now.
        hidden |= COST_COLUMNS
    if entity == "flag" and not confidential:
        from tracker.flags import visibility
        from tracker.flags.models import Flag

        flag = session.get(Flag, entity_id)
        if flag is not None and visibility.withheld(flag.kind, confidential=False):
            hidden |= visibility.WITHHELD_FIELDS
        if flag is not None and flag.kind in visibility.HIDDEN_KINDS:
            hidden |= visibility.HIDDEN_DATES
    return hidden


def _confidential_by_marks(marks: dict[str, Any]) -> set[str]:
    """The agreement fields these visibility marks make confidential (terms whole if any part)."""
    hidden = {k for k, v in marks.items() if v == "confidential" and "." not in k}
    if any(v == "confidential" for k, v in marks.items() if k.startswith("terms")):
        hidden.add("terms")
    return hidden


def readable_changes(
    *, session: Session, entity: str, entity_id: int, events: list[AuditEvent], confidential: bool
) -> tuple[list[dict[str, Any]], set[str]]:
    """Return each event's changes as this reader may see them, and every field withheld.

    A price agreement's values are withheld by the marks in force when they were recorded, not
    by today's: after a unit price is marked public, the prices recorded before it stay
    withheld. A change is left out whole if its old or its new value was recorded confidential.
    """
    static = hidden_fields(session=session, entity=entity, entity_id=entity_id,
                           confidential=confidential)
    if entity != "price_agreement" or confidential:
        return [{k: v for k, v in e.changes.items() if k not in static} for e in events], static
    from tracker.agreements.schemas import default_visibility

    marks: dict[str, Any] = {k: str(v) for k, v in default_visibility().items()}
    withheld = set(static)
    readable = []
    # Fields whose value now stored was recorded while marked confidential.
    recorded_confidential: set[str] = set()
    for entry in events:
        new_marks = (entry.changes.get("visibility") or [None, None])[1]
        if isinstance(new_marks, dict):
            marks = {**marks, **new_marks}
        now_confidential = _confidential_by_marks(marks)
        kept = {}
        for key, change in entry.changes.items():
            if key in static or key in now_confidential or key in recorded_confidential:
                withheld.add(key)
            else:
                kept[key] = change
            if key in now_confidential:
                recorded_confidential.add(key)
            else:
                recorded_confidential.discard(key)
        readable.append(kept)
    return readable, withheld
