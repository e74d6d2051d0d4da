"""Enumerations of price agreements."""

from enum import StrEnum


class AgreementType(StrEnum):
    """Kind of price agreement ("prisavtale"); all but flat discount are alternative agreements."""

    flat_discount = "flat_discount"  # flat rabatt
    price_volume = "price_volume"  # pris-volum
    volume_discount = "volume_discount"
    cap = "cap"  # takbegrensning
    indication_based = "indication_based"  # indikasjonsbasert pris
    weighted_discount = "weighted_discount"  # vektet rabatt
    payment_by_result = "payment_by_result"  # resultatbasert betaling
    coverage_with_evidence = "coverage_with_evidence"  # dekning med evidensutvikling


class OecdCategory(StrEnum):
    financial = "financial"
    performance_based = "performance_based"


class OecdLevel(StrEnum):
    patient = "patient"
    population = "population"


class AgreementStatus(StrEnum):
    draft = "draft"
    active = "active"
    expired = "expired"
    terminated = "terminated"


class Visibility(StrEnum):
    """Whether a field may be shown to the public ("offentlig") or is confidential ("unntatt")."""

    public = "public"
    confidential = "confidential"


PERFORMANCE_BASED = {AgreementType.payment_by_result, AgreementType.coverage_with_evidence}


def oecd_category_for(agreement_type: AgreementType) -> OecdCategory:
    """Return the OECD category a type of agreement belongs to."""
    if agreement_type in PERFORMANCE_BASED:
        return OecdCategory.performance_based
    return OecdCategory.financial


# How Norwegian users name the types and statuses, in messages the services write.
TYPE_NB: dict[str, str] = {
    AgreementType.flat_discount: "flat rabatt",
    AgreementType.price_volume: "pris–volum",
    AgreementType.volume_discount: "volumrabatt",
    AgreementType.cap: "takbegrensning",
    AgreementType.indication_based: "indikasjonsbasert pris",
    AgreementType.weighted_discount: "vektet rabatt",
    AgreementType.payment_by_result: "resultatbasert betaling",
    AgreementType.coverage_with_evidence: "dekning med evidensutvikling",
}
TYPE_EN: dict[str, str] = {
    AgreementType.flat_discount: "flat discount",
    AgreementType.price_volume: "price–volume",
    AgreementType.volume_discount: "volume discount",
    AgreementType.cap: "cap",
    AgreementType.indication_based: "indication-based price",
    AgreementType.weighted_discount: "weighted discount",
    AgreementType.payment_by_result: "payment by result",
    AgreementType.coverage_with_evidence: "coverage with evidence development",
}
STATUS_NB: dict[str, str] = {
    AgreementStatus.draft: "utkast",
    AgreementStatus.active: "aktiv",
    AgreementStatus.expired: "utløpt",
    AgreementStatus.terminated: "avsluttet",
}
