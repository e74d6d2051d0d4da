"""API shapes of settlements, their lines and credit notes (confidential: amounts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tracker.crud import VERSION_HELP
from tracker.settlements.enums import CreditNoteState


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SettlementIn(_In):
    period_start: date = Field(description="First day of the period (quarter, half-year, year).")
    as_of: date | None = Field(default=None, description="Classify as of (default today).")


class CreditNoteMove(_In):
    to: CreditNoteState
    version: int = Field(ge=1, description=VERSION_HELP)
    at: date | None = Field(default=None, description="When (default today).")
    reason: str | None = Field(default=None, max_length=4000,
                               description="Why it is disputed (required for disputed).")


class CreditNoteStepRead(BaseModel):
    from_state: str | None
    to_state: str
    at: date
    by: str
    note: str | None
    recorded_at: datetime


class CreditNoteRead(BaseModel):
    id: int
    settlement_id: int
    agreement_id: int
    health_trust: str
    amount_nok: float
    state: CreditNoteState
    dispute_reason: str | None
    steps: list[CreditNoteStepRead]
    version: int


class SettlementRead(BaseModel):
    id: int
    agreement_id: int
    period_start: date
    period_end: date
    as_of: date
    delivery_id: int
    created_by: str
    totals: dict[str, Any]
    credit_notes: list[CreditNoteRead]
    created_at: datetime


class SettlementList(BaseModel):
    items: list[SettlementRead]


class LineRead(BaseModel):
    id: int
    settlement_id: int = Field(description="The settlement the line belongs to (an adjustment's "
                                           "original line is in an earlier one).")
    kind: str
    adjusts_line_id: int | None
    patient_id: str
    health_trust: str | None
    treatment_start: date
    window_end: date
    patient_class: str
    reason: str
    event: str
    event_date: date | None
    amount_nok: float
    delivery_id: int


class LineQuery(BaseModel):
    health_trust: str | None = Field(default=None, max_length=120)
    limit: int = Field(default=1000, ge=1, le=10000)
    offset: int = Field(default=0, ge=0)


class LinePage(BaseModel):
    items: list[LineRead]
    total: int
    limit: int
    offset: int


class TierReached(BaseModel):
    min_patients: int
    discount_percent: float
    reached_on: date | None


class TrustShare(BaseModel):
    health_trust: str
    patients: int
    rebate: float | None = None
    spending: float | None = None


class ReckoningRead(BaseModel):
    """A price–volume agreement's tiers and rebate, or a cap agreement's spending and excess."""

    agreement_id: int
    type: str
    year: int
    year_start: date
    as_of: date
    delivery_id: int
    patients: int
    tiers: list[TierReached] | None = None
    rebate_nok: float | None = None
    spending_nok: float | None = None
    cap_nok: float | None = None
    share_of_cap: float | None = None
    excess_nok: float | None = None
    per_trust: list[TrustShare]
