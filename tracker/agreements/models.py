"""Price agreements ("prisavtaler") for a method, including alternative (managed-entry) ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from tracker.models_base import JSONType, RecordMixin, enum_column


class PriceAgreement(RecordMixin, table=True):
    """A price agreement negotiated by Sykehusinnkjøp; structure public, unit price confidential."""

    __tablename__ = "price_agreement"

    method_id: int = Field(foreign_key="method.id", index=True, ondelete="RESTRICT")
    introduction_id: int | None = Field(
        default=None, foreign_key="temporary_introduction.id", index=True, ondelete="SET NULL"
    )
    type: str = Field(sa_type=enum_column())
    oecd_category: str = Field(sa_type=enum_column())
    oecd_level: str = Field(sa_type=enum_column())
    status: str = Field(sa_type=enum_column(), index=True)
    start_date: date
    end_date: date | None = Field(default=None, index=True)
    structure_description: str = Field(default="", sa_type=sa.Text)
    list_price_nok: float | None = None
    unit_price_nok: float | None = None
    discount_percent: float | None = None
    terms: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    visibility: dict[str, str] = Field(default_factory=dict, sa_type=JSONType)
