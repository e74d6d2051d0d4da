"""Services of Beslutningsforum decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from tracker.crud import apply_changes, check_version, get_or_404, paginate
from tracker.decisions.models import Decision, DecisionCreate, DecisionRead, DecisionUpdate
from tracker.errors import InvalidInput, field_error
from tracker.methods.models import Method


def _require_method(session: Session, method_id: int) -> Method:
    method = session.get(Method, method_id)
    if method is None:
        raise InvalidInput(
            f"Method {method_id} does not exist.",
            [field_error("method_id", f"no method with id {method_id}; create the method first")],
        )
    return method


def create(*, session: Session, data: DecisionCreate) -> Decision:
    """Record a decision; earlier decisions on the method stay as history."""
    _require_method(session, data.method_id)
    decision = Decision.model_validate(data)
    session.add(decision)
    session.flush()
    return decision


def get(*, session: Session, decision_id: int) -> Decision:
    """Return one decision."""
    return get_or_404(session, Decision, decision_id, label="Decision")


def for_method(*, session: Session, method_id: int) -> list[Decision]:
    """Return a method's decisions, oldest first."""
    stmt = (
        select(Decision)
        .where(Decision.method_id == method_id)
        .order_by(Decision.decision_date, Decision.id)  # type: ignore[arg-type]
    )
    return list(session.exec(stmt).all())


def list_(*, session: Session, query: Any) -> tuple[list[Decision], int]:
    """List decisions with filters, sort and paging."""
    stmt = select(Decision)
    if query.method_id is not None:
        stmt = stmt.where(Decision.method_id == query.method_id)
    if query.outcome is not None:
        stmt = stmt.where(Decision.outcome == query.outcome)
    if query.decided_from is not None:
        stmt = stmt.where(Decision.decision_date >= query.decided_from)
    if query.decided_to is not None:
        stmt = stmt.where(Decision.decision_date <= query.decided_to)
    return paginate(
        session, stmt, model=Decision, sort=query.sort, limit=query.limit, offset=query.offset
    )


def update(*, session: Session, decision_id: int, data: DecisionUpdate) -> Decision:
    """Correct a decision's record."""
    decision = get(session=session, decision_id=decision_id)
    check_version(decision, data.version, label="Decision")
    apply_changes(decision, data, exclude=["version"])
    if decision.effective_date and decision.effective_date < decision.decision_date:
        raise InvalidInput(
            "effective_date is before decision_date.",
            [field_error("effective_date", "a decision cannot apply before it is made")],
        )
    session.add(decision)
    session.flush()
    return decision


def to_read(*, session: Session, decision: Decision) -> DecisionRead:
    """Return the API shape of a decision, with its method's Nye metoder ID."""
    return to_reads(session=session, decisions=[decision])[0]


def to_reads(*, session: Session, decisions: Sequence[Decision]) -> list[DecisionRead]:
    """Return the API shapes of decisions, their methods read in one query."""
    ids = {d.method_id for d in decisions}
    found = session.exec(select(Method).where(col(Method.id).in_(ids))).all() if ids else []
    labels = {m.id: m.nye_metoder_id for m in found}
    reads = []
    for decision in decisions:
        read = DecisionRead.model_validate(decision, from_attributes=True)
        read.nye_metoder_id = labels.get(decision.method_id)
        reads.append(read)
    return reads
