"""People of the individual-access workflows, methods in each state, and a quorate committee."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from tests.factories import MethodPayload
from tracker.auth import SYSTEM, acting_as
from tracker.users import service as users_service

BERGEN = "Helse Bergen HF"
OUS = "Oslo universitetssykehus HF"
UNN = "Universitetssykehuset Nord-Norge HF"


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The register's rules run on SQLite here; test_postgres.py walks a case on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def person(app) -> Callable[..., dict[str, str]]:  # type: ignore[no-untyped-def]
    """Return API headers of a named user in a role, optionally of a trust."""

    def make(name: str, role: str, trust: str | None = None) -> dict[str, str]:
        with acting_as(SYSTEM), Session(app.extensions["tracker_engine"]) as db:
            user = users_service.get_by_name(session=db, name=name)
            if user is None:
                user = users_service.create_user(session=db, name=name, role=role,
                                                 email=f"{name}@example.org", health_trust=trust)
            token = users_service.issue_token(session=db, user=user)
            db.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


def method_with(client: Any, outcome: str | None, *, decided: str = "2025-03-01",
                effective: str | None = None) -> dict[str, Any]:
    """Register a method, with a Beslutningsforum decision of this outcome (None: no decision)."""
    method = client.post("/api/v1/methods", json=MethodPayload()).get_json()
    if outcome is not None:
        response = client.post("/api/v1/decisions", json={
            "method_id": method["id"], "decision_date": decided, "outcome": outcome,
            "effective_date": effective, "decision_text": "Beslutning i Beslutningsforum.",
        })
        assert response.status_code == 201, response.get_json()
    return method


def access_application(**over: Any) -> dict[str, Any]:
    """Part 2 of the Tilgangsordningen form, filled in completely (synthetic)."""
    body: dict[str, Any] = {
        "applicant": "Overlege Eksempel", "consent_confirmed": True, "legal_sex": "female",
        "birth_year": 1974, "diagnosis_text": "Ikke-småcellet lungekreft med sjelden mutasjon",
        "history": "Tre linjer tidligere behandling.", "functional_level": "ECOG 1",
        "drug": "Testinib 100 mg tabletter", "dose": "100 mg daglig",
        "expected_duration": "6 måneder", "treatment_goal": "life_prolonging",
        "evaluation_plan": "CT hver 8. uke.", "stop_criteria": "Progresjon eller toksisitet.",
        "drug_cost_per_month_nok": 85000, "price_basis": "maximum_price",
        "other_costs_per_month_nok": 5000,
        "increased_benefit": {"met": True, "justification": "Mutasjonen gir forventet respons."},
        "overall_assessment": "Pasienten skiller seg klart fra gruppen.",
        "line_manager": {"name": "Avdelingsleder", "justification": "Faglig forankret.",
                         "approved": True},
        "medical_director": {"name": "Fagdirektør", "justification": "Anbefales.",
                             "approved": True},
    }
    body.update(over)
    return body


def access_case_body(method: dict[str, Any], **over: Any) -> dict[str, Any]:
    body = {"nye_metoder_id": method["nye_metoder_id"], "sending_trust": BERGEN,
            "reference": "2026-11-02-Helse Bergen-Lungeavdelingen", "diagnosis_icd10": "C34.1",
            "received_on": "2026-11-03", "application": access_application()}
    body.update(over)
    return body


def exception_body(method: dict[str, Any], **over: Any) -> dict[str, Any]:
    body = {"nye_metoder_id": method["nye_metoder_id"], "sending_trust": BERGEN,
            "diagnosis_icd10": "C50", "received_on": "2026-11-03", "application": {
                "applicant": "Overlege Eksempel",
                "marketing_authorisation": {"met": True, "justification": "MT for indikasjonen."},
                "established_not_possible": {"met": True, "justification": "Ikke tolerert."},
                "substantially_greater_effect": {"met": True, "justification": "Biomarkør."},
                "price_basis": "maximum_price", "drug_cost_per_month_nok": 60000}}
    body.update(over)
    return body
