"""Importing an extract: formats accepted, provenance kept, endpoints derived."""

from __future__ import annotations

import hashlib

from tests.feeds.helpers import (
    COLUMNS,
    CRAFTED,
    EXPECTED,
    csv_bytes,
    parquet_bytes,
    rows,
    stored,
    upload,
)


def test_round_trip_provenance_and_derived_endpoints(client, app, intro):
    content = csv_bytes(CRAFTED)
    response = upload(client, intro["id"], content, name="INSPIRE_2025.csv")
    assert response.status_code == 201, response.json
    delivery = response.json
    assert delivery["source"] == "INSPIRE"
    assert delivery["data_cut"] == "2025-12-31"
    assert delivery["file_name"] == "INSPIRE_2025.csv"
    assert delivery["sha256"] == hashlib.sha256(content).hexdigest()
    assert delivery["row_count"] == 5
    assert delivery["uploader"] == "test-admin"
    assert delivery["current"] is True and delivery["synthetic"] is False
    assert delivery["delivered_at"].endswith(("Z", "+00:00"))

    assert client.get(f"/api/v1/feeds/{delivery['id']}").json == delivery
    listed = client.get(f"/api/v1/introductions/{intro['id']}/feeds").json
    assert [d["id"] for d in listed["items"]] == [delivery["id"]]

    patients = client.get(f"/api/v1/feeds/{delivery['id']}/patients?limit=10").json
    assert patients["total"] == 5
    derived = {
        p["patient_id"]: (p["os_days"], p["os_event"], p["pfs_days"], p["pfs_event"],
                          p["ttd_days"], p["ttd_event"], p["entry_days"])
        for p in patients["items"]
    }
    assert derived == EXPECTED
    first = patients["items"][0]
    assert first["row_no"] == 2 and first["region"] == "Helse Sør-Øst"
    regions = [p["region"] for p in patients["items"]]
    assert regions == ["Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord",
                       "Helse Sør-Øst"]
    assert stored(app) == (1, 5)


def test_patients_are_paginated_in_file_order(client, intro):
    delivery = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    page = client.get(f"/api/v1/feeds/{delivery['id']}/patients?limit=2&offset=2").json
    assert [p["patient_id"] for p in page["items"]] == ["PSN-003", "PSN-004"]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)


def test_csv_with_comma_or_semicolon_with_or_without_bom(client, intro):
    for delimiter, bom in [(",", False), (";", False), (",", True), (";", True)]:
        content = csv_bytes(CRAFTED, delimiter=delimiter, bom=bom)
        response = upload(client, intro["id"], content)
        assert response.status_code == 201, (delimiter, bom, response.json)
        patients = client.get(f"/api/v1/feeds/{response.json['id']}/patients").json["items"]
        assert patients[0]["patient_id"] == "PSN-001"  # the BOM is not part of the first name
        assert patients[0]["health_trust"] == "Oslo universitetssykehus HF"


def test_parquet_with_typed_columns(client, intro):
    response = upload(client, intro["id"], parquet_bytes(CRAFTED), name="uttrekk.parquet")
    assert response.status_code == 201, response.json
    items = client.get(f"/api/v1/feeds/{response.json['id']}/patients").json["items"]
    assert {p["patient_id"]: (p["os_days"], p["os_event"], p["pfs_days"], p["pfs_event"],
                              p["ttd_days"], p["ttd_event"], p["entry_days"])
            for p in items} == EXPECTED


def test_missing_optional_and_extra_columns_are_reported_as_warnings(client, intro):
    records = [{**{k: r[k] for k in ("patient_id", "treatment_start", "last_followup")},
                "kommentar": "fri tekst"} for r in CRAFTED]
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["extra_columns"] == ["kommentar"]
    messages = " | ".join(w["message"] for w in body["warnings"])
    assert "optional column(s) not in the file: health_trust, region" in messages
    assert "not imported (not part of the format): kommentar" in messages


def test_gaps_in_descriptive_columns_and_early_starts_are_warnings(client, intro):
    response = upload(client, intro["id"], csv_bytes(rows(region="", treatment_start="2024-01-10")))
    assert response.status_code == 201, response.json
    warnings = {w["column"]: w for w in response.json["warnings"]}
    assert warnings["region"]["count"] == 1
    assert "region is empty in 1 of 5 rows" in warnings["region"]["message"]
    assert "before the decision (2024-03-18)" in warnings["treatment_start"]["message"]


def test_every_format_column_is_known(client, intro):
    assert list(CRAFTED[0]) == COLUMNS
    response = upload(client, intro["id"], csv_bytes(CRAFTED))
    assert response.json["warnings"] == []
    assert response.json["extra_columns"] == []


def test_parquet_with_large_strings_and_categories(client, intro):
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(CRAFTED)
    table = table.cast(pa.schema([(name, pa.large_string()) for name in table.column_names]))
    region = table.column("region").combine_chunks().dictionary_encode()
    table = table.set_column(table.schema.get_field_index("region"), "region", region)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    response = upload(client, intro["id"], buffer.getvalue(), name="uttrekk.parquet")
    assert response.status_code == 201, response.json
    items = client.get(f"/api/v1/feeds/{response.json['id']}/patients").json["items"]
    assert [p["region"] for p in items][:2] == ["Helse Sør-Øst", "Helse Vest"]
