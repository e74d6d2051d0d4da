"""Settle an outcome-based agreement for a period from its introduction's registry delivery.

Who counts and what they bring is `tracker.analytics.settlement`; this module reads the
delivery, writes the lines (new patients of the period, and adjustments of patients settled
before whose class has changed since), and one credit note per trust.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.agreements import service as agreements_service
from tracker.agreements.enums import AgreementType
from tracker.agreements.schemas import PaymentByResultTerms
from tracker.analytics.settlement import Terms, classify, refunds
from tracker.crud import apply_values, check_version, get_or_404
from tracker.db import driver_rows
from tracker.errors import Conflict, InvalidInput, field_error
from tracker.feeds import storage
from tracker.feeds.models import FeedDelivery, FeedRecord
from tracker.settlements.enums import TRANSITIONS, CreditNoteState, LineKind
from tracker.settlements.models import CreditNote, CreditNoteStep, Settlement, SettlementLine
from tracker.timeutil import nb_date, utcnow

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


UNKNOWN_TRUST = "ukjent helseforetak"
# The feed column each counting event is read from.
EVENT_COLUMNS = {"progression": "progression_date", "death": "death_date",
                 "stop_progression": "treatment_stop", "stop_toxicity": "treatment_stop"}


def current_delivery(
    *, session: Session, introduction_id: int, events: tuple[str, ...] = (),
) -> FeedDelivery | None:
    """Return the current delivery to settle from: of the introduction's deliveries that are
    not superseded (one per source), the one that records most of the counting events'
    columns, then the newest data cut (a source without progression dates cannot show a
    non-responder by progression)."""
    current = list(session.exec(select(FeedDelivery).where(
        FeedDelivery.introduction_id == introduction_id,
        col(FeedDelivery.superseded_at).is_(None),
    ).order_by(col(FeedDelivery.data_cut).desc(), col(FeedDelivery.id).desc())).all())
    if len(current) < 2 or not events:
        return current[0] if current else None
    columns = {EVENT_COLUMNS[e] for e in events}

    def recorded(delivery: FeedDelivery) -> int:
        counts = session.execute(sa.select(*[
            sa.func.count(getattr(FeedRecord, c)) for c in sorted(columns)
        ]).where(col(FeedRecord.delivery_id) == delivery.id)).one()
        return sum(1 for n in counts if n)

    return max(current, key=lambda d: (recorded(d), d.data_cut, d.id or 0))


def patients(*, session: Session, delivery_id: int, where: str = "",
             params: tuple[Any, ...] = ()) -> pd.DataFrame:
    """Return a delivery's patients with the columns the classification reads.

    Straight from the driver's cursor into columns (no row objects), as
    `tracker.outcomes.records.courses` reads them; `where` narrows the rows in SQL (with
    `?` for each parameter).
    """
    rows = driver_rows(session, f"SELECT {', '.join(COLUMNS)} FROM {FeedRecord.__tablename__} "
                       f"WHERE delivery_id = ? {where} ORDER BY row_no", (delivery_id, *params))
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    for name in ("treatment_start", "last_followup", "progression_date", "death_date",
                 "treatment_stop"):
        frame[name] = pd.to_datetime(frame[name])
    return frame


def _relevant(session: Session, agreement_id: int, delivery: FeedDelivery, start: date,
              end: date, window_days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read only the patients a settlement of this period can touch, and what was settled for
    them before: those whose window ends in the period, and those settled before whose class
    may have changed — every one of them when the delivery is new since, else only those
    still pending who can become something else on the same data: their window was still
    open, or they were settled as of a day before the delivery's data cut (so that events
    recorded after that day were not known yet). A patient pending because follow-up ends
    inside the window, settled on or after the data cut, stays pending until a new delivery
    (a responder or non-responder stays one on the same data)."""
    assert delivery.id is not None
    delivery_id = delivery.id
    first, last = start - timedelta(days=window_days), end - timedelta(days=window_days)
    settled_from = session.exec(select(col(Settlement.delivery_id)).where(
        Settlement.agreement_id == agreement_id).distinct()).all()
    if not settled_from:
        return (patients(session=session, delivery_id=delivery_id,
                         where="AND treatment_start BETWEEN ? AND ?", params=(first, last)),
                _previous(session, agreement_id, pending_only=True))
    if set(settled_from) != {delivery_id}:
        return (patients(session=session, delivery_id=delivery_id,
                         where="AND treatment_start <= ?", params=(last,)),
                _previous(session, agreement_id, pending_only=False))
    lines, settlements = SettlementLine.__tablename__, Settlement.__tablename__
    may_change = (f"SELECT l.patient_id FROM {lines} l JOIN {settlements} s ON s.id = "
                  "l.settlement_id WHERE l.agreement_id = ? AND l.patient_class = 'pending' "
                  "AND (l.reason = 'window_open' OR s.as_of < ?)")
    again = (agreement_id, delivery.data_cut)
    if not driver_rows(session, f"{may_change} LIMIT 1", again):
        # None: the period's own patients only, none of them settled before (a test of every
        # row against an empty set would double the time of reading them).
        frame = patients(session=session, delivery_id=delivery_id,
                         where="AND treatment_start BETWEEN ? AND ?", params=(first, last))
        return frame, _previous_frame([])
    frame = patients(session=session, delivery_id=delivery_id, where=(
        f"AND (treatment_start BETWEEN ? AND ? OR patient_id IN ({may_change}))"),
        params=(first, last, *again))
    return frame, _previous(session, agreement_id, pending_only=True)


