"""The outcomes response: registry survival against the curve assumed at introduction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tracker.introductions.enums import Endpoint, TimeUnit

VerdictKind = Literal["consistent", "worse", "better", "too_little_data"]
ComparisonKind = Literal["more_events", "fewer_events", "consistent", "too_little_data"]
GroupBy = Literal["region", "health_trust", "subgroup"]
LandmarksSource = Literal["plan", "default"]
PreSpecificationRule = Literal["before_first_data_cut", "no_data_yet", "after_first_data_cut"]

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
    value: float | None = Field(description="Null if the curve never reaches 0.5; a limit is "
                                "null where it is not reached or not estimable (S = 0).")
    ci_lower: float | None
    ci_upper: float | None


class CurvePoint(BaseModel):
    time: float
    survival: float
    extrapolated: bool = Field(
        default=False, description="True past the longest follow-up: the curve is not checked "
        "against data there.")


class Assumed(BaseModel):
    distribution: str
    source: str | None
    curve: list[CurvePoint]
    median: float | None = Field(
        description="The assumed median, exactly (closed form; the crossing of a points curve). "
        "Null if the curve never falls to 0.5 within what it covers.")
    covers_until: float | None = Field(
        default=None, description="How far the curve states an assumption: a points curve's "
        "last time (unless it reaches 0 there); null for a parametric curve (all times).")


class Landmark(BaseModel):
    time: float
    km: float | None = Field(description="Null when follow-up does not reach the landmark.")
    ci_lower: float | None
    ci_upper: float | None
    assumed: float | None
    assumed_inside_ci: bool | None
    at_risk: int | None


class PlanCheck(BaseModel):
    """The analysis plan the answer follows: where its landmarks came from, and whether the
    plan was registered before the data (`tracker.introductions.plans`)."""

    landmarks_source: LandmarksSource
    landmarks_months: list[float] = Field(description="The landmarks used, in months.")
    version_no: int | None = Field(description="The plan version in force; null: no plan.")
    registered_at: datetime | None
    pre_specified: bool | None = Field(
        description="Registered no later than the first delivery's data cut; null: no plan.")
    pre_specification: PreSpecificationRule | None = Field(
        description="The rule that decided `pre_specified`.")
    first_data_cut: date | None = Field(
        description="The data cut of the introduction's first registry delivery.")
    text: str = Field(description="Where the landmarks came from, in words.")
    text_nb: str
    warning: str | None = Field(
        description="Why the plan is not pre-specified; null when it is (or there is none).")
    warning_nb: str | None


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
    verdict: VerdictKind = Field(
        description="The older four-word kind, whatever the endpoint: worse = more events than "
        "assumed, better = fewer. For time on treatment neither is simply worse or better: read "
        "`kind`, `meaning` and `label`.")
    label: str = Field(description="The verdict in Norwegian, for display, in the endpoint's "
                       "terms (e.g. 'Lengre behandlingstid enn antatt').")
    rule: str = Field(description="The rule and the numbers that produced the verdict.")
    rule_nb: str = Field(description="The same rule in Norwegian (bokmål), for display.")
    kind: ComparisonKind | None = Field(
        default=None, description="What the data say, for any endpoint: more events than "
        "assumed, fewer, consistent, or too little data.")
    code: str | None = Field(
        default=None, description="The rule that decided: oe_above, oe_below, oe_includes, "
        "few_events, short_follow_up, few_events_short_follow_up, no_assumption, or "
        "test_undefined.<reason> (survival_zero, no_expected_events, no_patients, failed).")
    meaning: str = Field(
        default="none", description="What the difference means for this endpoint: unfavourable, "
        "favourable, shorter_treatment, longer_treatment or none.")
    concern: bool = Field(
        default=False, description="Whether it calls for attention before the reassessment "
        "(the outcome-divergence flag is raised for it).")
    label_en: str | None = Field(default=None, description="The label in English.")
    restricted_to: float | None = Field(
        default=None, description="The test covers follow-up up to this time only: the assumed "
        "points curve ends there and assumes nothing after it.")


class HazardInterval(BaseModel):
    """Events per person-time in one interval (piecewise-constant hazard)."""

    start: float
    end: float
    events: int | None
    person_time: float
    hazard: float | None = Field(description="Events / person-time, per one time unit.")
    ci_lower: float | None = Field(description="Exact (Garwood) Poisson 95 % limits.")
    ci_upper: float | None
    assumed: float | None = Field(
        description="The assumed curve's average hazard over the interval, (H(end) - H(start)) "
        "/ (end - start); null where the curve assumes nothing.")


class HazardPoint(BaseModel):
    """The kernel-smoothed Nelson-Aalen hazard and the assumed hazard h(t) at one time."""

    time: float
    hazard: float | None
    ci_lower: float | None
    ci_upper: float | None
    edge: bool = Field(description="Within one bandwidth of 0 or the longest follow-up, where "
                       "the smoothed estimate is biased downwards.")
    assumed: float | None = Field(
        description="The assumed curve's hazard h(t); null for a step curve (it falls in jumps) "
        "and past a points curve's end.")


class Hazards(BaseModel):
    interval_length: float
    intervals: list[HazardInterval]
    bandwidth: float = Field(description="Epanechnikov kernel bandwidth: the longest follow-up "
                             "/ 8.")
    smoothed: list[HazardPoint]


class LogPoint(BaseModel):
    time: float
    log_time: float
    log_cumulative_hazard: float = Field(description="log(-log S(t)).")


class LogCumulativeHazard(BaseModel):
    """log(-log S(t)) against log t: a Weibull is a straight line of slope `shape`."""

    observed: list[LogPoint]
    assumed: list[LogPoint]
    assumed_slope: float | None = Field(
        description="The assumed curve's slope on these axes where it is a straight line "
        "(Weibull: shape; exponential: 1); null otherwise.")


class Extrapolation(BaseModel):
    """The assumed mean against what the data show, and what the rest of the curve must do."""

    rule: str = Field(description="already_reached, needs_constant_hazard, cannot_hold or "
                      "within_follow_up.")
    text: str
    text_nb: str
    tau: float = Field(description="The longest follow-up (or the curve's end if earlier).")
    horizon: float | None = Field(description="The model horizon; null for a lifetime horizon.")
    horizon_rule: str = Field(description="lifetime (the whole area, finite), curve_end (a "
                              "points curve's last time) or capped (40 years: the mean "
                              "diverges).")
    assumed_mean: float = Field(description="Area under the assumed curve over the horizon.")
    observed_rmst: RmstValue = Field(description="Kaplan-Meier RMST to tau.")
    assumed_rmst: float = Field(description="Assumed RMST to tau.")
    observed_survival: float
    assumed_survival: float
    assumed_tail: float | None = Field(description="Assumed area after tau.")
    required_tail: float | None = Field(
        description="The area after tau the remaining curve must add for the model's mean to "
        "hold, given the observed RMST.")
    share_beyond: float | None = Field(description="Share of the assumed mean after tau.")
    required_hazard: float | None = Field(
        description="The constant hazard after tau, from the observed S(tau), that adds exactly "
        "the required area; null if none can.")
    assumed_hazard: float | None = Field(
        description="The same for the assumed curve: the constant hazard from the assumed "
        "S(tau) that gives its tail area.")
    assumed_hazard_at_tau: float | None
    curve: list[CurvePoint] = Field(description="The assumed curve to the horizon, marked "
                                    "extrapolated past the longest follow-up.")


class Completeness(BaseModel):
    variable: str
    missing: int | None
    share: float | None = Field(description="Missing share of the delivery's patients.")
    flagged: bool = Field(description="More than 10 % missing.")


class MaturityStatus(BaseModel):
    rule: str = Field(description="mature, few_events, short_follow_up or "
                      "few_events_short_follow_up.")
    immature: bool
    events: float
    follow_up: float = Field(description="Median follow-up (reverse Kaplan-Meier), or the "
                             "longest follow-up where that median is not reached.")
    text: str
    text_nb: str


class Maturity(BaseModel):
    """Is there enough follow-up to decide, now and by the review date?"""

    n_patients: int | None
    events: int | None
    event_share: float | None
    median_follow_up: float | None = Field(description="Reverse Kaplan-Meier median.")
    still_at_risk: int | None = Field(
        description="Patients without the event at their last follow-up.")
    person_time: float
    data_cut: date
    review_date: date
    time_to_review: float = Field(description="From the data cut to the review date (0 if "
                                  "past), in the response's time unit.")
    expected_events_by_review: float | None = Field(
        description="Events expected between the data cut and the review date among patients "
        "without the event, under the assumed curve (assuming all are still followed and no "
        "new patients start); null without an assumed curve.")
    events_by_review: float | None
    person_time_by_review: float | None
    median_follow_up_by_review: float | None
    min_events: int
    first_landmark: float
    now: MaturityStatus
    at_review: MaturityStatus | None
    warning: bool = Field(description="The data will still be immature at the review date.")
    completeness: list[Completeness]


class DeliveryEvidence(BaseModel):
    """One delivery's evidence (current or superseded)."""

    delivery: DeliveryRef
    current: bool
    superseded_at: datetime | None
    suppressed: bool = Field(description="Too few patients to show for this selection.")
    n_patients: int | None
    n_events: int | None
    max_follow_up: float | None
    one_sample_logrank: OneSampleLogrank | None
    landmarks: list[Landmark]
    verdict: Verdict | None


