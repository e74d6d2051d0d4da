"""Registry extracts built from per-patient arrays, imported through the API."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

START = date(2020, 1, 1)
MONTH = 30.4375


def extract(
    days: Any, died: Any, *, starts: Any = None, regions: Any = None, stops: Any = None,
    extra: dict[str, Any] | None = None, cut: date | None = None,
) -> tuple[bytes, date]:
    """One course per patient: start (START + starts[i] days), follow-up ``days[i]``, death if
    ``died[i]``; ``stops[i]`` days to the end of treatment (None: still on treatment)."""
    n = len(days)
    offsets = np.zeros(n, dtype=int) if starts is None else np.asarray(starts, dtype=int)
    rows = []
    for i in range(n):
        start = START + timedelta(days=int(offsets[i]))
        end = start + timedelta(days=int(days[i]))
        row: dict[str, Any] = {
            "patient_id": f"PSN-{i:05d}", "treatment_start": start.isoformat(),
            "last_followup": end.isoformat(), "death_date": end.isoformat() if died[i] else "",
            "region": regions[i] if regions is not None else "Helse Sør-Øst",
        }
        if stops is not None:
            stop = stops[i]
            row["treatment_stop"] = ("" if stop is None or (isinstance(stop, float)
                                                            and np.isnan(stop))
                                     else (start + timedelta(days=int(stop))).isoformat())
        for column, values in (extra or {}).items():
            row[column] = values[i]
        rows.append(row)
    last = max(START + timedelta(days=int(o + d)) for o, d in zip(offsets, days, strict=True))
    return pd.DataFrame(rows).to_csv(index=False).encode(), cut or last


def import_extract(client: Any, intro_id: int, content: bytes, cut: date,
                   name: str = "uttrekk.csv") -> dict[str, Any]:
    response = client.post(f"/api/v1/introductions/{intro_id}/feeds", data={
        "file": (io.BytesIO(content), name), "source": "INSPIRE",
        "data_cut": cut.isoformat()}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return dict(response.json)


def put_curve(client: Any, intro: dict[str, Any], endpoint: str, curve: dict[str, Any]) -> None:
    """Replace the endpoint's assumed curve (the version read from the introduction)."""
    stored = next(c for c in intro["assumptions"]["curves"] if c["endpoint"] == endpoint)
    response = client.put(f"/api/v1/introductions/{intro['id']}/assumptions/{endpoint}",
                          json={"endpoint": endpoint, **curve, "version": stored["version"]})
    assert response.status_code == 200, response.json
