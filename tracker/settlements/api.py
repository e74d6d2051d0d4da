"""HTTP endpoints of settlements and credit notes (procurement, forum and administrators)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from tracker.actor import current_actor
from tracker.apispec import ApiBlueprint
from tracker.db import get_session
from tracker.settlements import export, service
from tracker.settlements import schemas as s
from tracker.settlements.models import CreditNote, Settlement
from tracker.timeutil import today

bp = ApiBlueprint("settlements", __name__, tag="settlements", resource="settlements")


def _note(note: CreditNote) -> s.CreditNoteRead:
    steps = service.note_steps(session=get_session(), credit_note_id=note.id or 0)
    return s.CreditNoteRead.model_validate({
        **note.model_dump(), "steps": [st.model_dump() for st in steps]})


def _read(settlement: Settlement) -> s.SettlementRead:
    notes = service.credit_notes(session=get_session(), settlement_id=settlement.id or 0)
    return s.SettlementRead.model_validate({
        **settlement.model_dump(), "credit_notes": [_note(n) for n in notes]})


@bp.operation("/agreements/<int:agreement_id>/settlements", "POST",
              summary="Settle a period of an outcome-based agreement from the registry",
              body=s.SettlementIn, response=s.SettlementRead, status=201, errors=[409])
def create_settlement(agreement_id: int, body: s.SettlementIn) -> Any:
    settlement = service.create(session=get_session(), agreement_id=agreement_id,
                                period_start=body.period_start, as_of=body.as_of or today(),
                                actor=current_actor())
    return _read(settlement)


@bp.operation("/agreements/<int:agreement_id>/settlements", "GET",
              summary="The settlements of an agreement", response=s.SettlementList)
def list_settlements(agreement_id: int) -> Any:
    items = service.for_agreement(session=get_session(), agreement_id=agreement_id)
    return s.SettlementList(items=[_read(x) for x in items])


@bp.operation("/settlements/<int:settlement_id>", "GET", summary="A settlement and its notes",
              response=s.SettlementRead)
def get_settlement(settlement_id: int) -> Any:
    return _read(service.get(session=get_session(), settlement_id=settlement_id))


@bp.operation("/settlements/<int:settlement_id>/lines", "GET",
              summary="The patient lines of a settlement", query=s.LineQuery,
              response=s.LinePage)
def list_settlement_lines(settlement_id: int, query: s.LineQuery) -> Any:
    service.get(session=get_session(), settlement_id=settlement_id)
    rows, total = service.lines(session=get_session(), settlement_id=settlement_id,
                                health_trust=query.health_trust, limit=query.limit,
                                offset=query.offset)
    return s.LinePage(items=[s.LineRead.model_validate(r.model_dump()) for r in rows],
                      total=total, limit=query.limit, offset=query.offset)


class LineExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    health_trust: str | None = Field(default=None, max_length=120,
                                     description="Only this trust's lines.")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PAGE = 10000


def _all_lines(settlement_id: int, health_trust: str | None) -> list[Any]:
    service.get(session=get_session(), settlement_id=settlement_id)
    out: list[Any] = []
    while True:
        rows, total = service.lines(session=get_session(), settlement_id=settlement_id,
                                    health_trust=health_trust, limit=EXPORT_PAGE,
                                    offset=len(out))
        out += rows
        if not rows or len(out) >= total:
            return out


def _download(content: str | bytes, mimetype: str, name: str) -> Response:
    # Confidential amounts: not kept by a cache, also when fetched with the browser's session.
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.operation("/settlements/<int:settlement_id>/lines.csv", "GET",
              summary="The patient lines of a settlement as CSV (the API's keys and codes)",
              query=LineExportQuery, response_media="text/csv")
def export_settlement_lines_csv(settlement_id: int, query: LineExportQuery) -> Any:
    lines = _all_lines(settlement_id, query.health_trust)
    return _download(export.to_csv(lines), "text/csv", f"oppgjor-{settlement_id}-linjer.csv")


@bp.operation("/settlements/<int:settlement_id>/lines.xlsx", "GET",
              summary="The patient lines of a settlement as an Excel sheet (Norwegian headers)",
              query=LineExportQuery, response_media=XLSX)
def export_settlement_lines_xlsx(settlement_id: int, query: LineExportQuery) -> Any:
    lines = _all_lines(settlement_id, query.health_trust)
    return _download(export.to_xlsx(lines), XLSX, f"oppgjor-{settlement_id}-linjer.xlsx")


@bp.operation("/credit-notes/<int:credit_note_id>/transitions", "POST",
              summary="Move a credit note: issued, accepted or disputed (with a reason), settled",
              body=s.CreditNoteMove, response=s.CreditNoteRead, errors=[409])
def move_credit_note(credit_note_id: int, body: s.CreditNoteMove) -> Any:
    note = service.move_credit_note(session=get_session(), credit_note_id=credit_note_id,
                                    to=body.to, version=body.version, at=body.at or today(),
                                    actor=current_actor(), reason=body.reason)
    return _note(note)


class ReckoningQuery(BaseModel):
    year: int = Field(ge=2000, le=2100, description="The agreement year (the year it starts).")
    as_of: date | None = Field(default=None, description="Reckon as of (default today).")


@bp.operation("/agreements/<int:agreement_id>/reckoning", "GET",
              summary="What a price–volume or cap agreement owes for an agreement year",
              query=ReckoningQuery, response=s.ReckoningRead, errors=[409])
def reckon_agreement(agreement_id: int, query: ReckoningQuery) -> Any:
    from tracker.settlements import financial

    return s.ReckoningRead.model_validate(financial.reckon(
        session=get_session(), agreement_id=agreement_id, year=query.year,
        as_of=query.as_of or today()))
