"""Sessions that cannot be forged or outlive a logout, and a login limit that holds in parallel."""

from __future__ import annotations

import http.client
import re
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.serving import make_server

from tests.access.conftest import PASSWORD
from tests.conftest import make_settings
from tracker import create_app
from tracker.secret_key import InsecureSecretKey

ADMIN_ONLY = "/api/v1/audit/method/1"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def _log_in(browser, name: str, password: str = PASSWORD, **kwargs):  # type: ignore[no-untyped-def]
    form = browser.get("/login", **kwargs).get_data(as_text=True)
    return browser.post("/login", data={"name": name, "password": password,
                                        "csrf_token": _csrf(form)}, **kwargs)


def _forge(secret: str, payload: dict) -> str:
    """Sign a session cookie as Flask would with this key."""
    signer = Flask("forger")
    signer.secret_key = secret
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    assert serializer is not None
    return str(serializer.dumps(payload))


def test_a_cookie_signed_with_the_old_development_key_gives_nothing(app, tokens):
    browser = app.test_client()
    for payload in ({"user_id": 1}, {"sid": "guess", "csrf": "x"}):
        browser.set_cookie("tracker_session", _forge("dev-only-not-secret", payload))
        assert browser.get(ADMIN_ONLY).status_code == 401


def test_a_cookie_signed_with_the_real_key_needs_a_live_server_side_session(app, tokens):
    browser = app.test_client()
    browser.set_cookie("tracker_session", _forge(app.secret_key, {"user_id": 1, "sid": "x"}))
    assert browser.get(ADMIN_ONLY).status_code == 401


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, tokens):
    browser = app.test_client()
    assert _log_in(browser, "admin-user").status_code == 302
    assert browser.get(ADMIN_ONLY).status_code in (200, 404)  # logged in: not 401
    copied = browser.get_cookie("tracker_session").value
    page = browser.get("/login").get_data(as_text=True)
    assert browser.post("/logout", data={"csrf_token": _csrf(page)}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("tracker_session", copied)
    assert thief.get(ADMIN_ONLY).status_code == 401
    assert browser.get(ADMIN_ONLY).status_code == 401


def test_a_request_that_changes_nothing_sends_no_cookie_to_overwrite_a_newer_one(app, tokens):
    """A slow request that left with yesterday's cookie must not put it back after a save has
    stored its confirmation in a newer one (the confirmation vanished in the browser)."""
    browser = app.test_client()
    assert _log_in(browser, "admin-user").status_code == 302
    for path in (ADMIN_ONLY, "/api/v1/methods", "/arbeid/"):
        answer = browser.get(path)
        assert answer.status_code < 500
        assert "Set-Cookie" not in answer.headers, path


def test_a_disabled_account_loses_its_open_sessions(app, tokens, cli):
    from tracker.cli import main

    browser = app.test_client()
    assert _log_in(browser, "admin-user").status_code == 302
    assert cli.invoke(main, ["users", "revoke", "admin-user"]).exit_code == 0
    assert browser.get(ADMIN_ONLY).status_code == 401


@pytest.mark.parametrize("env", ["development", "production"])
@pytest.mark.parametrize("key", ["dev-only-not-secret", "changeme", "kort-nokkel"])
def test_a_known_or_short_key_is_refused_outside_the_tests(tmp_path, env, key):
    settings = make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, env=env, secret_key=key)
    with pytest.raises(InsecureSecretKey) as refused:
        create_app(settings)
    assert "TRACKER_SECRET_KEY" in str(refused.value) and key not in str(refused.value)


def test_without_a_key_each_instance_makes_its_own_and_keeps_it_private(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    first = create_app(make_settings(f"sqlite:///{one / 'x.db'}", one, env="development"))
    again = create_app(make_settings(f"sqlite:///{one / 'x.db'}", one, env="development"))
    other = create_app(make_settings(f"sqlite:///{two / 'x.db'}", two, env="production"))
    assert first.secret_key == again.secret_key != other.secret_key
    assert len(str(first.secret_key)) >= 48
    key_file = one / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first.secret_key
    for made in (first, again, other):
        made.extensions["tracker_engine"].dispose()


@pytest.fixture
def live(app) -> Iterator[tuple[str, int]]:
    """The app served by a real threaded HTTP server on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_port
    server.shutdown()
    thread.join(5)


def _login_over_http(host: str, port: int, name: str, password: str) -> int:
    """Fetch the form (cookie and CSRF token), then post the login; return the status."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", "/login")
    form = conn.getresponse()
    page = form.read().decode()
    jar = SimpleCookie(form.headers["Set-Cookie"])
    cookie = f"tracker_session={jar['tracker_session'].value}"
    body = f"name={name}&password={password}&csrf_token={_csrf(page)}"
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    status = conn.getresponse().status
    conn.close()
    return status


def test_thirty_parallel_guesses_get_five_evaluated(live, tokens):
    host, port = live
    barrier = threading.Barrier(30)

    def guess(i: int) -> int:
        barrier.wait(30)
        return _login_over_http(host, port, "clinician-user", f"feil-passord-{i:02d}")

    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(guess, range(30)))
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 25, statuses


def test_the_limit_per_account_holds_across_addresses(app, tokens):
    statuses = []
    for i in range(8):
        browser = app.test_client()
        address = {"REMOTE_ADDR": f"192.0.2.{i + 1}"}
        statuses.append(_log_in(browser, "forum-user", "feil-passord-her",
                                environ_base=address).status_code)
    assert statuses == [401] * 5 + [429] * 3
    browser = app.test_client()
    assert _log_in(browser, "procurement-user", environ_base={"REMOTE_ADDR": "192.0.2.1"}
                   ).status_code == 302  # another account from the same address still may


def test_colleagues_behind_one_address_are_limited_by_failures_only(app, tokens):
    proxy = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(25):  # more logins than the per-address limit of failures
        browser = app.test_client()
        assert _log_in(browser, "secretariat-user", environ_base=proxy).status_code == 302


def test_the_throttle_stores_no_typed_name(app, tokens, session):
    from sqlmodel import select

    from tracker.users.models import LoginThrottle

    _log_in(app.test_client(), "ukjent-bruker-navn", "feil-passord-her")
    keys = [row.key for row in session.exec(select(LoginThrottle)).all()]
    assert keys and not any("ukjent" in key for key in keys)


@pytest.mark.parametrize("backend", ["sqlite"])  # the headers do not depend on the database
def test_the_server_names_no_software_or_version(settings, tmp_path):
    """`tracker serve`, as `make run` starts it, says nothing about what it runs on."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from tracker import migrate

    migrate.upgrade(settings)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TRACKER_DATABASE_URL": settings.sqlalchemy_url,
           "TRACKER_INSTANCE_PATH": str(tmp_path), "TRACKER_SCHEDULER_ENABLED": "false",
           "TRACKER_ENV": "development"}
    server = subprocess.Popen([sys.executable, "-m", "tracker.cli", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", "/api/v1/health")
                response = conn.getresponse()
                response.read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
            finally:
                conn.close()
        assert response.status == 200
        names = response.headers.get_all("Server") or []
        assert names and not any(
            re.search(r"werkzeug|python|gunicorn|flask|\d", name, re.IGNORECASE) for name in names
        ), names
    finally:
        server.terminate()
        server.wait(30)
