"""API shapes of individual-access cases: the three application forms, steps and reads.

The forms follow the source documents field by field: Part 2 of the Tilgangsordningen form
(002_e9fcae1246b76c56.txt L432–576), the exception scheme's criteria and price basis
(000_3134ab22afa02640.txt L259–276, L1093–1135) and the group-exception application
(000 L281–288). Part 1 (name, national identity number, signature, consent form) stays in the
patient record: there is no field for it, and every text is scanned for identifiers by the API.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, field_validator

from tracker.crud import VERSION_HELP
from tracker.individual import diagnosis
from tracker.individual.enums import (
    CaseState,
    ExceptionCriterion,
    Ground,
    LegalSex,
    Outcome,
    PriceBasis,
    PublicationStatus,
    Scheme,
    TreatmentGoal,
)
from tracker.methods.models import check_nye_metoder_id

# ÅÅÅÅ-MM-DD-Helseforetak-Avdeling (002 L441; the reference given on Part 1).
REFERENCE = re.compile(r"^\d{4}-\d{2}-\d{2}-[^-\s][^-]*-\S.*$")
TEXT = 4000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


Icd10 = Annotated[str, AfterValidator(diagnosis.normalise)]


class Justified(_In):
    """A criterion or ground ticked as met, with its justification."""

    met: bool = False
    justification: str | None = Field(default=None, max_length=TEXT)


class Literature(_In):
    title: str = Field(min_length=1, max_length=500)
    url: HttpUrl | None = None


class Approval(_In):
    """A line manager's or medical director's justification and approval (002 L560–570)."""

    name: str | None = Field(default=None, max_length=200)
    justification: str | None = Field(default=None, max_length=TEXT)
    approved: bool = False


# --- the application forms ---------------------------------------------------------------------


class AccessApplication(_In):
    """Part 2 of the Tilgangsordningen form. Fields may be left empty when it is received; the
    coordinator's completeness check lists what is missing (`missing`) and returns the case."""

    applicant: str | None = Field(default=None, max_length=200,
                                  description="Søkers navn (behandlingsansvarlig lege).")
    consent_confirmed: bool = Field(default=False, description="Pasienten har gitt samtykke.")
    legal_sex: LegalSex | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100,
                                   description="Fødselsår, fire siffer.")
    diagnosis_text: str | None = Field(default=None, max_length=500)
    history: str | None = Field(default=None, max_length=TEXT, description="Relevant sykehistorie.")
    functional_level: str | None = Field(default=None, max_length=TEXT)
    drug: str | None = Field(default=None, max_length=300,
                             description="Legemiddel slik det står i Felleskatalogen.")
    dose: str | None = Field(default=None, max_length=500)
    expected_duration: str | None = Field(default=None, max_length=300)
    treatment_goal: TreatmentGoal | None = None
    evaluation_plan: str | None = Field(default=None, max_length=TEXT)
    stop_criteria: str | None = Field(default=None, max_length=TEXT)
    drug_cost_per_month_nok: float | None = Field(default=None, ge=0)
    price_basis: PriceBasis | None = None
    other_costs_per_month_nok: float | None = Field(default=None, ge=0)
    extra_resources_or_savings: str | None = Field(default=None, max_length=TEXT)
    increased_benefit: Justified = Field(default_factory=Justified)
    higher_severity: Justified = Field(default_factory=Justified)
    special_medical_reasons: Justified = Field(default_factory=Justified)
    overall_assessment: str | None = Field(default=None, max_length=TEXT)
    literature: list[Literature] = Field(default_factory=list, max_length=30)
    line_manager: Approval = Field(default_factory=Approval)
    medical_director: Approval = Field(default_factory=Approval)
    concerns_group: bool = Field(
        default=False,
        description="The question is for a group of patients (outside the committee's mandate).",
    )

    @field_validator("birth_year")
    @classmethod
    def _four_digits(cls, value: int | None) -> int | None:
        if value is not None and not 1000 <= value <= 9999:
            raise ValueError("write the birth year with four digits, e.g. 1974")
        return value


class ExceptionApplication(_In):
    """An application for an exception for one patient, decided in the trust (000 L259–276)."""

    applicant: str | None = Field(default=None, max_length=200)
    marketing_authorisation: Justified = Field(default_factory=Justified)
    established_not_possible: Justified = Field(default_factory=Justified)
    substantially_greater_effect: Justified = Field(default_factory=Justified)
    price_basis: PriceBasis | None = None
    drug_cost_per_month_nok: float | None = Field(default=None, ge=0)
    dose: str | None = Field(default=None, max_length=500)
    expected_duration: str | None = Field(default=None, max_length=300)
    literature: list[Literature] = Field(default_factory=list, max_length=30)
    already_started_on: date | None = Field(
        default=None,
        description="When the patient started the method, if before the decision (000 L251–253).",
    )


class GroupApplication(_In):
    """An application for an exception for a defined group of patients (000 L281–288)."""

    clinical_group: str = Field(min_length=1, max_length=300,
                                description="Fagmiljøet som søker.")
    trusts: list[str] = Field(min_length=1, max_length=30,
                              description="The trusts whose management applies with it.")
    patient_group: str = Field(min_length=1, max_length=TEXT,
                               description="The patient group the exception is for.")
    justification: str = Field(min_length=1, max_length=TEXT)
    literature: list[Literature] = Field(default_factory=list, max_length=30)