class CalendarPoint(BaseModel):
    """O/E of the current delivery as it stood at one calendar date."""

    date: date
    observed: int | None
    expected: float | None
    ratio: float | None
    ratio_ci: tuple[float, float] | None


class History(BaseModel):
    """The evidence as it accumulated: every delivery's verdict, then O/E over calendar time."""

    deliveries: list[DeliveryEvidence] = Field(description="Oldest data cut first.")
    calendar: list[CalendarPoint] = Field(
        description="Cumulative O/E of the current delivery at the end of every quarter and at "
        "the data cut, as if the data had been cut then.")


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
    landmarks_source: LandmarksSource = Field(
        default="default", description="plan: the landmarks of the analysis plan in force; "
        "default: 12, 24 and 36 months, as no plan sets any.")
    analysis_plan: PlanCheck | None = Field(
        default=None, description="The plan the landmarks came from, and whether it was "
        "registered before the data.")
    rmst: Rmst | None
    one_sample_logrank: OneSampleLogrank | None
    verdict: Verdict
    small_counts_suppressed: bool = Field(
        description="Counts under 5 are hidden for users without access to patient-level data."
    )
    counts_rounded_to: int | None = Field(
        default=None, description="For users without access to patient-level data every number "
        "is computed from counts rounded to this base (5), so that no count under 5 can be "
        "derived from the answer; null: exact counts.")
    hazards: Hazards | None = None
    log_cumulative_hazard: LogCumulativeHazard | None = None
    extrapolation: Extrapolation | None = None
    maturity: Maturity | None = None
    history: History | None = None


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
    landmarks_source: LandmarksSource = Field(
        default="default", description="Where each group's landmarks came from (see Outcomes).")
