"""A method assessed in Nye metoder ("metode"), identified by its Nye metoder ID."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import ConfigDict, field_validator
from sqlmodel import Field, SQLModel

from tracker.crud import VERSION_HELP, not_null
from tracker.methods.enums import MAStatus, MethodType
from tracker.models_base import JSONType, RecordMixin, enum_column

NYE_METODER_ID = re.compile(r"^ID\d{4}_\d{3}[A-Za-z]?$")


def check_nye_metoder_id(value: str) -> str:
    """Validate an ID like ID2019_074 (optionally with a letter suffix, e.g. ID2019_074A)."""
    value = value.strip()
    if not NYE_METODER_ID.match(value):
        raise ValueError(
            f"'{value}' is not a Nye metoder ID; write it as ID followed by year, underscore and "
            "three digits, optionally a letter, e.g. ID2019_074 or ID2021_012B."
        )
    return value


class MethodBase(SQLModel):
    active_substance: str = Field(min_length=1, max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    indications: list[str] = Field(
        default_factory=list,
        sa_type=JSONType,
        description="The indications this ID covers; one Nye metoder ID may cover several.",
    )
    method_type: MethodType = Field(default=MethodType.drug, sa_type=enum_column())
    therapeutic_area: str | None = Field(default=None, max_length=120)
    ma_holder: str | None = Field(
        default=None, max_length=200, description="Marketing-authorisation holder (MT-holder)."
    )
    ma_status: MAStatus = Field(default=MAStatus.full, sa_type=enum_column())
    orphan: bool = False
    atmp: bool = Field(default=False, description="Advanced therapy medicinal product.")


class Method(MethodBase, RecordMixin, table=True):
    """A method in the Nye metoder system ("metode")."""

    __tablename__ = "method"

    nye_metoder_id: str = Field(max_length=12, unique=True, index=True)


class _IndicationChecks(SQLModel):
    @field_validator("indications", check_fields=False)
    @classmethod
    def _indications_nonblank(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        cleaned = [item.strip() for item in value]
        if any(not item for item in cleaned):
            raise ValueError("An indication cannot be blank; remove the empty entry.")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("Each indication may be listed once; remove the duplicate.")
        return cleaned


class MethodCreate(_IndicationChecks, MethodBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    nye_metoder_id: str = Field(description="Nye metoder ID, e.g. ID2019_074.")

    @field_validator("nye_metoder_id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_nye_metoder_id(value)


class MethodUpdate(_IndicationChecks, SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    _not_null = not_null(
        "active_substance", "indications", "method_type", "ma_status", "orphan", "atmp"
    )

    active_substance: str | None = Field(default=None, min_length=1, max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    indications: list[str] | None = None
    method_type: MethodType | None = None
    therapeutic_area: str | None = Field(default=None, max_length=120)
    ma_holder: str | None = Field(default=None, max_length=200)
    ma_status: MAStatus | None = None
    orphan: bool | None = None
    atmp: bool | None = None
    version: int = Field(ge=1, description=VERSION_HELP)


class MethodRead(MethodBase):
    id: int
    nye_metoder_id: str
    created_at: datetime
    updated_at: datetime
    version: int
