"""Settle an outcome-based agreement for a period from its introduction's registry delivery.

Who counts and what they bring is `tracker.analytics.settlement`; this module reads the
delivery, writes the lines (new patients of the period, and adjustments of patients settled
before whose class has changed since), and one credit note per trust.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from tracker.agreements import service as agreements_service
from tracker.agreements.enums import AgreementType
from tracker.agreements.schemas import PaymentByResultTerms
from tracker.analytics.settlement import Terms, classify, refunds
from tracker.crud import apply_values, check_version, get_or_404
from tracker.errors import Conflict, InvalidInput, field_error
from tracker.feeds.models import FeedDelivery, FeedRecord
from tracker.settlements.enums import TRANSITIONS, CreditNoteState, LineKind
from tracker.settlements.models import CreditNote, CreditNoteStep, Settlement, SettlementLine
from tracker.timeutil import nb_date

PERIOD_MONTHS = {"quarter": 3, "half_year": 6, "year": 12}
COLUMNS = ("patient_id", "health_trust", "treatment_start", "last_followup", "progression_date",
           "death_date", "treatment_stop", "stop_reason", "subgroup")


def period_of(start: date, period: str) -> tuple[date, date]:
    """Return the period starting on `start` (the first day of a quarter, half-year or year)."""
    months = PERIOD_MONTHS[period]
    if start.day != 1 or (start.month - 1) % months:
        first = list(range(1, 13, months))
        raise InvalidInput("A settlement period starts on the first day of the period.", [
            field_error("period_start", f"the agreement settles per {period.replace('_', ' ')};"
                        f" start on the 1st of month {', '.join(map(str, first))}")])
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return start, end


def _terms(agreement: Any) -> tuple[PaymentByResultTerms, float]:
    if agreement.type != AgreementType.payment_by_result:
        raise InvalidInput(
            "Only an outcome-based agreement (payment by result) is settled per patient.",
            [field_error("agreement_id", "choose such an agreement")])
    if agreement.introduction_id is None:
        raise InvalidInput("The agreement is not linked to a temporary introduction, so no "
                           "registry delivery tells who responded.",
                           [field_error("introduction_id", "link the agreement first")])
    terms = PaymentByResultTerms.model_validate(agreement.terms)
    cost = terms.cost_per_window_nok
    if cost is None and terms.units_per_window and agreement.unit_price_nok:
        cost = terms.units_per_window * agreement.unit_price_nok
    if cost is None:
        raise InvalidInput("The terms give no cost per patient for the window.", [field_error(
            "terms.cost_per_window_nok", "give the cost per window, or units per window and the "
                                         "agreement's unit price")])
    return terms, float(cost)


def current_delivery(*, session: Session, introduction_id: int) -> FeedDelivery | None:
    """Return the introduction's newest data cut that is not superseded (any source)."""
    return session.exec(select(FeedDelivery).where(
        FeedDelivery.introduction_id == introduction_id,
        col(FeedDelivery.superseded_at).is_(None),
    ).order_by(col(FeedDelivery.data_cut).desc(), col(FeedDelivery.id).desc())).first()


def patients(*, session: Session, delivery_id: int) -> pd.DataFrame:
    """Return a delivery's patients with the columns the classification reads."""
    statement = select(*[getattr(FeedRecord, c) for c in COLUMNS]).where(
        FeedRecord.delivery_id == delivery_id)
    frame = pd.DataFrame(session.exec(statement).all(), columns=list(COLUMNS))
    for name in ("treatment_start", "last_followup", "progression_date", "death_date",
                 "treatment_stop"):
        frame[name] = pd.to_datetime(frame[name])
    return frame


