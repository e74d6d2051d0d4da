"""Services of registry feeds: import extracts, keep their provenance, aggregate for analysis."""

from __future__ import annotations

import hashlib
import logging
import posixpath
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.crud import get_or_404
from tracker.datasources import service as datasources_service
from tracker.decisions.models import Decision
from tracker.errors import Conflict, InvalidInput, field_error
from tracker.feeds import counts as feed_counts
from tracker.feeds.aggregation import count_table, patients_started, regions
from tracker.feeds.identifiers import holds_identifier
from tracker.feeds.models import FeedDelivery, FeedRecord
from tracker.feeds.storage import insert_records
from tracker.feeds.validation import validate_extract
from tracker.introductions import service as introductions_service
from tracker.introductions.models import TemporaryIntroduction
from tracker.timeutil import today, utcnow

__all__ = [
    "count_table",
    "current_delivery",
    "deliveries",
    "get_delivery",
    "import_extract",
    "patient_endpoints",
    "patients_started",
    "regions",
]

log = logging.getLogger(__name__)


def _clean_file_name(file_name: str) -> str:
    name = posixpath.basename(file_name.replace("\\", "/")).strip()
    if not name:
        raise InvalidInput("The file has no name.", [field_error("file", "give the file a name")])
    if holds_identifier(name):
        raise InvalidInput(
            "The file name holds a fødselsnummer or D-number; rename the file.",
            [field_error("file", "the file name holds a direct identifier (not shown)")],
        )
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in name):
        # PostgreSQL cannot store a NUL, and no other control character belongs in a name.
        raise InvalidInput(
            "The file name holds a control character; rename the file.",
            [field_error("file", "the file name holds a control character (not shown)")],
        )
    return name[-255:]


def import_extract(
    *,
    session: Session,
    introduction_id: int,
    source_code: str,
    data_cut: date,
    file_name: str,
    content: bytes,
    uploader: str,
    synthetic: bool = False,
    as_of: date | None = None,
) -> tuple[FeedDelivery, bool]:
    """Validate and store a patient-level extract; return (delivery, created)."""
    intro = introductions_service.get(session=session, introduction_id=introduction_id)
    source = datasources_service.resolve_code(session=session, code=source_code, field="source")
    assert source.id is not None
    name = _clean_file_name(file_name)
    if data_cut > (as_of or today()):
        raise InvalidInput(
            "The data cut is in the future.",
            [field_error("data_cut", f"{data_cut.isoformat()} is after today")],
        )
    digest = hashlib.sha256(content).hexdigest()
    existing = _find(session, introduction_id, source.id, digest)
    if existing is not None:
        if existing.data_cut != data_cut:
            raise Conflict(
                f"This file was already imported as delivery {existing.id} with data cut "
                f"{existing.data_cut.isoformat()}; the same file cannot have another data cut.",
                {"delivery_id": existing.id},
            )
        return existing, False

    decision = session.get(Decision, intro.decision_id)
    try:
        extract = validate_extract(
            content, data_cut=data_cut, decision_date=decision.decision_date if decision else None
        )
    except InvalidInput as exc:
        # Counts only: a cell of the file must never reach the log.
        log.info("refused extract for introduction %s from %s: %s problem(s)",
                 introduction_id, source.code, getattr(exc, "total_problems", "?"))
        raise

    # Serialise imports per introduction (PostgreSQL row lock) so that two deliveries from one
    # source never both stay current; taken after validation to hold it briefly.
    session.exec(
        select(TemporaryIntroduction.id)
        .where(TemporaryIntroduction.id == intro.id)
        .with_for_update()
    ).first()
    delivery = FeedDelivery(
        introduction_id=introduction_id,
        data_source_id=source.id,
        data_cut=data_cut,
        delivered_at=utcnow(),
        file_name=name,
        sha256=digest,
        row_count=extract.n_rows,
        uploader=uploader[:200],
        synthetic=synthetic,
        warnings=extract.warnings,
        extra_columns=extract.extra_columns,
    )
    session.add(delivery)
    session.flush()
    assert delivery.id is not None
    insert_records(session=session, delivery_id=delivery.id, columns=extract.columns)
    feed_counts.store(session=session, delivery_id=delivery.id, columns=extract.columns)
    _supersede(session, delivery)
    session.flush()
    log.info("imported delivery %s for introduction %s from %s: %s rows",
             delivery.id, introduction_id, source.code, extract.n_rows)
    return delivery, True


