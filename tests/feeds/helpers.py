"""Build registry extracts for the tests: crafted patients whose endpoints are known by hand."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.feeds.models import FeedDelivery, FeedRecord

DATA_CUT = "2025-12-31"
COLUMNS = [
    "patient_id", "treatment_start", "last_followup", "health_trust", "region", "birth_year",
    "sex", "diagnosis", "subgroup", "treatment_line", "treatment_stop", "stop_reason",
    "progression_date", "death_date", "best_response", "entry_date",
]

# Five patients, one per situation the derived endpoints must handle; expected values by hand.
CRAFTED: list[dict[str, Any]] = [
    {  # died: progression, then stop for toxicity, then death
        "patient_id": "PSN-001", "treatment_start": "2024-04-01", "last_followup": "2024-10-01",
        "health_trust": "Oslo universitetssykehus HF", "region": "Helse Sør-Øst",
        "birth_year": "1958", "sex": "K", "diagnosis": "C34.1", "subgroup": "PD-L1 ≥ 50 %",
        "treatment_line": "2", "treatment_stop": "2024-08-01", "stop_reason": "toxicity",
        "progression_date": "2024-07-15", "death_date": "2024-10-01", "best_response": "PR",
        "entry_date": "",
    },
    {  # alive at the data cut, treatment completed, no progression: censored
        "patient_id": "PSN-002", "treatment_start": "2024-05-01", "last_followup": "2025-12-31",
        "health_trust": "Helse Bergen HF", "region": "HV", "birth_year": "1962", "sex": "M",
        "diagnosis": "C34", "subgroup": "PD-L1 1-49 %", "treatment_line": "2",
        "treatment_stop": "2024-11-01", "stop_reason": "completed", "progression_date": "",
        "death_date": "", "best_response": "CR", "entry_date": "",
    },
    {  # progression, then death while still on treatment (no stop date)
        "patient_id": "PSN-003", "treatment_start": "2024-06-01", "last_followup": "2025-01-01",
        "health_trust": "St. Olavs hospital HF", "region": "HMN", "birth_year": "1949",
        "sex": "F", "diagnosis": "C341", "subgroup": "PD-L1 ≥ 50 %", "treatment_line": "3",
        "treatment_stop": "", "stop_reason": "", "progression_date": "2024-09-01",
        "death_date": "2025-01-01", "best_response": "SD", "entry_date": "",
    },
    {  # still on treatment at the data cut
        "patient_id": "PSN-004", "treatment_start": "2025-01-15", "last_followup": "2025-12-31",
        "health_trust": "Universitetssykehuset Nord-Norge HF", "region": "Helse Nord",
        "birth_year": "1970", "sex": "M", "diagnosis": "C34.9", "subgroup": "PD-L1 1-49 %",
        "treatment_line": "2", "treatment_stop": "", "stop_reason": "", "progression_date": "",
        "death_date": "", "best_response": "NE", "entry_date": "",
    },
    {  # entered the registry's observation five months after starting (delayed entry)
        "patient_id": "PSN-005", "treatment_start": "2024-04-02", "last_followup": "2025-12-31",
        "health_trust": "Sykehuset Østfold HF", "region": "hsø", "birth_year": "1955",
        "sex": "k", "diagnosis": "C34.1", "subgroup": "PD-L1 ≥ 50 %", "treatment_line": "2",
        "treatment_stop": "2025-02-01", "stop_reason": "patient_choice", "progression_date": "",
        "death_date": "", "best_response": "pr", "entry_date": "2024-09-01",
    },
]

# (os_days, os_event, pfs_days, pfs_event, ttd_days, ttd_event, entry_days), counted by hand.
EXPECTED = {
    "PSN-001": (183, 1, 105, 1, 122, 1, 0),
    "PSN-002": (609, 0, 609, 0, 184, 1, 0),
    "PSN-003": (214, 1, 92, 1, 214, 1, 0),
    "PSN-004": (350, 0, 350, 0, 350, 0, 0),
    "PSN-005": (638, 0, 638, 0, 305, 1, 152),
}


def rows(index: int = 0, **changes: Any) -> list[dict[str, Any]]:
    """The crafted rows, with changes (column=value) to one row (default the first, row 2)."""
    out = [dict(row) for row in CRAFTED]
    out[index].update(changes)
    return out


def csv_bytes(
    records: list[dict[str, Any]], *, delimiter: str = ",", bom: bool = False,
    columns: list[str] | None = None,
) -> bytes:
    """Write records as CSV text the way a spreadsheet or registry would."""
    frame = pd.DataFrame(records, columns=columns or list(records[0]))
    text = frame.to_csv(index=False, sep=delimiter, lineterminator="\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def parquet_bytes(records: list[dict[str, Any]]) -> bytes:
    frame = pd.DataFrame(records)
    for name in ("treatment_start", "last_followup", "treatment_stop", "progression_date",
                 "death_date", "entry_date"):
        frame[name] = pd.to_datetime(frame[name].replace("", None)).dt.date
    frame["birth_year"] = frame["birth_year"].astype("int64")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def upload(
    client: Any, introduction_id: int, content: bytes, *, source: str = "INSPIRE",
    data_cut: str = DATA_CUT, name: str = "uttrekk.csv",
) -> Any:
    """POST an extract as multipart form data."""
    return client.post(
        f"/api/v1/introductions/{introduction_id}/feeds",
        data={"file": (io.BytesIO(content), name), "source": source, "data_cut": data_cut},
        content_type="multipart/form-data",
    )


def stored(app: Any) -> tuple[int, int]:
    """Count deliveries and patient rows in the database."""
    with Session(app.extensions["tracker_engine"]) as session:
        deliveries = session.exec(select(func.count()).select_from(FeedDelivery)).one()
        records = session.exec(select(func.count()).select_from(FeedRecord)).one()
    return int(deliveries), int(records)
