"""Import every table model so that SQLModel.metadata is complete (Alembic, tests)."""

from tracker.agreements.models import PriceAgreement
from tracker.audit.models import AuditEvent
from tracker.datasources.models import DataSource
from tracker.decisions.models import Decision
from tracker.feeds.models import FeedCount, FeedDelivery, FeedRecord
from tracker.flags.models import Flag, Notification, NotificationPreference
from tracker.individual.models import (
    AccessCase,
    AccessCaseStep,
    CommitteeMeeting,
    CommitteeMember,
    MeetingAttendance,
)
from tracker.introductions.models import (
    AnalysisPlanVersion,
    Milestone,
    ModelAssumption,
    OutcomeMeasure,
    ReviewDateChange,
    TemporaryIntroduction,
)
from tracker.methods.models import Method
from tracker.reassessments.models import (
    PhaseOutPlan,
    PhaseOutStep,
    ReassessmentCase,
    ReassessmentStep,
)
from tracker.schedule import JobRun
from tracker.settlements.models import (
    CreditNote,
    CreditNoteStep,
    Settlement,
    SettlementLine,
)
from tracker.users.models import ApiToken, LoginSession, LoginThrottle, User

__all__ = [
    "FeedCount",
    "ApiToken",
    "AuditEvent",
    "JobRun",
    "LoginSession",
    "LoginThrottle",
    "User",
    "AnalysisPlanVersion",
    "DataSource",
    "Decision",
    "FeedDelivery",
    "FeedRecord",
    "Method",
    "Milestone",
    "ModelAssumption",
    "OutcomeMeasure",
    "PriceAgreement",
    "ReviewDateChange",
    "TemporaryIntroduction",
    # flags and reassessments
    "Flag",
    "Notification",
    "NotificationPreference",
    "PhaseOutPlan",
    "PhaseOutStep",
    "ReassessmentCase",
    "ReassessmentStep",
    # individual access
    "AccessCase",
    "AccessCaseStep",
    "CommitteeMeeting",
    "CommitteeMember",
    "MeetingAttendance",
    # settlements
    "CreditNote",
    "CreditNoteStep",
    "Settlement",
    "SettlementLine",
]
