"""Services of flags: the idempotent sweep, listing, acknowledging and snoozing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from tracker.crud import apply_values, check_version, get_or_404, paginate
from tracker.errors import Conflict, InvalidInput, NotFound, field_error
from tracker.flags.enums import CloseReason, FlagKind
from tracker.flags.models import OPEN, Flag
from tracker.flags.rules import FlagCandidate, Rule, load_rules
from tracker.settings import Settings
from tracker.timeutil import utcnow

Key = tuple[str, int, str]


@dataclass
class SweepReport:
    """What one sweep changed: flags opened, closed and refreshed (a moved due date)."""

    as_of: date
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    refreshed: list[int] = field(default_factory=list)
    open_total: int = 0


def _key(flag: Flag) -> Key:
    return (flag.subject_type, flag.subject_id, flag.kind)


def _insert_open(session: Session, candidate: FlagCandidate, as_of: date) -> int | None:
    """Insert an open flag unless an open one for the same cause exists; return its id or None.

    ON CONFLICT DO NOTHING against the partial unique index absorbs a concurrent sweep's insert
    inside the database, so no IntegrityError reaches the caller and the flag exists once.
    """
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "kind": str(candidate.kind),
        "subject_type": str(candidate.subject_type),
        "subject_id": candidate.subject_id,
        "introduction_id": candidate.introduction_id,
        "link": candidate.link,
        "message": candidate.message,
        "message_en": candidate.message_en,
        "facts": candidate.facts,
        "due_date": candidate.due_date,
        "opened_on": as_of,
        "opened_at": utcnow(),
    }
    statement = (
        insert(Flag)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["subject_type", "subject_id", "kind"],
                                index_where=OPEN)
        .returning(col(Flag.id))
    )
    return session.execute(statement).scalar_one_or_none()  # type: ignore[no-any-return]


def _close(
    session: Session, flag_ids: Sequence[int], reason: CloseReason, as_of: date
) -> list[int]:
    """Close the flags that are still open; return the ids this call closed."""
    if not flag_ids:
        return []
    result = session.execute(
        sa.update(Flag)
        .where(col(Flag.id).in_(flag_ids), col(Flag.closed_at).is_(None))
        .values(closed_at=utcnow(), closed_on=as_of, close_reason=str(reason),
                version=col(Flag.version) + 1)
        .returning(col(Flag.id)),
        execution_options={"synchronize_session": "fetch"},
    )
    return sorted(result.scalars().all())


def sweep(
    *, session: Session, as_of: date, settings: Settings, rules: Iterable[Rule] | None = None
) -> SweepReport:
    """Open the flags whose cause holds on `as_of` and close those whose cause is gone.

    Idempotent: a second sweep for the same date and data changes nothing. Only kinds with a
    registered rule are closed, so kinds whose rule is not written yet are left alone.
    """
    registry = list(rules) if rules is not None else load_rules()
    report = SweepReport(as_of=as_of)
    open_flags = {_key(f): f for f in session.exec(select(Flag).where(OPEN)).all()}
    wanted: dict[Key, FlagCandidate] = {}
    for item in registry:
        for candidate in item.func(session, as_of, settings):
            wanted.setdefault(candidate.key, candidate)
    # A fixed order keeps concurrent sweeps taking row locks in the same order (no deadlocks).
    for key in sorted(wanted):
        candidate = wanted[key]
        existing = open_flags.get(key)
        if existing is None:
            new_id = _insert_open(session, candidate, as_of)
            if new_id is not None:
                report.opened.append(new_id)
        else:
            moved = existing.due_date != candidate.due_date
            reworded = (existing.message, existing.message_en) != (candidate.message,
                                                                   candidate.message_en)
            if not (moved or reworded):
                continue
            # A moved deadline (a revised review date, say) keeps the flag and its
            # acknowledgement, tells the new date and is a new version. Words alone ("in 3
            # days" a day later) are not: an acknowledgement typed against the flag as read
            # before the morning's sweep still goes in.
            assert existing.id is not None
            values: dict[str, Any] = {"message": candidate.message,
                                      "message_en": candidate.message_en,
                                      "facts": candidate.facts}
            if moved:
                values |= {"due_date": candidate.due_date, "version": col(Flag.version) + 1}
                report.refreshed.append(existing.id)
            session.execute(
                sa.update(Flag)
                .where(col(Flag.id) == existing.id, col(Flag.closed_at).is_(None))
                .values(**values),
                execution_options={"synchronize_session": "fetch"},
            )
    managed = {str(kind) for item in registry for kind in item.kinds}
    gone = [f.id for key, f in sorted(open_flags.items())
            if f.kind in managed and key not in wanted and f.id is not None]
    report.closed = _close(session, gone, CloseReason.resolved, as_of)
    session.flush()
    report.open_total = len(session.exec(select(Flag.id).where(OPEN)).all())
    return report


def close_flags(
    *, session: Session, introduction_id: int | None = None, subject: tuple[str, int] | None = None,
    kinds: Sequence[FlagKind], reason: CloseReason, as_of: date,
) -> list[int]:
    """Close open flags of these kinds for an introduction or one subject (e.g. on a decision)."""
    statement = select(Flag.id).where(OPEN, col(Flag.kind).in_([str(k) for k in kinds]))
    if introduction_id is not None:
        statement = statement.where(Flag.introduction_id == introduction_id)
    if subject is not None:
        statement = statement.where(Flag.subject_type == subject[0], Flag.subject_id == subject[1])
    ids = [i for i in session.exec(statement).all() if i is not None]
    return _close(session, ids, reason, as_of)


def get(*, session: Session, flag_id: int, hidden_kinds: frozenset[str] = frozenset()) -> Flag:
    """Return one flag; one of `hidden_kinds` is not found (the reader may not see it)."""
    flag = get_or_404(session, Flag, flag_id, label="Flag")
    if flag.kind in hidden_kinds:
        raise NotFound(f"Flag {flag_id} does not exist.")
    return flag


def is_snoozed(flag: Flag, as_of: date) -> bool:
    """Tell whether a flag is hidden by a snooze on this date."""
    return flag.snoozed_until is not None and flag.snoozed_until > as_of


def list_(
    *,
    session: Session,
    as_of: date,
    open: bool = True,
    include_snoozed: bool = False,
    kind: str | None = None,
    introduction_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    hidden_kinds: frozenset[str] = frozenset(),
    sort: str = "-id",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Flag], int]:
    """List flags: open ones by default, without those snoozed past `as_of` or of hidden kinds."""
    statement = select(Flag)
    if hidden_kinds:
        statement = statement.where(col(Flag.kind).not_in(sorted(hidden_kinds)))
    if open:
        statement = statement.where(OPEN)
        if not include_snoozed:
            statement = statement.where(
                sa.or_(col(Flag.snoozed_until).is_(None), col(Flag.snoozed_until) <= as_of)
            )
    else:
        statement = statement.where(col(Flag.closed_at).is_not(None))
    filters = {"kind": kind, "introduction_id": introduction_id, "subject_type": subject_type,
               "subject_id": subject_id}
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(getattr(Flag, name) == value)
    return paginate(session, statement, model=Flag, sort=sort, limit=limit, offset=offset)


def _open_flag(
    session: Session, flag_id: int, version: int, action: str, hidden_kinds: frozenset[str]
) -> Flag:
    flag = get(session=session, flag_id=flag_id, hidden_kinds=hidden_kinds)
    if flag.closed_at is not None:
        raise Conflict(
            f"Flag {flag_id} was closed on {flag.closed_on} ({flag.close_reason}); only an open "
            f"flag can be {action}.",
            {"closed_on": str(flag.closed_on), "close_reason": flag.close_reason,
             "current_version": flag.version},
        )
    check_version(flag, version, label="Flag")
    return flag


def acknowledge(
    *, session: Session, flag_id: int, version: int, reason: str, actor: str,
    hidden_kinds: frozenset[str] = frozenset(),
) -> Flag:
    """Mark an open flag, as of the version read, as seen; it stays open until its cause is gone."""
    flag = _open_flag(session, flag_id, version, "acknowledged", hidden_kinds)
    apply_values(flag, {"acknowledged_at": utcnow(), "acknowledged_by": actor,
                        "acknowledged_reason": reason})
    session.add(flag)
    session.flush()
    return flag


def snooze(
    *, session: Session, flag_id: int, version: int, until: date, reason: str, actor: str,
    as_of: date, hidden_kinds: frozenset[str] = frozenset(),
) -> Flag:
    """Hide an open flag, as of the version read, until a date; it is notified again then."""
    if until <= as_of:
        raise InvalidInput("A snooze must end after today.",
                           [field_error("until", f"{until} is not after {as_of}")])
    flag = _open_flag(session, flag_id, version, "snoozed", hidden_kinds)
    # Clearing the stamp makes the next sweep after `until` tell the recipients again.
    apply_values(flag, {"snoozed_until": until, "snoozed_by": actor, "snoozed_reason": reason,
                        "notified_at": None})
    session.add(flag)
    session.flush()
    return flag