def _previous(session: Session, agreement_id: int) -> dict[str, tuple[str, float, int]]:
    """Each settled patient's latest class and amount, and the id of their original line."""
    latest: dict[str, tuple[str, float, int]] = {}
    amounts: dict[str, float] = {}
    rows = session.exec(select(SettlementLine).where(SettlementLine.agreement_id == agreement_id)
                        .order_by(col(SettlementLine.id))).all()
    for line in rows:
        original = line.adjusts_line_id or line.id or 0
        amounts[line.patient_id] = amounts.get(line.patient_id, 0.0) + line.amount_nok
        latest[line.patient_id] = (line.patient_class, amounts[line.patient_id], original)
    return latest


def _day(value: Any) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def create(
    *, session: Session, agreement_id: int, period_start: date, as_of: date, actor: str,
) -> Settlement:
    """Settle a period that is over: new patients' lines, adjustments, a credit note per trust."""
    agreement = agreements_service.get(session=session, agreement_id=agreement_id)
    terms, cost = _terms(agreement)
    start, end = period_of(period_start, terms.settlement_period)
    if as_of <= end:
        raise Conflict(f"The period {nb_date(start)}–{nb_date(end)} is not over; settle it from "
                       f"{nb_date(end + timedelta(days=1))}.")
    if session.exec(select(Settlement).where(Settlement.agreement_id == agreement_id,
                                             Settlement.period_start == start)).first():
        raise Conflict(f"The period from {nb_date(start)} is already settled for this agreement;"
                       " a later delivery is carried by the next period's adjustments.")
    assert agreement.introduction_id is not None and agreement.id is not None
    delivery = current_delivery(session=session, introduction_id=agreement.introduction_id)
    if delivery is None or delivery.id is None:
        raise Conflict("The introduction has no registry delivery to settle from.")
    frame = patients(session=session, delivery_id=delivery.id)
    rule = Terms(window_days=7 * terms.evaluation_window_weeks,
                 events=tuple(terms.counting_events), subgroup=terms.subgroup,
                 agreement_start=np.datetime64(agreement.start_date))
    result = classify(frame, rule, np.datetime64(as_of))
    result["amount"] = refunds(result["class"], cost_per_window=cost,
                               share_percent=terms.refund_share_percent)
    previous = _previous(session, agreement.id)
    settlement = Settlement(agreement_id=agreement.id, period_start=start, period_end=end,
                            as_of=as_of, delivery_id=delivery.id, created_by=actor)
    session.add(settlement)
    session.flush()
    window_end = result["window_end"].to_numpy(dtype="datetime64[D]")
    in_period = (window_end >= np.datetime64(start)) & (window_end <= np.datetime64(end))
    lines = []
    for i in range(len(frame)):
        pid = str(frame.at[i, "patient_id"])
        cls, amount = str(result.at[i, "class"]), float(result.at[i, "amount"])
        before = previous.get(pid)
        if before is None and not in_period[i]:
            continue
        if before is not None and (before[0], round(before[1], 2)) == (cls, round(amount, 2)):
            continue
        lines.append(SettlementLine(
            settlement_id=settlement.id or 0, agreement_id=agreement.id,
            kind=str(LineKind.original if before is None else LineKind.adjustment),
            adjusts_line_id=None if before is None else before[2], patient_id=pid,
            health_trust=frame.at[i, "health_trust"],
            treatment_start=_day(frame.at[i, "treatment_start"]) or start,
            window_end=_day(result.at[i, "window_end"]) or start, patient_class=cls,
            reason=str(result.at[i, "reason"]), event=str(result.at[i, "event"]),
            event_date=_day(result.at[i, "event_date"]),
            amount_nok=round(amount - (before[1] if before else 0.0), 2),
            delivery_id=delivery.id))
    session.add_all(lines)
    session.flush()
    _credit_notes(session, settlement, lines, actor, as_of)
    settlement.totals = _totals(lines)
    session.add(settlement)
    session.flush()
    return settlement


def _totals(lines: list[SettlementLine]) -> dict[str, Any]:
    originals = [line for line in lines if line.kind == LineKind.original]
    adjustments = [line for line in lines if line.kind == LineKind.adjustment]
    counts = {name: sum(line.patient_class == name for line in originals)
              for name in ("responder", "non_responder", "pending", "excluded")}
    return {"patients": len(originals), **counts, "adjustments": len(adjustments),
            "adjustment_amount_nok": round(sum(line.amount_nok for line in adjustments), 2),
            "amount_nok": round(sum(line.amount_nok for line in lines), 2)}