class _CaseIn(_In):
    nye_metoder_id: str = Field(description="The method's Nye metoder ID, e.g. ID2025_012.")
    sending_trust: str = Field(min_length=1, max_length=120,
                               description="The health trust the application is sent from.")
    received_on: date | None = Field(default=None, description="Received (default today).")
    note: str | None = Field(default=None, max_length=TEXT)

    @field_validator("nye_metoder_id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_nye_metoder_id(value)


class AccessCaseCreate(_CaseIn):
    """A Tilgangsordningen application as received by Nye metoder."""

    reference: str = Field(max_length=120, description="ÅÅÅÅ-MM-DD-Helseforetak-Avdeling.")
    diagnosis_icd10: Icd10 = Field(description="ICD-10 code of the diagnosis, e.g. C34.1.")
    residence_trust: str | None = Field(default=None, max_length=120,
                                        description="Opptaksområde, if another trust's.")
    application: AccessApplication = Field(default_factory=AccessApplication)

    @field_validator("reference")
    @classmethod
    def _reference(cls, value: str) -> str:
        value = value.strip()
        if not REFERENCE.match(value):
            raise ValueError("write the reference as ÅÅÅÅ-MM-DD-Helseforetak-Avdeling, "
                             "e.g. 2025-05-06-Helse Bergen-Kreftavdelingen")
        return value


class ExceptionCaseCreate(_CaseIn):
    """An individual exception applied for in a trust (the trust with treatment responsibility)."""

    diagnosis_icd10: Icd10 = Field(description="ICD-10 code of the diagnosis, e.g. C34.1.")
    residence_trust: str | None = Field(default=None, max_length=120,
                                        description="The patient's catchment trust, if another.")
    reference: str | None = Field(default=None, max_length=120,
                                  description="The trust's own case number, if any.")
    application: ExceptionApplication = Field(default_factory=ExceptionApplication)


class GroupCaseCreate(_CaseIn):
    """A group exception applied for by a clinical group with at least one trust's management."""

    diagnosis_icd10: Icd10 | None = Field(default=None, description="ICD-10 code, if one.")
    reference: str | None = Field(default=None, max_length=120)
    application: GroupApplication


class ApplicationUpdate(_In):
    """Supplement a received or returned Tilgangsordningen application (or a draft exception)."""

    application: dict[str, Any] = Field(description="The fields to change, as in the form.")
    version: int = Field(ge=1, description=VERSION_HELP)


# --- steps -------------------------------------------------------------------------------------


class StepIn(_In):
    """Take the next step of a case. Which extra fields a step needs is in `allowed_next`."""

    to: CaseState = Field(description="The next state; see `allowed_next` of the case.")
    version: int = Field(ge=1, description=VERSION_HELP)
    at: date | None = Field(default=None, description="When it happened (default today).")
    note: str | None = Field(default=None, max_length=TEXT)
    justification: str | None = Field(default=None, max_length=TEXT)
    outcome: Outcome | None = Field(default=None, description="For a decision.")
    missing: list[str] = Field(default_factory=list, max_length=40,
                               description="What a returned application lacks.")
    literature_checked: bool | None = None
    prescription_category: str | None = Field(default=None, max_length=40)
    cost_per_month_nok: float | None = Field(default=None, ge=0)
    price_basis: PriceBasis | None = None
    meeting_id: int | None = Field(default=None, ge=1)
    indication_limits: str | None = Field(default=None, max_length=TEXT)


class CommitteeDecisionIn(_In):
    """The committee's decision on a case at its meeting, in the standard written form."""

    outcome: Outcome = Field(description="granted, refused or no_consensus.")
    consensus: bool = Field(description="Every member taking part agrees (002 L628, L686).")
    grounds: list[Ground] = Field(default_factory=list,
                                  description="The grounds of exceptionality found to be met.")
    justification: str = Field(min_length=1, max_length=TEXT)
    propose_subgroup_assessment: bool = Field(
        default=False, description="Propose a subgroup assessment in Nye metoder (002 L46–49).",
    )
    version: int = Field(ge=1, description=VERSION_HELP)


# --- reads -------------------------------------------------------------------------------------


class StepRead(BaseModel):
    from_state: str | None
    to_state: str
    at: date
    by: str
    role: str | None
    payload: dict[str, Any]
    note: str | None
    recorded_at: datetime


class NextStep(BaseModel):
    to: str
    roles: list[str]
    needs: list[str]
    may: bool


class CaseRead(BaseModel):
    id: int
    scheme: Scheme
    state: CaseState
    nye_metoder_id: str
    method: str
    reference: str | None
    diagnosis_icd10: str | None
    diagnosis_group: str | None
    sending_trust: str
    region: str
    residence_trust: str | None
    residence_region: str | None
    paying_trust: str | None
    received_on: date
    decided_on: date | None
    outcome: Outcome | None
    outcome_reason: str | None
    application: dict[str, Any]
    decision: dict[str, Any] | None
    meeting_id: int | None
    meeting_date: date | None
    publication_status: PublicationStatus | None
    missing: list[str]
    allowed_next: list[NextStep]
    steps: list[StepRead]
    withheld_fields: list[str]
    synthetic: bool
    created_at: datetime
    updated_at: datetime
    version: int


class GroupExceptionRead(BaseModel):
    """A group exception as published: current, previous or refused, with its limits."""

    id: int
    nye_metoder_id: str
    method: str
    status: PublicationStatus
    patient_group: str
    indication_limits: str | None
    clinical_group: str
    trusts: list[str]
    received_on: date
    decided_on: date | None
    ended_on: date | None
    reason: str | None


CRITERIA = tuple(ExceptionCriterion)
GROUNDS = tuple(Ground)
