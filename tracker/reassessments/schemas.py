"""API shapes of reassessment cases, their steps, decisions and phase-out plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from tracker.apispec import UNION_TAGS
from tracker.crud import VERSION_HELP
from tracker.reassessments.enums import CaseState, Outcome, PhaseOutStepKey


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseOpen(_In):
    at: date | None = Field(default=None, description="When the case was opened (default today).")
    note: str | None = None


class TransitionIn(_In):
    to: CaseState = Field(description="The next state; see `allowed_next` of the case.")
    note: str | None = None
    at: date | None = Field(default=None, description="When it happened (default today).")
    version: int = Field(ge=1, description=VERSION_HELP)


class _DecisionFields(_In):
    at: date | None = Field(default=None, description="Date of the Beslutningsforum meeting.")
    note: str | None = Field(default=None, description="Reference or summary of the decision.")
    version: int = Field(ge=1, description=VERSION_HELP)


class PermanentDecision(_DecisionFields):
    """Introduced permanently ("innføres"), possibly with criteria for use."""

    outcome: Literal["permanent"]
    criteria: str | None = Field(default=None, description="Start/stop criteria, if any.")


class PhaseOutDecision(_DecisionFields):
    """Not continued ("utfases"): no new patients from a date, per the exit plan."""

    outcome: Literal["phase_out"]
    new_patients_stop_date: date = Field(description="No new patients start from this date.")
    patients_on_treatment: str | None = Field(
        default=None, min_length=1,
        description="What happens to patients on treatment (default: the exit plan's text).",
    )
    follow_up_date: date = Field(description="When the phase-out is followed up.")


class RenegotiationDecision(_DecisionFields):
    """A new price negotiation (Sykehusinnkjøp); the result returns to Beslutningsforum."""

    outcome: Literal["renegotiation"]
    renegotiate: str = Field(min_length=1, description="What is to be renegotiated.")
    deadline: date = Field(description="When the negotiation must be finished.")


class Subgroup(_In):
    name: str = Field(min_length=1, max_length=200)
    criteria: str = Field(min_length=1, description="How patients in the subgroup are identified.")


class SubgroupContinuationDecision(_DecisionFields):
    """Continued for named subgroups only; phased out for the rest."""

    outcome: Literal["subgroup_continuation"]
    subgroups: list[Subgroup] = Field(min_length=1)
    rest_phaseout_date: date = Field(description="No new patients outside the subgroups from.")
    patients_on_treatment: str | None = Field(
        default=None, min_length=1,
        description="What happens to patients outside the subgroups who are on treatment "
                    "(default: the exit plan's text).",
    )
    follow_up_date: date | None = Field(default=None, description="When it is followed up.")


AnyDecision = Annotated[
    PermanentDecision | PhaseOutDecision | RenegotiationDecision | SubgroupContinuationDecision,
    Field(discriminator="outcome"),
]
UNION_TAGS.update({o.value for o in Outcome})


class DecisionIn(RootModel[AnyDecision]):
    """Beslutningsforum's decision; the fields depend on `outcome`."""


class StepDone(_In):
    at: date | None = Field(default=None, description="When it was done (default today).")
    note: str | None = None
    version: int = Field(ge=1, description=VERSION_HELP + " The step's version, from the plan.")


class StepRead(BaseModel):
    from_state: CaseState | None
    to_state: CaseState
    at: date
    by: str
    note: str | None
    recorded_at: datetime


class PhaseOutStepRead(BaseModel):
    id: int
    key: PhaseOutStepKey
    description: str
    due_date: date
    done_on: date | None
    done_by: str | None
    done_note: str | None
    version: int


class PhaseOutPlanRead(BaseModel):
    id: int
    case_id: int
    introduction_id: int
    outcome: Outcome
    new_patients_stop_date: date
    patients_on_treatment: str
    subgroups: list[Subgroup]
    steps: list[PhaseOutStepRead]


class CaseRead(BaseModel):
    id: int
    introduction_id: int
    state: CaseState
    state_label: str
    allowed_next: list[CaseState] = Field(description="The states the case may move to next.")
    opened_on: date
    opened_by: str
    follows_case_id: int | None
    follow_up_case_id: int | None = Field(description="The case a renegotiation opened.")
    due_date: date | None
    outcome: Outcome | None
    decision: dict[str, Any] | None
    decided_on: date | None
    decided_by: str | None
    steps: list[StepRead]
    phaseout_plan: PhaseOutPlanRead | None
    version: int