def _previous(session: Session, agreement_id: int, *, pending_only: bool) -> pd.DataFrame:
    """Each settled patient's latest class, summed amount and original line (one row each),
    worked out in SQL; with `pending_only`, of the patients with a pending line only."""
    table = SettlementLine.__tablename__
    narrow = (f" AND patient_id IN (SELECT patient_id FROM {table} WHERE agreement_id = ? "
              "AND patient_class = 'pending')") if pending_only else ""
    return _previous_frame(driver_rows(
        session,
        f"SELECT l.patient_id, l.patient_class, t.total, t.original FROM {table} l JOIN "
        f"(SELECT MAX(id) AS last_id, SUM(amount_nok) AS total, "
        f"MIN(COALESCE(adjusts_line_id, id)) AS original FROM {table} "
        f"WHERE agreement_id = ?{narrow} GROUP BY patient_id) t ON l.id = t.last_id",
        (agreement_id, agreement_id) if pending_only else (agreement_id,)))


def _previous_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """`_previous`'s rows as a table indexed by patient."""
    frame = pd.DataFrame.from_records(rows, columns=["patient_id", "patient_class", "amount",
                                                     "original"])
    frame["amount"] = frame["amount"].astype(float)
    return frame.set_index("patient_id")


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
    delivery = current_delivery(session=session, introduction_id=agreement.introduction_id,
                                events=tuple(terms.counting_events))
    if delivery is None or delivery.id is None:
        raise Conflict("The introduction has no registry delivery to settle from.")
    if delivery.data_cut < end:
        raise Conflict(
            f"The current delivery's data cut ({nb_date(delivery.data_cut)}) is before the end "
            f"of the period ({nb_date(end)}): patients whose window ends after it are not in the "
            "data yet. Settle the period when a delivery covers it.")
    window = 7 * terms.evaluation_window_weeks
    frame, previous = _relevant(session, agreement.id, delivery, start, end, window)
    rule = Terms(window_days=window,
                 events=tuple(terms.counting_events), subgroup=terms.subgroup,
                 agreement_start=np.datetime64(agreement.start_date))
    result = classify(frame, rule, np.datetime64(as_of))
    result["amount"] = refunds(result["class"], cost_per_window=cost,
                               share_percent=terms.refund_share_percent)
    settlement = Settlement(agreement_id=agreement.id, period_start=start, period_end=end,
                            as_of=as_of, delivery_id=delivery.id, created_by=actor)
    session.add(settlement)
    session.flush()
    assert settlement.id is not None
    settled = [(a, b) for a, b in session.exec(
        select(col(Settlement.period_start), col(Settlement.period_end)).where(
            Settlement.agreement_id == agreement.id, Settlement.id != settlement.id)).all()]
    lines = _lines(frame, result, previous, start, end, settled)
    lines = lines.assign(settlement_id=settlement.id, agreement_id=agreement.id,
                         delivery_id=delivery.id)
    if len(lines):
        _insert(session, lines)
    _credit_notes(session, settlement, lines, actor, as_of)
    settlement.totals = _totals(lines)
    session.add(settlement)
    session.flush()
    return settlement


