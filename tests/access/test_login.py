"""Login page, session cookie, CSRF, rate limit, tokens and security headers."""

from __future__ import annotations

import re

import pytest

from tests.access.conftest import PASSWORD, auth
from tests.factories import MethodPayload
from tracker.cli import main


@pytest.fixture
def browser(app):
    """A client with a cookie jar and no token, like a person's browser."""
    return app.test_client()


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_login_sets_a_secure_httponly_samesite_cookie(browser, tokens):
    form = browser.get("/login")
    assert form.status_code == 200 and "Logg inn" in form.get_data(as_text=True)
    response = browser.post(
        "/login",
        data={
            "name": "secretariat-user",
            "password": PASSWORD,
            "csrf_token": _csrf(form.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_without_csrf_token_is_refused(browser, tokens):
    browser.get("/login")
    response = browser.post("/login", data={"name": "secretariat-user", "password": PASSWORD})
    assert response.status_code == 400


def test_cookie_session_writes_need_the_csrf_header(browser, tokens):
    form = browser.get("/login").get_data(as_text=True)
    browser.post(
        "/login", data={"name": "secretariat-user", "password": PASSWORD, "csrf_token": _csrf(form)}
    )
    without = browser.post("/api/v1/methods", json=MethodPayload())
    assert without.status_code == 403
    assert "CSRF" in without.json["message"]
    token = _csrf(browser.get("/login").get_data(as_text=True))
    with_header = browser.post(
        "/api/v1/methods", json=MethodPayload(), headers={"X-CSRF-Token": token}
    )
    assert with_header.status_code == 201


def test_wrong_passwords_are_rate_limited(browser, tokens):
    statuses = []
    for _ in range(7):
        form = browser.get("/login").get_data(as_text=True)
        statuses.append(
            browser.post(
                "/login",
                data={
                    "name": "clinician-user",
                    "password": "feil-passord-her",
                    "csrf_token": _csrf(form),
                },
            ).status_code
        )
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    form = browser.get("/login").get_data(as_text=True)
    right = browser.post(
        "/login", data={"name": "clinician-user", "password": PASSWORD, "csrf_token": _csrf(form)}
    )
    assert right.status_code == 429  # still locked out, even with the right password


def test_unknown_or_malformed_token_is_401(client, tokens):
    assert client.get("/api/v1/flags", headers=auth("nmt_not-a-token")).status_code == 401
    bad = client.get("/api/v1/flags", headers={"Authorization": "Basic abc"})
    assert bad.status_code == 401 and "Bearer" in bad.json["message"]


def test_cli_adds_a_user_and_revokes_its_tokens(cli, client):
    result = cli.invoke(main, ["users", "add", "kari", "--role", "secretariat"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("nmt_")
    assert client.get("/api/v1/flags", headers=auth(token)).status_code == 200
    assert cli.invoke(main, ["users", "revoke", "kari"]).exit_code == 0
    assert client.get("/api/v1/flags", headers=auth(token)).status_code == 401
    assert cli.invoke(main, ["users", "add", "x", "--role", "king"]).exit_code != 0


def test_tokens_are_hashed_at_rest(app, session, tokens):
    from sqlmodel import select

    from tracker.users.models import ApiToken

    stored = {row.token_sha256 for row in session.exec(select(ApiToken)).all()}
    assert stored and not (set(tokens.values()) & stored)


def test_security_headers(client):
    response = client.get("/dashboards/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'sha256-" in csp and "''" not in csp  # Dash's inline scripts allowed by hash
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    secure = client.get("/api/v1/health", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_oversized_upload_is_413_json(client, tokens, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        "/api/v1/methods",
        data=b"x" * 4096,
        headers={**auth(tokens["secretariat"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["error"]


def test_short_secret_is_a_problem_in_production_not_in_tests(tmp_path):
    from tracker.settings import Settings

    problems = Settings(env="production", instance_path=tmp_path, secret_key="x" * 31).problems()
    assert any("at least 32 characters" in p for p in problems)
    assert Settings(env="production", instance_path=tmp_path).problems() == []  # made per instance
    assert Settings(env="test", instance_path=tmp_path, secret_key="kort").problems() == []


def test_logs_never_carry_identifiers_or_tokens(caplog):
    import logging

    from tracker.security import install_log_redaction

    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("tracker.test").info(
            "patient %s token nmt_abcdefghijklmnop password=hemmelig", "01010012356"
        )
    text = caplog.text
    assert "01010012356" not in text and "abcdefghijklmnop" not in text
    assert "hemmelig" not in text
