"""The public section's shapes: what anyone may read, field by field.

Each open dataset is a list of one of these rows, so its shape is declared once, documented from
the field descriptions (`/offentlig/data`) and written the same way as JSON and CSV. A field is
here because the public may see it: prices, discounts, refund shares, amounts, patient counts and
who did what are not fields of any of them.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class IntroductionRow(_Row):
    """One temporary introduction ("midlertidig innføring")."""

    id: int = Field(description="The introduction number: /offentlig/innforinger/{id}.")
    nye_metoder_id: str = Field(description="The method's Nye metoder ID, e.g. ID2021_901.")
    active_substance: str = Field(description="Active substance (virkestoff).")
    trade_name: str | None = Field(description="Trade name (handelsnavn).")
    therapeutic_area: str | None = Field(description="Therapeutic area (fagområde).")
    indication: str | None = Field(description="The indication the decision covers.")
    status: str = Field(description="active, under_reassessment or concluded.")
    decision_date: date = Field(description="Date of Beslutningsforum's decision.")
    review_date: date = Field(description="When the introduction is to be reassessed.")
    review_date_changes: int = Field(description="How many times the review date was changed.")
    latest_reassessment_outcome: str | None = Field(
        description="The outcome of the latest decided reassessment, if any.")


class ReviewDateChangeRow(_Row):
    """A review date as set or changed, with the reason given."""

    introduction_id: int
    nye_metoder_id: str
    old_date: date | None = Field(description="The review date before (empty: first set).")
    new_date: date = Field(description="The review date from then on.")
    reason: str = Field(description="Why it was set or changed.")
    changed_at: datetime = Field(description="When the change was recorded (UTC).")


class OutcomeMeasureRow(_Row):
    """An outcome measure fixed at introduction ("endepunkt")."""

    introduction_id: int
    name: str
    kind: str = Field(description="OS, PFS, TTD or another endpoint.")
    definition: str | None
    data_source: str = Field(description="Data source code, e.g. INSPIRE.")
    data_source_name: str
    responsible_party: str | None
    data_expected_by: date | None


class MilestoneRow(_Row):
    """A data milestone of the data-collection plan."""

    introduction_id: int
    data_source: str
    data_source_name: str
    description: str
    expected_date: date = Field(description="When the data are expected.")
    data_cut: date | None = Field(description="The data cut the delivery is to cover.")
    responsible_party: str | None
    delivered: bool = Field(description="A delivery from the source covers the data cut.")


class DeliveryRow(_Row):
    """A registry extract that has arrived: its dates, never its data."""

    introduction_id: int
    data_source: str
    data_source_name: str
    data_cut: date = Field(description="The extract's data cut.")
    delivered_on: date = Field(description="When the extract was received.")
    superseded: bool = Field(description="Replaced by a later extract of the same data cut.")


class ReassessmentRow(_Row):
    """A reassessment ("revurdering") of a temporary introduction and its outcome."""

    introduction_id: int
    nye_metoder_id: str
    opened_on: date
    state: str = Field(description="Where the reassessment stands (decided when done).")
    outcome: str | None = Field(
        description="permanent, phase_out, renegotiation or subgroup_continuation.")
    decided_on: date | None
    criteria: str | None = Field(description="Criteria for use of a permanent introduction.")
    new_patients_stop_date: date | None = Field(
        description="No new patients from this date (phase-out, or outside the subgroups).")
    subgroups: str | None = Field(description="The subgroups that continue, '; '-separated.")
    follow_up_date: date | None
    note: str | None = Field(description="The decision's reference or summary.")


class AnalysisPlanRow(_Row):
    """A registered version of an introduction's analysis plan ("analyseplan")."""

    introduction_id: int
    nye_metoder_id: str
    version_no: int
    text: str = Field(description="The plan as registered, verbatim.")
    text_sha256: str = Field(description="SHA-256 of the text (UTF-8), to check it later.")
    landmarks_months: str | None = Field(description="Declared landmarks, '; '-separated.")
    registered_at: datetime = Field(description="When the version was frozen (UTC).")
    superseded_at: datetime | None
    pre_specified: bool | None = Field(
        description="Registered before the first delivery's data cut (empty: no data yet).")
    first_data_cut: date | None


class AgreementRow(_Row):
    """The structure of a price agreement ("prisavtale"): never a price, discount or amount."""

    id: int
    nye_metoder_id: str
    introduction_id: int | None
    type: str = Field(description="simple_discount, price_volume, payment_by_result, ...")
    oecd_category: str | None = Field(description="financial or performance_based (OECD).")
    oecd_level: str | None = Field(description="population or patient (OECD).")
    status: str
    start_date: date | None
    end_date: date | None
    outcome_based: bool = Field(description="Whether payment depends on patients' outcomes.")


class GroupExceptionRow(_Row):
    """A decided group exception ("gruppeunntak"), published as current, previous or refused."""

    id: int
    nye_metoder_id: str
    method: str
    status: str = Field(description="current, previous or refused.")
    patient_group: str
    indication_limits: str | None
    clinical_group: str
    trusts: str = Field(description="The applying trusts, '; '-separated.")
    received_on: date
    decided_on: date | None
    ended_on: date | None
    reason: str | None


class CommitteeDecisionRow(_Row):
    """An anonymised decision of the assessment committee (Tilgangsordningen).

    No sex, birth year, trust, region or date: only what the decision was about and how it went.
    Method and diagnosis group are left empty where showing them would give a count under 5."""

    scheme: str
    nye_metoder_id: str | None = Field(description="Empty when withheld (see `level`).")
    method: str | None
    diagnosis_group: str | None = Field(description="ICD-10 chapter; empty when withheld.")
    outcome: str = Field(description="granted, refused or no_consensus.")
    grounds: str | None = Field(description="The grounds found met, '; '-separated.")
    days_to_decision: int = Field(description="Days from receipt to the committee's decision.")


class StatisticsRow(_Row):
    """One row of a table of the individual-access statistics (empty count: fewer than 5)."""

    table: str = Field(description="year_region, diagnosis_group, method or scheme.")
    row_type: str = Field(description="cell, subtotal or total.")
    year: int | None
    region: str | None
    diagnosis_group: str | None
    method: str | None
    scheme: str | None
    granted: int | None
    refused: int | None
    total: int | None


class NewsEntry(_Row):
    """One entry of the public news feed."""

    key: str = Field(description="Stable id of the entry.")
    kind: str = Field(description="decision, review_date or reassessment.")
    introduction_id: int
    nye_metoder_id: str
    method: str
    at: datetime
    old_date: date | None = None
    new_date: date | None = None
    reason: str | None = None
    outcome: str | None = None
    text: str | None = None
