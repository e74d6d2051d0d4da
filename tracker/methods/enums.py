"""Enumerations of the method catalogue."""

from enum import StrEnum


class MethodType(StrEnum):
    """Kind of method ("metodetype")."""

    drug = "drug"
    device_or_diagnostic = "device_or_diagnostic"
    procedure = "procedure"


class MAStatus(StrEnum):
    """Marketing-authorisation status ("MT-status")."""

    full = "full"
    conditional = "conditional"
    exceptional = "exceptional"
    none = "none"
