"""Enumerations of temporary introductions."""

from enum import StrEnum


class IntroductionStatus(StrEnum):
    """Where a temporary introduction stands."""

    active = "active"  # temporarily introduced, collecting data
    under_reassessment = "under_reassessment"  # a reassessment case is open
    concluded = "concluded"  # reassessment decided (permanent, phase-out, ...)


class OutcomeKind(StrEnum):
    """Kind of outcome measure ("utfallsmål")."""

    OS = "OS"  # overall survival
    PFS = "PFS"  # progression-free survival
    TTD = "TTD"  # time on treatment / time to treatment discontinuation
    response = "response"
    PROM = "PROM"
    other = "other"


class Endpoint(StrEnum):
    """Time-to-event endpoints with assumed curves."""

    OS = "OS"
    PFS = "PFS"
    TTD = "TTD"


class TimeUnit(StrEnum):
    months = "months"
    days = "days"


class PriceBasis(StrEnum):
    """The price the health-economic model used for its cost per QALY.

    A cost per QALY computed with the confidential agreed price reveals that price, so it is
    confidential like the price itself; one computed with the public list price (maksimal AUP or
    LIS-AUP) is public.
    """

    list_price = "list_price"
    confidential_price = "confidential_price"
