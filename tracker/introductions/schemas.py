"""API shapes of a temporary introduction: what a client sends and what it reads back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    TypeAdapter,
    field_validator,
    model_validator,
)

from tracker.apispec import UNION_TAGS
from tracker.crud import VERSION_HELP, not_null
from tracker.introductions.enums import (
    Endpoint,
    IntroductionStatus,
    OutcomeKind,
    PriceBasis,
    TimeUnit,
)

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- assumed survival curves -------------------------------------------------------------------


class _CurveBase(_In):
    version: int | None = Field(
        default=None,
        ge=1,
        description=(
            "When replacing a curve (PUT …/assumptions/{endpoint}): the version of the stored "
            "curve you read, from `assumptions.curves`; if it has changed since, the update is "
            "refused (409). Leave it out to set an endpoint's first curve, and when creating the "
            "introduction. In reads: the stored curve's version."
        ),
    )
    endpoint: Endpoint
    time_unit: TimeUnit = TimeUnit.months
    source: str | None = Field(
        default=None, description="Where the assumption comes from, e.g. the HTA report table."
    )


class RateParameters(_In):
    rate: PositiveFloat


class ScaleShapeParameters(_In):
    scale: PositiveFloat
    shape: PositiveFloat


class LogNormalParameters(_In):
    mu: float
    sigma: PositiveFloat


class GompertzParameters(_In):
    rate: PositiveFloat
    shape: float = Field(description="Non-zero; negative gives a curve that levels off (cure).")

    @field_validator("shape")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("Gompertz shape 0 is the exponential; use distribution 'exponential'.")
        return value


class ExponentialCurve(_CurveBase):
    """S(t) = exp(-rate t)."""

    distribution: Literal["exponential"]
    parameters: RateParameters


class WeibullCurve(_CurveBase):
    """S(t) = exp(-(t/scale)^shape)."""

    distribution: Literal["weibull"]
    parameters: ScaleShapeParameters


class LogNormalCurve(_CurveBase):
    """S(t) = 1 - Phi((ln t - mu)/sigma)."""

    distribution: Literal["lognormal"]
    parameters: LogNormalParameters


class LogLogisticCurve(_CurveBase):
    """S(t) = 1 / (1 + (t/scale)^shape)."""

    distribution: Literal["loglogistic"]
    parameters: ScaleShapeParameters


class GompertzCurve(_CurveBase):
    """S(t) = exp(-(rate/shape)(e^(shape t) - 1))."""

    distribution: Literal["gompertz"]
    parameters: GompertzParameters


class PointsCurve(_CurveBase):
    """A curve given as points [t, S], joined as steps or straight lines."""

    distribution: Literal["points"]
    points: list[tuple[float, float]] = Field(min_length=1)
    interpolation: Literal["step", "linear"]

    @field_validator("points")
    @classmethod
    def _monotone(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        last_t, last_s = -1.0, 1.0
        for i, (t, s) in enumerate(points):
            if t < 0:
                raise ValueError(f"point {i}: time {t} is negative; times start at 0.")
            if t <= last_t:
                raise ValueError(f"point {i}: time {t} is not after the previous time {last_t}.")
            if not 0 <= s <= 1:
                raise ValueError(f"point {i}: survival {s} is outside 0..1.")
            if s > last_s:
                raise ValueError(
                    f"point {i}: survival {s} rises above the previous value {last_s}; a "
                    "survival curve never increases."
                )
            last_t, last_s = t, s
        return points


CurveAssumption = Annotated[
    ExponentialCurve
    | WeibullCurve
    | LogNormalCurve
    | LogLogisticCurve
    | GompertzCurve
    | PointsCurve,
    Field(discriminator="distribution"),
]
CURVE_ADAPTER: TypeAdapter[Any] = TypeAdapter(CurveAssumption)
UNION_TAGS.update({"exponential", "weibull", "lognormal", "loglogistic", "gompertz", "points"})


class CostPerQaly(_In):
    """Cost per QALY in NOK at introduction, with the range of the sensitivity analyses."""

    value: float = Field(gt=0)
    low: float | None = Field(default=None, gt=0)
    high: float | None = Field(default=None, gt=0)
    price_basis: PriceBasis = Field(
        default=PriceBasis.confidential_price,
        description=(
            "The drug price the model used. `list_price` (maksimal AUP or LIS-AUP): the figures "
            "are public. `confidential_price` (the agreed price, the default): the figures would "
            "reveal the price, so only roles that may see confidential prices (procurement, "
            "Beslutningsforum, administrators) read them; others find "
            "`assumptions.cost_per_qaly` in `withheld_fields`."
        ),
    )

    @model_validator(mode="after")
    def _ordered(self) -> CostPerQaly:
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low {self.low} is above the value {self.value}.")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high {self.high} is below the value {self.value}.")
        return self


class Assumptions(_In):
    """The assumptions of the health-economic model at introduction ("antagelser")."""

    curves: list[CurveAssumption] = Field(default_factory=list)
    expected_patients_per_year: int | None = Field(default=None, ge=0)
    expected_treatment_duration_months: float | None = Field(default=None, gt=0)
    cost_per_qaly: CostPerQaly | None = None

    @field_validator("curves")
    @classmethod
    def _one_per_endpoint(cls, curves: list[Any]) -> list[Any]:
        seen = [c.endpoint for c in curves]
        dupes = sorted({e for e in seen if seen.count(e) > 1})
        if dupes:
            raise ValueError(f"one curve per endpoint; {', '.join(dupes)} appears more than once.")
        return curves


# --- nested parts ------------------------------------------------------------------------------


class ExitPlan(_In):
    """What happens if the method is not continued ("exit-plan")."""

    new_patients: str = Field(min_length=1)
    patients_on_treatment: str = Field(min_length=1)
    subgroups: str | None = None


class OutcomeMeasureIn(_In):
    name: str = Field(min_length=1, max_length=200)
    kind: OutcomeKind
    definition: str = Field(min_length=1)
    data_source: str = Field(description="Code of the data source, e.g. INSPIRE.")
    responsible_party: str = Field(min_length=1, max_length=200)
    data_expected_by: date | None = None


class OutcomeMeasureUpdate(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: OutcomeKind | None = None
    definition: str | None = Field(default=None, min_length=1)
    data_source: str | None = None
    responsible_party: str | None = Field(default=None, min_length=1, max_length=200)
    data_expected_by: date | None = None

    version: int = Field(ge=1, description=VERSION_HELP)

    _not_null = not_null("name", "kind", "definition", "data_source", "responsible_party")


class MilestoneIn(_In):
    data_source: str = Field(description="Code of the data source, e.g. NPR.")
    description: str = Field(min_length=1)
    expected_date: date
    data_cut: date | None = None
    responsible_party: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _cut_before_delivery(self) -> MilestoneIn:
        if self.data_cut and self.data_cut > self.expected_date:
            raise ValueError(
                f"data_cut {self.data_cut} is after expected_date {self.expected_date}; a delivery "
                "cannot cover data after it is delivered."
            )
        return self


class MilestoneUpdate(_In):
    data_source: str | None = None
    description: str | None = Field(default=None, min_length=1)
    expected_date: date | None = None
    data_cut: date | None = None
    responsible_party: str | None = Field(default=None, min_length=1, max_length=200)

    version: int = Field(ge=1, description=VERSION_HELP)

    _not_null = not_null("data_source", "description", "expected_date", "responsible_party")


class AnalysisPlanIn(_In):
    text: str = Field(
        min_length=1, description="The pre-specified analysis plan, frozen once sent."
    )
    landmarks_months: list[PositiveFloat] = Field(
        default_factory=lambda: [12.0, 24.0, 36.0],
        description="Landmark times (months) for survival comparisons.",
    )

    @field_validator("landmarks_months")
    @classmethod
    def _sorted_unique(cls, values: list[float]) -> list[float]:
        if sorted(set(values)) != list(values):
            raise ValueError("landmarks must be strictly increasing, e.g. [12, 24, 36].")
        return values


class _IntroductionFields(_In):
    uncertainty: str = Field(min_length=1, description="The uncertainty, identified and described.")
    key_parameters: list[str] = Field(
        default_factory=list, description="The parameters that drive the result."
    )
    documentation_duty: str = Field(
        min_length=1, max_length=200, description="Who must document (normally the MA holder)."
    )
    review_date: date = Field(description="When the method is to be reassessed.")
    reassessment_criteria: str = Field(min_length=1)
    phaseout_criteria: str = Field(min_length=1)
    exit_plan: ExitPlan
    responsible_emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN)]] = Field(
        default_factory=list, description="Who is notified about deadlines."
    )


class IntroductionCreate(_IntroductionFields):
    decision_id: int = Field(ge=1, description="The 'temporarily_introduced' decision.")
    outcome_measures: list[OutcomeMeasureIn] = Field(min_length=1)
    milestones: list[MilestoneIn] = Field(default_factory=list)
    assumptions: Assumptions = Field(default_factory=Assumptions)
    analysis_plan: AnalysisPlanIn | None = None


class IntroductionUpdate(_In):
    uncertainty: str | None = Field(default=None, min_length=1)
    key_parameters: list[str] | None = None
    documentation_duty: str | None = Field(default=None, min_length=1, max_length=200)
    review_date: date | None = None
    review_date_reason: str | None = Field(
        default=None, min_length=1, description="Required when review_date changes."
    )
    reassessment_criteria: str | None = Field(default=None, min_length=1)
    phaseout_criteria: str | None = Field(default=None, min_length=1)
    exit_plan: ExitPlan | None = None
    responsible_emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN)]] | None = None
    status: IntroductionStatus | None = None
    expected_patients_per_year: int | None = Field(default=None, ge=0)
    expected_treatment_duration_months: float | None = Field(default=None, gt=0)
    cost_per_qaly: CostPerQaly | None = None
    version: int = Field(ge=1, description=VERSION_HELP)

    _not_null = not_null(
        "uncertainty",
        "key_parameters",
        "documentation_duty",
        "review_date",
        "reassessment_criteria",
        "phaseout_criteria",
        "exit_plan",
        "responsible_emails",
        "status",
    )

    @model_validator(mode="after")
    def _reason_with_date(self) -> IntroductionUpdate:
        if self.review_date is not None and not self.review_date_reason:
            raise ValueError(
                "review_date_reason is required when review_date changes: say why the date moves."
            )
        return self


# --- read shapes -------------------------------------------------------------------------------


class OutcomeMeasureRead(OutcomeMeasureIn):
    model_config = ConfigDict(extra="ignore")

    id: int
    data_source_id: int
    version: int


class MilestoneRead(MilestoneIn):
    model_config = ConfigDict(extra="ignore")

    id: int
    data_source_id: int
    version: int


class ReviewDateChangeRead(BaseModel):
    old_date: date | None
    new_date: date
    reason: str
    changed_by: str
    changed_at: datetime


class AnalysisPlanRead(BaseModel):
    version_no: int
    text: str
    text_sha256: str
    landmarks_months: list[float]
    registered_at: datetime
    registered_by: str
    superseded_at: datetime | None
    pre_specified: bool = Field(
        description="Registered no later than the data cut of the introduction's first registry "
        "delivery (or before any delivery): false warns that the plan may have been written "
        "with the data in view.")
    pre_specification: Literal["before_first_data_cut", "no_data_yet", "after_first_data_cut"] = (
        Field(description="The rule that decided `pre_specified`."))
    first_data_cut: date | None = Field(
        description="The first delivery's data cut the registration was compared with; null "
                    "before any delivery.")


# The name under which a cost per QALY left out for a reader appears in `withheld_fields`.
COST_FIELD = "assumptions.cost_per_qaly"


class AssumptionsRead(BaseModel):
    curves: list[CurveAssumption]
    expected_patients_per_year: int | None
    expected_treatment_duration_months: float | None
    cost_per_qaly: CostPerQaly | None


class IntroductionSummary(BaseModel):
    """One row of the introductions list."""

    id: int
    decision_id: int
    method_id: int
    nye_metoder_id: str
    active_substance: str
    trade_name: str | None
    therapeutic_area: str | None
    status: IntroductionStatus
    decision_date: date
    review_date: date
    version: int


class IntroductionRead(IntroductionSummary):
    uncertainty: str
    key_parameters: list[str]
    documentation_duty: str
    reassessment_criteria: str
    phaseout_criteria: str
    exit_plan: ExitPlan
    responsible_emails: list[str]
    outcome_measures: list[OutcomeMeasureRead]
    milestones: list[MilestoneRead]
    assumptions: AssumptionsRead
    analysis_plan: AnalysisPlanRead | None = Field(description="The plan in force (latest).")
    analysis_plan_history: list[AnalysisPlanRead]
    review_date_history: list[ReviewDateChangeRead]
    withheld_fields: list[str] = Field(
        default_factory=list,
        description="Fields left out because this reader may not see confidential prices.",
    )
    created_at: datetime
    updated_at: datetime
