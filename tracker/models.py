"""Import every table model so that SQLModel.metadata is complete (Alembic, tests)."""

from tracker.agreements.models import PriceAgreement
from tracker.datasources.models import DataSource
from tracker.decisions.models import Decision
from tracker.introductions.models import (
    AnalysisPlanVersion,
    Milestone,
    ModelAssumption,
    OutcomeMeasure,
    ReviewDateChange,
    TemporaryIntroduction,
)
from tracker.methods.models import Method

__all__ = [
    "AnalysisPlanVersion",
    "DataSource",
    "Decision",
    "Method",
    "Milestone",
    "ModelAssumption",
    "OutcomeMeasure",
    "PriceAgreement",
    "ReviewDateChange",
    "TemporaryIntroduction",
]
