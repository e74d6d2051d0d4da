"""Schemathesis over the OpenAPI document, for every operation, as each role.

No input a client can send may produce a 5xx, an undocumented status code or a response that
breaks the document's schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS

from tests.conftest import fresh_database, make_settings
from tracker import create_app
from tracker.auth import SEED, SYSTEM, acting_as
from tracker.db import session_scope
from tracker.seeding import seed_demo
from tracker.users import service as users_service
from tracker.users.enums import Role

# Every check Schemathesis has (negative data rejected, positive data accepted, Allow headers,
# ignored auth, ...), as the outside attack ran it with `--checks all`.
CHECKS = list(REGISTERED_CHECKS.get_all())


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """The real app on a SQLite database with the demo data and a user of each role."""
    folder = tmp_path_factory.mktemp("fuzz")
    url = fresh_database("sqlite", request, Path(folder))
    app = create_app(make_settings(url, Path(folder), smtp_port=1))
    tokens = {}
    engine = app.extensions["tracker_engine"]
    with acting_as(SEED), session_scope(engine) as session:
        seed_demo(session)
    with acting_as(SYSTEM), session_scope(engine) as session:
        for role in Role:
            user = users_service.create_user(session=session, name=f"fuzz-{role.value}",
                                             role=role.value, email=f"{role.value}@example.org")
            tokens[role.value] = users_service.issue_token(session=session, user=user)
    app.extensions["fuzz_tokens"] = {"public": None, **tokens}
    yield app
    engine.dispose()


def _document() -> dict:
    """The OpenAPI document, generated without a database (it comes from the declarations)."""
    import tempfile

    from tracker.settings import Settings

    app = create_app(Settings(env="test", instance_path=Path(tempfile.mkdtemp())))
    try:
        return app.test_client().get("/api/v1/openapi.json").json
    finally:
        app.extensions["tracker_engine"].dispose()


schema = schemathesis.openapi.from_dict(_document())


# How many inputs each operation has been sent so far (by its label), to choose the roles.
SENT: dict[str, int] = {}


def roles_for(label: str, roles: list[str]) -> list[str]:
    """The roles that send an operation's next input: every role the first input (each role
    meets every operation, its access check and the shape of what it may read); after that
    the administrator, who reaches every code path behind the checks, and one other role in
    turn, so that the six inputs still come from most roles."""
    sent = SENT.get(label, 0)
    SENT[label] = sent + 1
    if sent == 0:
        return roles
    others = [r for r in roles if r != "admin"]
    return ["admin", others[(sent - 1) % len(others)]]


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_api(case, fuzz_app):
    tokens = fuzz_app.extensions["fuzz_tokens"]
    for role in roles_for(case.operation.label, list(tokens)):
        token = tokens[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(headers=headers, checks=CHECKS, app=fuzz_app)
