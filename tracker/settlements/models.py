"""Tables of settlements: one per agreement and period, its patient lines and credit notes.

Lines are append-only. When a newer delivery changes the class of a patient whose line belongs
to an earlier settlement (a late death, a corrected progression date), the next settlement gets
an adjustment line referring to the original one; the earlier settlement is never rewritten.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.models_base import JSONType, RecordMixin, enum_column
from tracker.timeutil import utcnow


class Settlement(RecordMixin, table=True):
    """The settlement of an outcome-based agreement for one period ("oppgjør")."""

    __tablename__ = "settlement"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "period_start"),)

    agreement_id: int = Field(foreign_key="price_agreement.id", index=True, ondelete="RESTRICT")
    period_start: date
    period_end: date
    as_of: date = Field(description="The classification is as of this day.")
    delivery_id: int = Field(foreign_key="feed_delivery.id", ondelete="RESTRICT")
    created_by: str = Field(max_length=200)
    totals: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class SettlementLine(SQLModel, table=True):
    """One patient in a settlement: class, event and amount, with the facts it came from."""

    __tablename__ = "settlement_line"

    id: int | None = Field(default=None, primary_key=True)
    settlement_id: int = Field(foreign_key="settlement.id", index=True, ondelete="CASCADE")
    agreement_id: int = Field(index=True)
    kind: str = Field(sa_type=enum_column(20))
    adjusts_line_id: int | None = Field(default=None, foreign_key="settlement_line.id",
                                        ondelete="RESTRICT")
    patient_id: str = Field(max_length=64, description="The feed's pseudonym.")
    health_trust: str | None = Field(default=None, max_length=120)
    treatment_start: date
    window_end: date
    patient_class: str = Field(sa_type=enum_column(20))
    reason: str = Field(default="", sa_type=enum_column(40))
    event: str = Field(default="", sa_type=enum_column(20))
    event_date: date | None = None
    amount_nok: float = 0.0
    delivery_id: int
    recorded_at: datetime = Field(default_factory=utcnow)


class CreditNote(RecordMixin, table=True):
    """What the supplier credits one trust for one settlement ("kreditnota")."""

    __tablename__ = "credit_note"
    __table_args__ = (sa.UniqueConstraint("settlement_id", "health_trust"),)

    settlement_id: int = Field(foreign_key="settlement.id", index=True, ondelete="CASCADE")
    agreement_id: int = Field(index=True)
    health_trust: str = Field(max_length=120)
    amount_nok: float
    state: str = Field(sa_type=enum_column(20), index=True)
    dispute_reason: str | None = Field(default=None, sa_type=sa.Text)


class CreditNoteStep(SQLModel, table=True):
    """One move of a credit note, with who and when (append-only)."""

    __tablename__ = "credit_note_step"

    id: int | None = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="credit_note.id", index=True, ondelete="CASCADE")
    from_state: str | None = Field(default=None, sa_type=enum_column(20))
    to_state: str = Field(sa_type=enum_column(20))
    at: date
    by: str = Field(max_length=200)
    note: str | None = Field(default=None, sa_type=sa.Text)
    recorded_at: datetime = Field(default_factory=utcnow)