def _find(
    session: Session, introduction_id: int, source_id: int, digest: str
) -> FeedDelivery | None:
    return session.exec(
        select(FeedDelivery).where(
            FeedDelivery.introduction_id == introduction_id,
            FeedDelivery.data_source_id == source_id,
            FeedDelivery.sha256 == digest,
        )
    ).first()


def _supersede(session: Session, new: FeedDelivery) -> None:
    """Keep one current delivery per source: the latest data cut (ties: the newest delivery)."""
    current = list(session.exec(
        select(FeedDelivery).where(
            FeedDelivery.introduction_id == new.introduction_id,
            FeedDelivery.data_source_id == new.data_source_id,
            col(FeedDelivery.superseded_at).is_(None),
        )
    ).all())
    winner = max(current, key=lambda d: (d.data_cut, d.id or 0))
    now = utcnow()
    for delivery in current:
        if delivery is not winner:
            delivery.superseded_at = now
            delivery.superseded_by_id = winner.id
            session.add(delivery)


def get_delivery(*, session: Session, delivery_id: int) -> FeedDelivery:
    """Return one delivery."""
    return get_or_404(session, FeedDelivery, delivery_id, label="Feed delivery")


def deliveries(
    *, session: Session, introduction_id: int, source_id: int | None = None
) -> list[FeedDelivery]:
    """List an introduction's deliveries, newest first, superseded ones included."""
    introductions_service.get(session=session, introduction_id=introduction_id)
    stmt = select(FeedDelivery).where(FeedDelivery.introduction_id == introduction_id)
    if source_id is not None:
        stmt = stmt.where(FeedDelivery.data_source_id == source_id)
    stmt = stmt.order_by(col(FeedDelivery.delivered_at).desc(), col(FeedDelivery.id).desc())
    return list(session.exec(stmt).all())


def current_delivery(
    *, session: Session, introduction_id: int, source_id: int | None
) -> FeedDelivery | None:
    """Return the delivery used for analysis: the newest data cut that is not superseded."""
    if source_id is None:  # a data source not stored yet has delivered nothing
        return None
    return session.exec(
        select(FeedDelivery)
        .where(
            FeedDelivery.introduction_id == introduction_id,
            FeedDelivery.data_source_id == source_id,
            col(FeedDelivery.superseded_at).is_(None),
        )
        .order_by(col(FeedDelivery.data_cut).desc(), col(FeedDelivery.id).desc())
    ).first()


def patient_endpoints(
    *, session: Session, delivery_id: int, limit: int, offset: int
) -> tuple[list[FeedRecord], int]:
    """Return one page of a delivery's patients with their derived endpoints, in file order."""
    get_delivery(session=session, delivery_id=delivery_id)
    total = session.exec(
        select(func.count()).select_from(FeedRecord).where(FeedRecord.delivery_id == delivery_id)
    ).one()
    rows = session.exec(
        select(FeedRecord)
        .where(FeedRecord.delivery_id == delivery_id)
        .order_by(col(FeedRecord.row_no))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def source_codes(*, session: Session, ids: set[int]) -> dict[int, Any]:
    """Return the codes of the data sources with these ids."""
    from tracker.datasources.models import DataSource

    if not ids:
        return {}
    rows = session.exec(select(DataSource).where(col(DataSource.id).in_(ids))).all()
    return {row.id: row.code for row in rows if row.id is not None}
