"""The command line, the upload size limit, and the API document for registry feeds."""

from __future__ import annotations

from tests.api.schema_check import OpenApiChecker
from tests.feeds.helpers import CRAFTED, csv_bytes, rows, stored, upload
from tracker.cli import main


def test_cli_imports_a_file_and_recognises_it_again(cli, client, app, intro, tmp_path):
    path = tmp_path / "INSPIRE_2025.csv"
    path.write_bytes(csv_bytes(CRAFTED, delimiter=";"))
    args = ["feeds", "import", str(path), "--introduction", str(intro["id"]), "--source",
            "INSPIRE", "--data-cut", "2025-12-31", "--uploader", "kari.nordmann"]
    first = cli.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "Imported delivery" in first.output and "5 rows from INSPIRE" in first.output
    again = cli.invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "Already imported as delivery" in again.output
    assert stored(app) == (1, 5)
    delivery = client.get(f"/api/v1/introductions/{intro['id']}/feeds").json["items"][0]
    assert delivery["uploader"] == "kari.nordmann"
    assert delivery["file_name"] == "INSPIRE_2025.csv"
    listed = cli.invoke(main, ["feeds", "list", "--introduction", str(intro["id"])])
    assert "INSPIRE" in listed.output and "current" in listed.output


def test_cli_reports_every_problem_and_stores_nothing(cli, app, intro, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows(region="Vestlandet", death_date="2026-02-01")))
    result = cli.invoke(main, ["feeds", "import", str(path), "--introduction", str(intro["id"]),
                               "--source", "INSPIRE", "--data-cut", "2025-12-31"])
    assert result.exit_code == 1
    assert "Nothing was stored" in result.output
    assert "row 2, column region: unknown region 'Vestlandet'" in result.output
    assert "row 2, column death_date: 2026-02-01 is after the data cut" in result.output
    assert stored(app) == (0, 0)


def test_an_upload_over_the_limit_is_413_in_the_json_error_shape(client, app, intro):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    big = csv_bytes(CRAFTED * 40)
    assert len(big) > 4096
    response = upload(client, intro["id"], big)
    assert response.status_code == 413
    assert response.json["error"] == "payload_too_large"
    assert "TRACKER_MAX_UPLOAD_MB" in response.json["message"]
    assert stored(app) == (0, 0)


def test_responses_match_the_api_document(client, intro):
    checker = OpenApiChecker(client.get("/api/v1/openapi.json").json)
    created = upload(client, intro["id"], csv_bytes(CRAFTED))
    checker.check("/api/v1/introductions/{introduction_id}/feeds", "post", 201, created.json)
    delivery_id = created.json["id"]
    checker.check("/api/v1/introductions/{introduction_id}/feeds", "get", 200,
                  client.get(f"/api/v1/introductions/{intro['id']}/feeds").json)
    checker.check("/api/v1/feeds/{delivery_id}", "get", 200,
                  client.get(f"/api/v1/feeds/{delivery_id}").json)
    checker.check("/api/v1/feeds/{delivery_id}/patients", "get", 200,
                  client.get(f"/api/v1/feeds/{delivery_id}/patients").json)
    refused = upload(client, intro["id"], csv_bytes(rows(sex="?")))
    checker.check("/api/v1/introductions/{introduction_id}/feeds", "post", 422, refused.json)
    document = client.get("/api/v1/openapi.json").json
    form = document["paths"]["/api/v1/introductions/{introduction_id}/feeds"]["post"][
        "requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file", "source", "data_cut"]


def test_patient_rows_need_patient_level_access(app, client, intro):
    from sqlmodel import Session

    from tracker.auth import SYSTEM, acting_as
    from tracker.users import service as users_service

    delivery = upload(client, intro["id"], csv_bytes(CRAFTED)).json
    with acting_as(SYSTEM), Session(app.extensions["tracker_engine"]) as db:
        user = users_service.create_user(session=db, name="innkjop", role="procurement",
                                         email="innkjop@example.org")
        token = users_service.issue_token(session=db, user=user)
        db.commit()
    reader = app.test_client()
    reader.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert reader.get(f"/api/v1/feeds/{delivery['id']}").status_code == 200
    assert reader.get(f"/api/v1/feeds/{delivery['id']}/patients").status_code == 403