def _credit_notes(session: Session, settlement: Settlement, lines: list[SettlementLine],
                  actor: str, at: date) -> None:
    by_trust: dict[str, float] = {}
    for line in lines:
        trust = line.health_trust or "ukjent helseforetak"
        by_trust[trust] = by_trust.get(trust, 0.0) + line.amount_nok
    for trust, amount in sorted(by_trust.items()):
        note = CreditNote(settlement_id=settlement.id or 0, agreement_id=settlement.agreement_id,
                          health_trust=trust, amount_nok=round(amount, 2),
                          state=str(CreditNoteState.draft))
        session.add(note)
        session.flush()
        session.add(CreditNoteStep(credit_note_id=note.id or 0, to_state=str(
            CreditNoteState.draft), at=at, by=actor))


def get(*, session: Session, settlement_id: int) -> Settlement:
    """Return one settlement."""
    return get_or_404(session, Settlement, settlement_id, label="Settlement")


def for_agreement(*, session: Session, agreement_id: int) -> list[Settlement]:
    """Return an agreement's settlements, oldest period first."""
    agreements_service.get(session=session, agreement_id=agreement_id)
    return list(session.exec(select(Settlement).where(Settlement.agreement_id == agreement_id)
                             .order_by(col(Settlement.period_start))).all())


def lines(*, session: Session, settlement_id: int, health_trust: str | None = None,
          limit: int = 1000, offset: int = 0) -> tuple[list[SettlementLine], int]:
    """Return a page of a settlement's lines (one trust's, if given) and their number."""
    from sqlalchemy import func

    statement = select(SettlementLine).where(SettlementLine.settlement_id == settlement_id)
    if health_trust:
        statement = statement.where(SettlementLine.health_trust == health_trust)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(SettlementLine.id)).offset(offset).limit(limit))
    return list(rows.all()), int(total)


def credit_notes(*, session: Session, settlement_id: int) -> list[CreditNote]:
    """Return a settlement's credit notes, by trust."""
    return list(session.exec(select(CreditNote).where(CreditNote.settlement_id == settlement_id)
                             .order_by(col(CreditNote.health_trust))).all())


def note_steps(*, session: Session, credit_note_id: int) -> list[CreditNoteStep]:
    """Return the steps of a credit note in order."""
    return list(session.exec(select(CreditNoteStep).where(
        CreditNoteStep.credit_note_id == credit_note_id).order_by(col(CreditNoteStep.id))).all())


def move_credit_note(
    *, session: Session, credit_note_id: int, to: CreditNoteState, version: int, at: date,
    actor: str, reason: str | None = None,
) -> CreditNote:
    """Move a credit note on (draft → issued → accepted or disputed → settled)."""
    note = get_or_404(session, CreditNote, credit_note_id, label="Credit note")
    check_version(note, version, label="Credit note")
    allowed = TRANSITIONS[CreditNoteState(note.state)]
    if to not in allowed:
        raise Conflict(f"Credit note {note.id} is {note.state}; it can move to "
                       f"{', '.join(allowed) or 'nothing (it is settled)'}.",
                       {"state": note.state, "allowed": [str(a) for a in allowed]})
    if to == CreditNoteState.disputed and not (reason or "").strip():
        raise InvalidInput("Say why the credit note is disputed.",
                           [field_error("reason", "give the supplier's reason")])
    session.add(CreditNoteStep(credit_note_id=note.id or 0, from_state=note.state,
                               to_state=str(to), at=at, by=actor, note=reason))
    apply_values(note, {"state": str(to), "dispute_reason": reason if to ==
                        CreditNoteState.disputed else note.dispute_reason})
    session.add(note)
    session.flush()
    return note
