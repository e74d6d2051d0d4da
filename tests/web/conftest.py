"""Working pages through Flask's test client: a logged-in browser per role, and form helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tracker.auth import SYSTEM, acting_as
from tracker.users import service as users_service
from tracker.users.enums import Role

PASSWORD = "korrekt-hest-batteri-stift"


def csrf_of(page: str) -> str:
    """The CSRF token a page's form carries."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def hidden_of(page: str, name: str) -> str:
    """The value of a hidden input of the page's form."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"the page has no hidden input {name}"
    import html

    return html.unescape(match.group(1))


class Browser:
    """A test client logged in through the login page, as a person in a role."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def submit(self, path: str, data: dict[str, Any], *, keep_state: bool = True) -> Any:
        """Open the form at `path` and post `data` with the form's CSRF token (and, for an
        edit form, the version and opening values it carries)."""
        page = self.page(path)
        sent = {"csrf_token": csrf_of(page)}
        if keep_state:
            for name in ("version", "_base"):
                if f'name="{name}"' in page:
                    sent[name] = hidden_of(page, name)
        sent.update(data)
        return self.client.post(path, data=sent)


@pytest.fixture
def browser_as(app, session) -> Callable[[str], Browser]:  # type: ignore[no-untyped-def]
    """Return a logged-in browser for a role, e.g. `browser_as("secretariat")`; a clinician
    or medical director may be of a trust: `browser_as("medical_director", trust="Helse
    Bergen HF")`."""

    def make(role: str, name: str | None = None, trust: str | None = None) -> Browser:
        name = name or f"{role}-web"
        with acting_as(SYSTEM):
            if users_service.get_by_name(session=session, name=name) is None:
                users_service.create_user(session=session, name=name, role=Role(role).value,
                                          email=f"{name}@example.org", password=PASSWORD,
                                          health_trust=trust)
                session.commit()
        client = app.test_client()
        form = client.get("/login").get_data(as_text=True)
        response = client.post("/login", data={"name": name, "password": PASSWORD,
                                               "csrf_token": csrf_of(form)})
        assert response.status_code == 302, response.get_data(as_text=True)
        return Browser(client)

    return make


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The working pages add no SQL of their own: every form is sent through the API operation
    (`tracker.apispec.execute`) whose tests run on SQLite and PostgreSQL, so their tests run on
    SQLite; test_methods.py runs the form machinery (stale edits included) on both."""
    return str(request.param)
