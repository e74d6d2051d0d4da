"""API shapes of registry feeds: deliveries with provenance, and patients' derived endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tracker.apispec import PageParams

# The multipart form of an upload, as the OpenAPI document describes it.
UPLOAD_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["file", "source", "data_cut"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The extract: CSV (comma or semicolon, UTF-8 with or without BOM) "
            "or Parquet; one row per patient's treatment course.",
        },
        "source": {
            "type": "string",
            "description": "Code of the data source that delivered it, e.g. INSPIRE or NPR.",
        },
        "data_cut": {
            "type": "string",
            "format": "date",
            "description": "The data cut (ISO date): no date in the file may be after it.",
        },
    },
}


class FeedWarning(BaseModel):
    """Something valid but worth knowing about an accepted extract."""

    column: str | None = None
    message: str
    count: int | None = Field(default=None, description="Rows or columns affected.")


class FeedDeliveryRead(BaseModel):
    """One imported extract with its provenance."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    introduction_id: int
    data_source_id: int
    source: str = Field(description="Code of the data source.")
    data_cut: date
    delivered_at: datetime
    file_name: str
    sha256: str
    row_count: int
    uploader: str
    synthetic: bool = Field(description="Generated demo data, not a real registry extract.")
    warnings: list[FeedWarning]
    extra_columns: list[str] = Field(description="Columns in the file that were not imported.")
    current: bool = Field(description="Used for analysis: not superseded by a later delivery.")
    superseded_at: datetime | None
    superseded_by_id: int | None


class FeedDeliveryQuery(PageParams):
    """Paging and an optional data-source filter for an introduction's deliveries."""

    source: str | None = Field(default=None, description="Only deliveries from this source.")


class PatientEndpoints(BaseModel):
    """One patient's treatment course with the endpoints derived at import (days from start)."""

    model_config = ConfigDict(from_attributes=True)

    row_no: int = Field(description="Row in the file (the header is row 1).")
    patient_id: str = Field(description="The registry's pseudonym, as delivered.")
    treatment_start: date
    last_followup: date
    treatment_stop: date | None
    progression_date: date | None
    death_date: date | None
    entry_date: date | None
    region: str | None
    health_trust: str | None
    subgroup: str | None
    os_days: int
    os_event: int = Field(description="1 death, 0 censored at last follow-up.")
    pfs_days: int
    pfs_event: int = Field(description="1 progression or death, 0 censored.")
    ttd_days: int
    ttd_event: int = Field(description="1 treatment stopped or death, 0 still on treatment.")
    entry_days: int = Field(description="Delayed entry: days from start to entry, 0 if none.")
