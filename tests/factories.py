"""Factories for API payloads and stored records, in the language of the domain."""

from __future__ import annotations

from typing import Any

import factory


class MethodPayload(factory.DictFactory):
    # IDs are ID<year>_<3 digits>: a long test run creates more than 1,000 methods per process.
    nye_metoder_id = factory.Sequence(lambda n: f"ID{2024 + n // 1000}_{n % 1000:03d}")
    active_substance = factory.Sequence(lambda n: f"testinib-{n}")
    trade_name = "Testora"
    indications = factory.LazyFunction(lambda: ["Ikke-småcellet lungekreft, 2. linje"])
    method_type = "drug"
    therapeutic_area = "Onkologi"
    ma_holder = "Eksempel Pharma AS"
    ma_status = "conditional"
    orphan = False
    atmp = False


class DecisionPayload(factory.DictFactory):
    decision_date = "2024-03-18"
    outcome = "temporarily_introduced"
    decision_text = "Innføres midlertidig; revurderes når registerdata foreligger."
    start_criteria = "ECOG 0-1."
    stop_criteria = "Progresjon eller uakseptabel toksisitet."
    effective_date = "2024-04-01"


def data_source_payload(code: str = "INSPIRE", **over: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Kilde {code}",
        "kind": "health_registry",
        "holds": "Legemiddelbehandling av kreft per pasient.",
        "latency": "årlig",
        **over,
    }


def introduction_payload(decision_id: int, **over: Any) -> dict[str, Any]:
    """A temporary introduction with every part filled in."""
    payload: dict[str, Any] = {
        "decision_id": decision_id,
        "uncertainty": "Enarmet studie med umodne overlevelsesdata.",
        "key_parameters": ["OS-ekstrapolering", "behandlingslengde"],
        "documentation_duty": "Eksempel Pharma AS",
        "review_date": "2027-03-01",
        "reassessment_criteria": "Revurderes når 3 års data fra INSPIRE foreligger.",
        "phaseout_criteria": "Utfases om OS ved 24 mnd er vesentlig lavere enn antatt.",
        "exit_plan": {
            "new_patients": "Ingen nye pasienter startes etter utfasingsdato.",
            "patients_on_treatment": "Pasienter på behandling fullfører; leverandøren dekker.",
            "subgroups": "PD-L1 ≥ 50 % kan videreføres.",
        },
        "responsible_emails": ["sekretariat@example.org"],
        "outcome_measures": [
            {
                "name": "Totaloverlevelse",
                "kind": "OS",
                "definition": "Tid fra behandlingsstart til død av alle årsaker.",
                "data_source": "INSPIRE",
                "responsible_party": "Kreftregisteret",
                "data_expected_by": "2026-12-31",
            },
            {
                "name": "Tid på behandling",
                "kind": "TTD",
                "definition": "Tid fra start til siste dose eller død.",
                "data_source": "INSPIRE",
                "responsible_party": "Kreftregisteret",
            },
        ],
        "milestones": [
            {
                "data_source": "INSPIRE",
                "description": "Første uttrekk",
                "expected_date": "2025-06-30",
                "data_cut": "2024-12-31",
                "responsible_party": "Kreftregisteret",
            }
        ],
        "assumptions": {
            "curves": [
                {
                    "endpoint": "OS",
                    "distribution": "weibull",
                    "parameters": {"scale": 14.0, "shape": 1.2},
                    "time_unit": "months",
                    "source": "Metodevurdering, tabell 12",
                },
                {
                    "endpoint": "TTD",
                    "distribution": "points",
                    "points": [[0, 1.0], [6, 0.7], [12, 0.45], [24, 0.2]],
                    "interpolation": "linear",
                    "time_unit": "months",
                },
            ],
            "expected_patients_per_year": 120,
            "expected_treatment_duration_months": 9.5,
            "cost_per_qaly": {"value": 850000, "low": 600000, "high": 1400000},
        },
        "analysis_plan": {
            "text": "OS og TTD fra behandlingsstart; sensur ved dato dødsdata er komplette.",
            "landmarks_months": [12, 24, 36],
        },
    }
    payload.update(over)
    return payload


def create_temporary_introduction(client: Any, **over: Any) -> dict[str, Any]:
    """Create a data source, method, temporary decision and introduction through the API."""
    if client.get("/api/v1/data-sources?limit=500").json["total"] == 0:
        assert client.post("/api/v1/data-sources", json=data_source_payload()).status_code == 201
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    decision = client.post("/api/v1/decisions", json=DecisionPayload(method_id=method["id"])).json
    response = client.post(
        "/api/v1/introductions", json=introduction_payload(decision["id"], **over)
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def patch_current(client: Any, url: str, json: Any = None, **kwargs: Any) -> Any:
    """PATCH a record with the version it has now, as a client that has just read it."""
    headers = {"headers": kwargs["headers"]} if "headers" in kwargs else {}
    version = client.get(url, **headers).json["version"]
    body = {"version": version, **json} if isinstance(json, dict) else json
    return client.patch(url, json=body, **kwargs)


def post_current(client: Any, url: str, json: Any = None, *, read: str, **kwargs: Any) -> Any:
    """POST an action on a record with the version `read` shows now, as a client that has just
    read it (acknowledging a flag, moving a reassessment case)."""
    headers = {"headers": kwargs["headers"]} if "headers" in kwargs else {}
    version = client.get(read, **headers).json["version"]
    return client.post(url, json={"version": version, **(json or {})}, **kwargs)
