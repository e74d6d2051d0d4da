"""The start page, the login page and the API page: in the shared shell, in both languages."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.dashboards.test_routes import route
from tests.web import conftest as web
from tests.web.conftest import csrf_of

browser_as = web.browser_as  # the working pages' fixture: a browser logged in through /login

NORWEGIAN = ("Logg inn", "Oversikt", "Brukernavn", "Passord", "Innsyn", "Helsesjekk")


def text(response: Any) -> str:
    assert response.status_code in (200, 401), response.status_code
    return str(response.get_data(as_text=True))


def test_the_start_page_links_to_the_login_in_the_shared_shell(anonymous: Any) -> None:
    page = text(anonymous.get("/"))
    assert '<html lang="nb">' in page
    # The shell: the header with its navigation, language toggle and login link.
    assert 'id="nav-overview"' in page and 'id="lang-toggle"' in page
    assert 'href="/login?next=/dashboards/" id="home-login"' in page
    assert "Logg inn" in page and "API-dokumentasjon" in page
    # Following it gives the login page.
    assert "Brukernavn" in text(anonymous.get("/login?next=/dashboards/"))


def test_the_start_and_login_pages_speak_english_when_asked(anonymous: Any) -> None:
    start = text(anonymous.get("/?lang=en"))
    assert '<html lang="en">' in start
    assert "Follow-up of temporary introductions" in start and "Log in" in start
    assert "API documentation" in start
    assert not [word for word in NORWEGIAN if word in start.replace('lang="nb">Norsk', "")]
    # The choice is remembered: the login page that follows is in English too.
    login = text(anonymous.get("/login"))
    assert '<html lang="en">' in login
    for label in ("User name", "Password", "Log in"):
        assert label in login
    assert "Brukernavn" not in login and "Passord" not in login


def test_a_wrong_password_is_said_in_the_page_language(app: Any, anonymous: Any) -> None:
    form = text(anonymous.get("/login"))
    refused = anonymous.post("/login", data={"name": "nobody", "password": "wrong",
                                             "csrf_token": csrf_of(form)})
    assert refused.status_code == 401
    assert "Feil brukernavn eller passord." in text(refused)

    english = app.test_client()
    form = text(english.get("/login?lang=en"))
    refused = english.post("/login?lang=en", data={"name": "nobody", "password": "wrong",
                                                   "csrf_token": csrf_of(form)})
    assert refused.status_code == 401
    assert "Wrong user name or password." in text(refused)


def test_the_login_form_has_labelled_required_inputs(anonymous: Any) -> None:
    page = text(anonymous.get("/login"))
    for name, input_id in (("name", "login-name"), ("password", "login-password")):
        assert f'<label for="{input_id}">' in page
        assert re.search(rf'id="{input_id}" name="{name}"[^>]* required', page)


def test_a_signed_in_user_is_greeted_instead_of_offered_a_login(browser_as: Any) -> None:
    page = browser_as("secretariat", "kari").page("/")
    assert "Du er logget inn som kari (sekretariatet)." in page
    assert 'id="home-login"' not in page and 'id="logout-button"' in page


def components(tree: Any) -> list[dict[str, Any]]:
    """Every Dash component in a callback's answer, depth first, as {type, props}."""
    found: list[dict[str, Any]] = []
    if isinstance(tree, list):
        for item in tree:
            found += components(item)
    elif isinstance(tree, dict) and "props" in tree:
        found.append(tree)
        found += components(tree["props"].get("children"))
    return found


def test_the_log_out_button_on_the_dashboards_ends_the_session(browser_as: Any) -> None:
    browser = browser_as("forum", "ola")
    header = components(route(browser.client, "/dashboards/")["response"]["header"]["children"])
    form = next(c["props"] for c in components(header) if c["type"] == "Form")
    assert form["action"] == "/logout" and form["method"] == "post"
    inside = components(form["children"])
    button = next(c["props"] for c in inside if c["props"].get("id") == "logout-button")
    assert button["children"] == "Logg ut" and button["type"] == "submit"
    token = next(c["props"]["value"] for c in inside if c["props"].get("name") == "csrf_token")
    out = browser.client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"].endswith("/login")
    # Now the dashboards see the public: a login link and no flags.
    after = json.dumps(route(browser.client, "/dashboards/")["response"], ensure_ascii=False)
    assert "login-link" in after and "offentlig (uten innlogging)" in after
    assert browser.client.get("/api/v1/flags").status_code == 401


def test_the_api_page_opens_with_a_norwegian_introduction(anonymous: Any) -> None:
    page = text(anonymous.get("/api/v1/docs"))
    intro = page[page.index('id="api-intro"'):page.index('id="swagger-ui"')]
    assert "API for oppfølging av midlertidig innføring" in intro
    assert "Authorization: Bearer" in intro and "409" in intro
    assert "Fødselsnumre" in intro
    english = text(anonymous.get("/api/v1/docs?lang=en"))
    assert "API for the follow-up of temporary introductions" in english
    assert '<html lang="en">' in english
    assert "https://" not in page  # still no CDN, nothing fetched from elsewhere
