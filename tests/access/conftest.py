"""Users of every role, each with an API token, on the test's database."""

from __future__ import annotations

import pytest

from tracker.auth import SYSTEM, acting_as
from tracker.users import service as users_service
from tracker.users.enums import Role

PASSWORD = "korrekt-hest-batteri-stift"


@pytest.fixture
def tokens(app, session) -> dict[str, str]:
    """Role name -> API token (one user per role, each also with a password)."""
    out = {}
    with acting_as(SYSTEM):
        for role in Role:
            user = users_service.create_user(
                session=session,
                name=f"{role.value}-user",
                role=role.value,
                email=f"{role.value}@example.org",
                password=PASSWORD,
                # Clinicians and medical directors act for a trust (individual access).
                health_trust="Helse Bergen HF" if role in (Role.clinician, Role.medical_director)
                else None,
            )
            out[role.value] = users_service.issue_token(session=session, user=user)
        session.commit()
    return out


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
