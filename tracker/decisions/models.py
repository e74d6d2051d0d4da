"""A decision in Beslutningsforum on a method. New decisions add to the history."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from pydantic import ConfigDict, model_validator
from sqlmodel import Field, SQLModel

from tracker.crud import VERSION_HELP, not_null
from tracker.decisions.enums import DecisionOutcome
from tracker.models_base import RecordMixin, enum_column


class DecisionBase(SQLModel):
    decision_date: date = Field(description="The date of the Beslutningsforum meeting.")
    outcome: DecisionOutcome = Field(sa_type=enum_column())
    indication: str | None = Field(
        default=None, max_length=500, description="The indication decided on, when not all."
    )
    start_criteria: str | None = Field(default=None, sa_type=sa.Text)
    stop_criteria: str | None = Field(default=None, sa_type=sa.Text)
    effective_date: date | None = Field(
        default=None,
        description="From when the decision applies (e.g. when the new price applies).",
    )
    decision_text: str = Field(min_length=1, sa_type=sa.Text)
    reference: str | None = Field(default=None, max_length=500, description="Link or case number.")


def _effective_not_before_decision(model: SQLModel) -> SQLModel:
    decided = getattr(model, "decision_date", None)
    effective = getattr(model, "effective_date", None)
    if decided and effective and effective < decided:
        raise ValueError(
            f"effective_date {effective} is before decision_date {decided}; a decision cannot "
            "apply before it is made."
        )
    return model


class Decision(DecisionBase, RecordMixin, table=True):
    """A Beslutningsforum decision ("beslutning") on a method."""

    __tablename__ = "decision"

    method_id: int = Field(foreign_key="method.id", index=True, ondelete="RESTRICT")


class DecisionCreate(DecisionBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    method_id: int = Field(ge=1)

    _check_dates = model_validator(mode="after")(_effective_not_before_decision)


class DecisionUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    decision_date: date | None = None
    outcome: DecisionOutcome | None = None
    indication: str | None = Field(default=None, max_length=500)
    start_criteria: str | None = None
    stop_criteria: str | None = None
    effective_date: date | None = None
    decision_text: str | None = Field(default=None, min_length=1)
    reference: str | None = Field(default=None, max_length=500)
    version: int = Field(ge=1, description=VERSION_HELP)

    _not_null = not_null("decision_date", "outcome", "decision_text")


class DecisionRead(DecisionBase):
    id: int
    method_id: int
    nye_metoder_id: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int