def _lines(frame: pd.DataFrame, result: pd.DataFrame, previous: pd.DataFrame, start: date,
           end: date, settled: list[tuple[date, date]]) -> pd.DataFrame:
    """The lines of a new settlement: patients whose window ends in the period and were never
    settled; patients who first appear now although their window ended in a period settled
    before (registered late), as late originals; and an adjustment for each settled patient
    whose class or amount has changed."""
    pid = frame["patient_id"].astype(str)
    before = previous.reindex(pid.to_numpy())
    known = before["patient_class"].notna().to_numpy()
    window_end = result["window_end"].to_numpy(dtype="datetime64[D]")
    in_period = (window_end >= np.datetime64(start)) & (window_end <= np.datetime64(end))
    cls = result["class"].astype(str).to_numpy()
    amount = result["amount"].to_numpy()
    old_amount = pd.to_numeric(before["amount"]).fillna(0.0).to_numpy(dtype=float)
    changed = known & ((before["patient_class"].to_numpy() != cls)
                       | (np.round(old_amount, 2) != np.round(amount, 2)))
    late = np.zeros(len(frame), dtype=bool)
    for first, last in settled:
        late |= (window_end >= np.datetime64(first)) & (window_end <= np.datetime64(last))
    keep = (~known & (in_period | late)) | changed
    return pd.DataFrame({
        "kind": np.where(known, str(LineKind.adjustment), str(LineKind.original))[keep],
        "adjusts_line_id": before["original"].to_numpy()[keep],
        "patient_id": pid.to_numpy()[keep],
        "health_trust": frame["health_trust"].to_numpy()[keep],
        "treatment_start": frame["treatment_start"].to_numpy()[keep],
        "window_end": window_end[keep],
        "patient_class": cls[keep],
        "reason": result["reason"].astype(str).to_numpy()[keep],
        "event": result["event"].astype(str).to_numpy()[keep],
        "event_date": result["event_date"].to_numpy()[keep],
        "amount_nok": np.round(amount - old_amount, 2)[keep],
    })


LINE_COLUMNS = ("settlement_id", "agreement_id", "kind", "adjusts_line_id", "patient_id",
                "health_trust", "treatment_start", "window_end", "patient_class", "reason",
                "event", "event_date", "amount_nok", "delivery_id", "recorded_at")


def _recorded_at() -> str:
    """The time lines are recorded, in UTC, as the database stores it (without offset)."""
    return utcnow().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _rows(lines: pd.DataFrame, *, offset: bool) -> list[tuple[Any, ...]]:
    """The lines as tuples in LINE_COLUMNS order, built column by column: dates as ISO text,
    missing values as None, the time of recording in UTC (with its offset if `offset`)."""

    def text(values: npt.NDArray[Any]) -> list[Any]:
        out = np.datetime_as_string(values, unit="D").astype(object)
        out[np.isnat(values)] = None
        return list(out.tolist())

    def nullable(series: pd.Series) -> list[Any]:
        values = series.astype(object).to_numpy()
        values[pd.isna(values)] = None
        return list(values.tolist())

    stamp = _recorded_at()
    columns: dict[str, list[Any]] = {
        name: lines[name].tolist() for name in (
            "settlement_id", "agreement_id", "kind", "patient_id", "patient_class", "reason",
            "event", "amount_nok", "delivery_id")}
    columns["health_trust"] = nullable(lines["health_trust"])
    adjusts = pd.to_numeric(lines["adjusts_line_id"], errors="coerce").astype("Int64")
    columns["adjusts_line_id"] = nullable(adjusts)
    for name in ("treatment_start", "window_end", "event_date"):
        columns[name] = text(lines[name].to_numpy(dtype="datetime64[D]"))
    columns["recorded_at"] = [stamp + ("+00:00" if offset else "")] * len(lines)
    return list(zip(*(columns[name] for name in LINE_COLUMNS), strict=True))


