"""The outcomes response: registry survival against the curve assumed at introduction."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tracker.introductions.enums import Endpoint, TimeUnit

VerdictKind = Literal["consistent", "worse", "better", "too_little_data"]
GroupBy = Literal["region", "health_trust", "subgroup"]

VERDICT_LABELS_NB: dict[str, str] = {
    "consistent": "I tråd med antagelsene",
    "worse": "Dårligere enn antatt",
    "better": "Bedre enn antatt",
    "too_little_data": "For lite data",
}


class OutcomesQuery(BaseModel):
    """Query parameters of the outcomes endpoint."""

    model_config = ConfigDict(extra="forbid")

    endpoint: Endpoint = Field(description="OS, PFS or TTD.")
    source: str | None = Field(
        default=None, description="Data-source code; default: the endpoint's outcome measure."
    )
    subgroup: str | None = None
    region: str | None = None
    health_trust: str | None = None
    time_unit: TimeUnit = TimeUnit.months


class DeliveryRef(BaseModel):
    id: int
    source: str
    data_cut: date
    file_name: str


class KmStep(BaseModel):
    """One step of the Kaplan-Meier curve (95 % log(-log) band)."""

    time: float
    survival: float
    ci_lower: float | None
    ci_upper: float | None
    at_risk: int | None = Field(description="Null when suppressed (fewer than 5).")
    events: int | None
    censored: int | None
    assumed: float | None = Field(
        default=None,
        description="The curve assumed at introduction at this step's time (null without one).",
    )


class KaplanMeier(BaseModel):
    steps: list[KmStep]
    thinned: bool = Field(description="True if steps were thinned for display (max 0.005 error).")
    original_steps: int


class AtRisk(BaseModel):
    time: float
    at_risk: int | None


class Median(BaseModel):
    value: float | None = Field(description="Null if the curve never reaches 0.5.")
    ci_lower: float | None
    ci_upper: float | None


class CurvePoint(BaseModel):
    time: float
    survival: float


class Assumed(BaseModel):
    distribution: str
    source: str | None
    curve: list[CurvePoint]
    median: float | None


class Landmark(BaseModel):
    time: float
    km: float | None = Field(description="Null when follow-up does not reach the landmark.")
    ci_lower: float | None
    ci_upper: float | None
    assumed: float | None
    assumed_inside_ci: bool | None
    at_risk: int | None


class RmstValue(BaseModel):
    rmst: float
    se: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None


class Rmst(BaseModel):
    tau: float
    km: RmstValue
    assumed: RmstValue | None
    difference: float | None = Field(description="KM RMST minus assumed RMST.")


class OneSampleLogrank(BaseModel):
    observed: int
    expected: float
    ratio: float | None
    ratio_ci: tuple[float, float | None] | None
    chi2: float | None
    p_value: float | None


class Verdict(BaseModel):
    verdict: VerdictKind
    label: str = Field(description="The verdict in Norwegian, for display.")
    rule: str = Field(description="The rule and the numbers that produced the verdict.")
    rule_nb: str = Field(description="The same rule in Norwegian (bokmål), for display.")


class Outcomes(BaseModel):
    """Registry outcomes for one endpoint of one introduction, against its assumption."""

    introduction_id: int
    endpoint: Endpoint
    time_unit: TimeUnit
    delivery: DeliveryRef
    filters: dict[str, str]
    n_patients: int | None
    n_events: int | None
    max_follow_up: float
    km: KaplanMeier
    numbers_at_risk: list[AtRisk]
    median: Median
    assumed: Assumed | None
    landmarks: list[Landmark]
    rmst: Rmst | None
    one_sample_logrank: OneSampleLogrank | None
    verdict: Verdict
    small_counts_suppressed: bool = Field(
        description="Counts under 5 are hidden for users without access to patient-level data."
    )


class GroupSummary(BaseModel):
    group: str
    n_patients: int | None
    n_events: int | None
    median: Median | None
    landmarks: list[Landmark]
    suppressed: bool = Field(description="True if the group is too small to show (n < 5).")


class Breakdown(BaseModel):
    introduction_id: int
    endpoint: Endpoint
    time_unit: TimeUnit
    group_by: GroupBy
    delivery: DeliveryRef
    groups: list[GroupSummary]
    small_counts_suppressed: bool
