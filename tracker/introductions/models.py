"""Tables of a temporary introduction ("midlertidig innføring") and the parts fixed with it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.introductions.enums import IntroductionStatus
from tracker.models_base import JSONType, RecordMixin, enum_column
from tracker.timeutil import utcnow


class TemporaryIntroduction(RecordMixin, table=True):
    """Everything fixed when Beslutningsforum introduced a method temporarily."""

    __tablename__ = "temporary_introduction"

    decision_id: int = Field(foreign_key="decision.id", unique=True, ondelete="RESTRICT")
    method_id: int = Field(foreign_key="method.id", index=True, ondelete="RESTRICT")
    status: IntroductionStatus = Field(
        default=IntroductionStatus.active, sa_type=enum_column(), index=True
    )
    uncertainty: str = Field(sa_type=sa.Text)
    key_parameters: list[str] = Field(default_factory=list, sa_type=JSONType)
    documentation_duty: str = Field(max_length=200)
    review_date: date = Field(index=True)
    reassessment_criteria: str = Field(sa_type=sa.Text)
    phaseout_criteria: str = Field(sa_type=sa.Text)
    exit_new_patients: str = Field(sa_type=sa.Text)
    exit_patients_on_treatment: str = Field(sa_type=sa.Text)
    exit_subgroups: str | None = Field(default=None, sa_type=sa.Text)
    expected_patients_per_year: int | None = None
    expected_treatment_duration_months: float | None = None
    cost_per_qaly: float | None = None
    cost_per_qaly_low: float | None = None
    cost_per_qaly_high: float | None = None
    # "list_price" or "confidential_price" (see enums.PriceBasis); None (stored before the
    # basis was recorded) is read as confidential.
    cost_per_qaly_basis: str | None = Field(default=None, max_length=20)
    responsible_emails: list[str] = Field(default_factory=list, sa_type=JSONType)


class OutcomeMeasure(RecordMixin, table=True):
    """An outcome measure ("utfallsmål") fixed for the reassessment."""

    __tablename__ = "outcome_measure"

    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    name: str = Field(max_length=200)
    kind: str = Field(sa_type=enum_column())
    definition: str = Field(sa_type=sa.Text)
    data_source_id: int = Field(foreign_key="data_source.id", ondelete="RESTRICT")
    responsible_party: str = Field(max_length=200)
    data_expected_by: date | None = None


class Milestone(RecordMixin, table=True):
    """A dated milestone of the data-collection plan for one data source."""

    __tablename__ = "milestone"

    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    data_source_id: int = Field(foreign_key="data_source.id", ondelete="RESTRICT")
    description: str = Field(sa_type=sa.Text)
    expected_date: date = Field(index=True)
    data_cut: date | None = Field(default=None, description="The data cut the delivery covers.")
    responsible_party: str = Field(max_length=200)


class ReviewDateChange(SQLModel, table=True):
    """One entry in the history of an introduction's review date (append-only)."""

    __tablename__ = "review_date_change"

    id: int | None = Field(default=None, primary_key=True)
    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    old_date: date | None = None
    new_date: date
    reason: str = Field(sa_type=sa.Text)
    changed_by: str = Field(max_length=200)
    changed_at: datetime = Field(default_factory=utcnow)


class AnalysisPlanVersion(SQLModel, table=True):
    """A registered, frozen version of the pre-specified analysis plan."""

    __tablename__ = "analysis_plan_version"
    __table_args__ = (sa.UniqueConstraint("introduction_id", "version_no"),)

    id: int | None = Field(default=None, primary_key=True)
    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    version_no: int
    text: str = Field(sa_type=sa.Text)
    text_sha256: str = Field(max_length=64)
    landmarks_months: list[float] = Field(default_factory=list, sa_type=JSONType)
    registered_at: datetime = Field(default_factory=utcnow)
    registered_by: str = Field(max_length=200)
    superseded_at: datetime | None = None


class ModelAssumption(RecordMixin, table=True):
    """The survival curve the health-economic model assumed for one endpoint."""

    __tablename__ = "model_assumption"
    __table_args__ = (sa.UniqueConstraint("introduction_id", "endpoint"),)

    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    endpoint: str = Field(sa_type=enum_column(8))
    distribution: str = Field(sa_type=enum_column(20))
    parameters: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    points: list[list[float]] | None = Field(default=None, sa_type=JSONType)
    interpolation: str | None = Field(default=None, sa_type=enum_column(10))
    time_unit: str = Field(default="months", sa_type=enum_column(10))
    source: str | None = Field(default=None, sa_type=sa.Text)
