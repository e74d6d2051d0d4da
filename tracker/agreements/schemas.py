"""API shapes of price agreements: one model per agreement type, chosen by `type`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from tracker.agreements.enums import AgreementStatus, OecdCategory, OecdLevel, Visibility
from tracker.apispec import UNION_TAGS
from tracker.crud import VERSION_HELP

Percent = Annotated[float, Field(ge=0, le=100)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- terms per type ----------------------------------------------------------------------------


class FlatDiscountTerms(_In):
    """No terms beyond the discount itself."""


class PatientTier(_In):
    min_patients: int = Field(ge=0, description="Tier applies from this many patients a year.")
    discount_percent: Percent


class PriceVolumeTerms(_In):
    tiers: list[PatientTier] = Field(min_length=1)
    year_start_month: int = Field(default=1, ge=1, le=12, description="First month of the year.")
    cost_per_patient_nok: float | None = Field(
        default=None, gt=0, description="What one patient's treatment costs, for the rebate.")
    tier_mode: Literal["from_threshold", "whole_year"] = Field(
        default="from_threshold",
        description="A tier's discount from the patient who reaches it, or for the whole year.")

    @field_validator("tiers")
    @classmethod
    def _increasing(cls, tiers: list[PatientTier]) -> list[PatientTier]:
        counts = [t.min_patients for t in tiers]
        if counts != sorted(set(counts)):
            raise ValueError("tiers must have strictly increasing min_patients.")
        return tiers


class UnitTier(_In):
    min_units: int = Field(ge=0, description="Tier applies from this many units (packs) a year.")
    discount_percent: Percent


class VolumeDiscountTerms(_In):
    tiers: list[UnitTier] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _increasing(cls, tiers: list[UnitTier]) -> list[UnitTier]:
        counts = [t.min_units for t in tiers]
        if counts != sorted(set(counts)):
            raise ValueError("tiers must have strictly increasing min_units.")
        return tiers


class CapTerms(_In):
    annual_cap_nok: float = Field(gt=0, description="Spending above this a year is refunded.")
    applies_to: str = Field(default="all patients", min_length=1)
    monthly_cost_nok: float | None = Field(
        default=None, gt=0, description="Cost per patient-month on treatment, for the spending.")
    year_start_month: int = Field(default=1, ge=1, le=12, description="First month of the year.")


class IndicationPrice(_In):
    indication: str = Field(min_length=1)
    unit_price_nok: float = Field(gt=0)


class IndicationBasedTerms(_In):
    prices: list[IndicationPrice] = Field(min_length=1)


class IndicationWeight(_In):
    indication: str = Field(min_length=1)
    weight: float = Field(gt=0, le=1)
    discount_percent: Percent


class WeightedDiscountTerms(_In):
    weights: list[IndicationWeight] = Field(min_length=1)

    @field_validator("weights")
    @classmethod
    def _sum_to_one(cls, weights: list[IndicationWeight]) -> list[IndicationWeight]:
        total = sum(w.weight for w in weights)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"weights must add up to 1 (they add up to {total:g}).")
        return weights


CountingEvent = Literal["progression", "death", "stop_progression", "stop_toxicity"]


class PaymentByResultTerms(_In):
    """An outcome-based agreement: what makes a non-responder and what each one is refunded.

    The structured fields let the tracker compute the settlement from the registry feed
    (`tracker.settlements`); `response_criterion` says the same in words for readers."""

    refund_share_percent: float = Field(
        gt=0, le=100, description="Share refunded per documented non-responder (50 or 100 typical)."
    )
    evaluation_window_weeks: int = Field(ge=1, le=104)
    response_criterion: str = Field(min_length=1)
    kind: Literal["cost_sharing", "risk_sharing", "payment_by_result", "success_fee"] = Field(
        default="payment_by_result", description="The outcome-based agreement's kind.")
    counting_events: list[CountingEvent] = Field(
        default_factory=lambda: list[CountingEvent](["progression", "death"]), min_length=1,
        description="Events inside the window that make a patient a non-responder.")
    cost_per_window_nok: float | None = Field(
        default=None, gt=0, description="Drug cost per patient for the evaluation window.")
    units_per_window: float | None = Field(
        default=None, gt=0, description="Or: units per window, at the agreement's unit price.")
    settlement_period: Literal["quarter", "half_year", "year"] = "quarter"
    subgroup: str | None = Field(default=None, max_length=120,
                                 description="Only patients of this subgroup count.")
    pending_grace_days: int = Field(
        default=60, ge=0, le=365,
        description="Flag a pending patient whose window ended this long ago without data.")


class CoverageWithEvidenceTerms(_In):
    evidence_requirements: str = Field(min_length=1)
    interim_price_basis: str | None = None


# --- agreement per type ------------------------------------------------------------------------

CONFIDENTIAL_BY_DEFAULT = ("unit_price_nok", "discount_percent", "terms")
# The agreement's form and structure must be public (the framework for price agreements, point
# V b: `003_97107964a711e165.txt` L676-680); prices, discounts and terms may be withheld. The
# deadlines, calendar and flags show these fields to every logged-in role.
ALWAYS_PUBLIC = (
    "type",
    "oecd_category",
    "oecd_level",
    "status",
    "start_date",
    "end_date",
    "structure_description",
)
VISIBLE_FIELDS = (*ALWAYS_PUBLIC, "list_price_nok", "unit_price_nok", "discount_percent", "terms")


def default_visibility() -> dict[str, Visibility]:
    """Return the default marking: structure public, unit price, discount and terms confidential."""
    return {
        name: Visibility.confidential if name in CONFIDENTIAL_BY_DEFAULT else Visibility.public
        for name in VISIBLE_FIELDS
    }


def check_visibility(marks: dict[str, Visibility]) -> dict[str, Visibility]:
    unknown = sorted(k for k in marks if k not in VISIBLE_FIELDS and not k.startswith("terms."))
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(unknown)}; mark one of {', '.join(VISIBLE_FIELDS)} "
            "or a term as 'terms.<name>'."
        )
    structure = [k for k in ALWAYS_PUBLIC if marks.get(k) == Visibility.confidential]
    if structure:
        raise ValueError(
            f"{', '.join(structure)} describe the agreement's form and structure, which must be "
            "public (price agreement framework, point V b); only the list price, unit price, "
            "discount and terms may be marked confidential."
        )
    return marks


class _AgreementFields(_In):
    method_id: int = Field(ge=1)
    introduction_id: int | None = Field(default=None, ge=1)
    oecd_level: OecdLevel = OecdLevel.population
    status: AgreementStatus = AgreementStatus.active
    start_date: date
    end_date: date | None = None
    structure_description: str = Field(
        default="", description="The agreement's structure in plain words (always public)."
    )
    list_price_nok: float | None = Field(default=None, gt=0, description="Maximum price (AUP).")
    unit_price_nok: float | None = Field(default=None, gt=0, description="Agreed unit price.")
    discount_percent: Percent | None = None
    visibility: dict[str, Visibility] = Field(
        default_factory=dict, description="Overrides of the default public/confidential marking."
    )

    _check_visibility = field_validator("visibility")(
        classmethod(lambda cls, v: check_visibility(v))
    )

    @model_validator(mode="after")
    def _dates(self) -> _AgreementFields:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}.")
        return self


class FlatDiscountAgreement(_AgreementFields):
    type: Literal["flat_discount"]
    terms: FlatDiscountTerms = Field(default_factory=FlatDiscountTerms)


class PriceVolumeAgreement(_AgreementFields):
    type: Literal["price_volume"]
    terms: PriceVolumeTerms


class VolumeDiscountAgreement(_AgreementFields):
    type: Literal["volume_discount"]
    terms: VolumeDiscountTerms


class CapAgreement(_AgreementFields):
    type: Literal["cap"]
    terms: CapTerms


class IndicationBasedAgreement(_AgreementFields):
    type: Literal["indication_based"]
    terms: IndicationBasedTerms


class WeightedDiscountAgreement(_AgreementFields):
    type: Literal["weighted_discount"]
    terms: WeightedDiscountTerms


class PaymentByResultAgreement(_AgreementFields):
    type: Literal["payment_by_result"]
    terms: PaymentByResultTerms
    oecd_level: OecdLevel = OecdLevel.patient


class CoverageWithEvidenceAgreement(_AgreementFields):
    type: Literal["coverage_with_evidence"]
    terms: CoverageWithEvidenceTerms


AnyAgreement = Annotated[
    FlatDiscountAgreement
    | PriceVolumeAgreement
    | VolumeDiscountAgreement
    | CapAgreement
    | IndicationBasedAgreement
    | WeightedDiscountAgreement
    | PaymentByResultAgreement
    | CoverageWithEvidenceAgreement,
    Field(discriminator="type"),
]
UNION_TAGS.update(
    {
        "flat_discount",
        "price_volume",
        "volume_discount",
        "cap",
        "indication_based",
        "weighted_discount",
        "payment_by_result",
        "coverage_with_evidence",
    }
)


class AgreementCreate(RootModel[AnyAgreement]):
    """A new agreement; the fields of `terms` depend on `type`."""


class AgreementUpdate(_In):
    """Change an agreement; `terms` are validated against the agreement's type."""

    status: AgreementStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    structure_description: str | None = None
    list_price_nok: float | None = Field(default=None, gt=0)
    unit_price_nok: float | None = Field(default=None, gt=0)
    discount_percent: Percent | None = None
    oecd_level: OecdLevel | None = None
    terms: dict[str, Any] | None = None
    visibility: dict[str, Visibility] | None = None
    version: int = Field(ge=1, description=VERSION_HELP)

    @field_validator("visibility")
    @classmethod
    def _known(cls, value: dict[str, Visibility] | None) -> dict[str, Visibility] | None:
        return None if value is None else check_visibility(value)


class AgreementRead(BaseModel):
    """An agreement as a reader sees it: fields marked confidential are absent for readers who
    may not see them (listed in `withheld_fields`), never present with a blank value."""

    id: int
    method_id: int
    introduction_id: int | None
    type: str | None = None
    oecd_category: OecdCategory | None = None
    oecd_level: OecdLevel | None = None
    status: AgreementStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    structure_description: str | None = None
    list_price_nok: float | None = None
    unit_price_nok: float | None = None
    discount_percent: float | None = None
    terms: dict[str, Any] | None = None
    visibility: dict[str, Visibility]
    withheld_fields: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    version: int