def _arrow(lines: pd.DataFrame) -> pa.Table:
    """The lines as an Arrow table of the columns that differ from line to line (for the
    SQLite stage): dates as date32, missing values as nulls, the time of recording in UTC."""
    stamp = _recorded_at()
    columns: dict[str, pa.Array] = {
        name: pa.array(lines[name].astype(object).to_numpy(), pa.string())
        for name in ("kind", "patient_id", "patient_class", "reason", "event")}
    columns["health_trust"] = pa.array(lines["health_trust"].astype(object).to_numpy(),
                                       pa.string(), from_pandas=True)
    columns["adjusts_line_id"] = pa.array(
        pd.to_numeric(lines["adjusts_line_id"], errors="coerce").astype("Int64"), pa.int64())
    for name in ("treatment_start", "window_end", "event_date"):
        columns[name] = pa.array(lines[name].to_numpy(dtype="datetime64[D]"), pa.date32(),
                                 from_pandas=True)
    columns["amount_nok"] = pa.array(lines["amount_nok"].to_numpy(dtype=float), pa.float64())
    columns["recorded_at"] = pa.array(np.full(len(lines), stamp, dtype=object), pa.string())
    return pa.table(columns)


def _insert(session: Session, lines: pd.DataFrame) -> None:
    """Write the lines in the session's transaction with the database's bulk path: COPY on
    PostgreSQL; on SQLite, ADBC stages for many lines (`tracker.feeds.storage.stage_insert`),
    else one prepared statement run over all rows (no row objects)."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    table = SettlementLine.__tablename__
    names = ", ".join(LINE_COLUMNS)
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in _rows(lines, offset=True):
                copy.write_row(row)
        return
    slots = storage.stage_slots(connection, len(lines))
    if slots:
        # Many lines: staged by ADBC and copied in by one statement, as a large import is.
        storage.stage_insert(connection, table, _arrow(lines), max_stages=slots, constants={
            name: int(lines[name].iloc[0])
            for name in ("settlement_id", "agreement_id", "delivery_id")})
        return
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        marks = ", ".join("?" * len(LINE_COLUMNS))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                           _rows(lines, offset=False))
    finally:
        cursor.close()


def _totals(lines: pd.DataFrame) -> dict[str, Any]:
    originals = lines[lines["kind"] == LineKind.original]
    adjustments = lines[lines["kind"] == LineKind.adjustment]
    counts = {name: int((originals["patient_class"] == name).sum())
              for name in ("responder", "non_responder", "pending", "excluded")}
    return {"patients": len(originals), **counts, "adjustments": len(adjustments),
            "adjustment_amount_nok": round(float(adjustments["amount_nok"].sum()), 2),
            "amount_nok": round(float(lines["amount_nok"].sum()), 2)}


def _credit_notes(session: Session, settlement: Settlement, lines: pd.DataFrame,
                  actor: str, at: date) -> None:
    trusts = lines["health_trust"].fillna(UNKNOWN_TRUST)
    for trust, amount in lines.groupby(trusts, sort=True)["amount_nok"].sum().items():
        if round(float(amount), 2) == 0:
            continue  # nothing owed by or to this trust this period: no credit note
        note = CreditNote(settlement_id=settlement.id or 0, agreement_id=settlement.agreement_id,
                          health_trust=str(trust), amount_nok=round(float(amount), 2),
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
    if health_trust == UNKNOWN_TRUST:
        statement = statement.where(col(SettlementLine.health_trust).is_(None))
    elif health_trust:
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
