"""The `tracker` command line."""

from __future__ import annotations

import pytest

from tracker.cli import main


def test_seed_demo_is_idempotent(cli, client):
    first = cli.invoke(main, ["seed", "demo"])
    assert first.exit_code == 0, first.output
    counts = {
        path: client.get(f"/api/v1/{path}?limit=1").json["total"]
        for path in ("methods", "decisions", "introductions", "data-sources", "agreements")
    }
    assert counts["methods"] >= 12 and counts["introductions"] >= 5
    second = cli.invoke(main, ["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert " 0 already there" not in second.output
    assert all(line.split(": ")[1].startswith("0 added") for line in second.output.splitlines())
    again = {path: client.get(f"/api/v1/{path}?limit=1").json["total"] for path in counts}
    assert again == counts


def test_demo_covers_every_decision_outcome_and_complete_introductions(cli, client):
    assert cli.invoke(main, ["seed", "demo"]).exit_code == 0
    outcomes = {d["outcome"] for d in client.get("/api/v1/decisions?limit=500").json["items"]}
    assert outcomes == {
        "introduced",
        "introduced_with_criteria",
        "temporarily_introduced",
        "not_introduced",
    }
    intros = client.get("/api/v1/introductions?limit=500").json["items"]
    complete = 0
    for summary in intros:
        intro = client.get(f"/api/v1/introductions/{summary['id']}").json
        endpoints = {c["endpoint"] for c in intro["assumptions"]["curves"]}
        if (
            intro["outcome_measures"]
            and intro["milestones"]
            and intro["exit_plan"]
            and {"OS", "TTD"} <= endpoints
        ):
            complete += 1
        assert "syntetisk" in intro["uncertainty"].lower()
    assert complete >= 5
    types = {a["type"] for a in client.get("/api/v1/agreements?limit=500").json["items"]}
    assert len(types) >= 4


def test_check_settings_reports_a_working_database(cli):
    result = cli.invoke(main, ["check-settings"])
    assert result.exit_code == 0, result.output
    assert "database: reachable" in result.output
    assert "secret_key = ***" in result.output


@pytest.mark.parametrize("env", ["development", "production"])
def test_a_published_secret_key_is_refused_by_every_command(cli, monkeypatch, env):
    monkeypatch.setenv("TRACKER_ENV", env)
    monkeypatch.setenv("TRACKER_SECRET_KEY", "dev-only-not-secret")
    result = cli.invoke(main, ["check-settings"])
    assert result.exit_code == 1
    assert "TRACKER_SECRET_KEY" in result.output
    serve = cli.invoke(main, ["serve", "--port", "5999"])
    assert serve.exit_code == 2
    assert "Refusing to start" in serve.output


def test_db_upgrade_creates_an_empty_database(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    result = cli.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new.db").exists()


def test_demo_logins_work_and_demo_data_is_refused_in_production(cli, app, monkeypatch):
    import re

    assert cli.invoke(main, ["seed", "demo"]).exit_code == 0
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post("/login", data={"name": "demo-innkjop",
                                            "password": "demo-passord-2026", "csrf_token": csrf})
    assert response.status_code == 302
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 40)
    refused = cli.invoke(main, ["seed", "demo"])
    assert refused.exit_code == 2 and "production" in refused.output
