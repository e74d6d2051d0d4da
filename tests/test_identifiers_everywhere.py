"""A fødselsnummer, D-number or H-number is refused in every text the tracker stores.

The numbers are found with python-stdnum, an implementation independent of ours, so a wrong
weight or date rule in `tracker.privacy` cannot make these tests agree with it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select
from stdnum.no import fodselsnummer

from tests.factories import MethodPayload, create_temporary_introduction, data_source_payload
from tests.flags.helpers import flags, sweep
from tracker.apispec import API_PREFIX, REGISTRY
from tracker.auth import SYSTEM, acting_as
from tracker.errors import InvalidInput
from tracker.privacy import identifier_paths, text_has_national_id


def valid_by_oracle(date_part: str) -> str:
    """The first number with this date part that python-stdnum accepts."""
    for individual in range(1000):
        for check in range(100):
            number = f"{date_part}{individual:03d}{check:02d}"
            if fodselsnummer.is_valid(number):
                return number
    raise AssertionError(f"stdnum accepts no number with date part {date_part}")


FNR = valid_by_oracle("150585")
D_NUMBER = valid_by_oracle("550585")  # day + 40
H_NUMBER = valid_by_oracle("154585")  # month + 40
NUMBERS = {"fødselsnummer": FNR, "D-number": D_NUMBER, "H-number": H_NUMBER}


def written_forms(number: str) -> list[str]:
    """The ways a person writes the number in a sentence: 11 digits, or 6 + 5 with a separator."""
    date, rest = number[:6], number[6:]
    return [f"pasient {number} startet", f"pas.{number}", f"{date} {rest}", f"{date}.{rest}",
            f"fnr: {date}-{rest}."]


@pytest.mark.parametrize("kind", NUMBERS)
def test_every_written_form_of_every_kind_is_found(kind):
    for text in written_forms(NUMBERS[kind]):
        assert text_has_national_id(text), (kind, text)


def test_numbers_that_are_not_identifiers_pass():
    wrong_check = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)
    assert not fodselsnummer.is_valid(wrong_check)
    for text in [f"ref {wrong_check}", f"{FNR}0", f"1{FNR}", "ID2021_901 og ID2021_902",
                 "2025-12-31 til 2027-12-31", "tlf. 22 33 44 55, org.nr. 983 971 636",
                 f"{FNR[:6]}  {FNR[6:]}"]:  # two spaces: not how the number is written
        assert not text_has_national_id(text), text


def _introduction(client: Any) -> dict[str, Any]:
    return create_temporary_introduction(client)


def _open_flag(client: Any) -> dict[str, Any]:
    create_temporary_introduction(client, review_date="2027-03-01")
    sweep(client, "2026-09-10")
    return flags(client, kind="review_upcoming")[0]


def _case(client: Any, intro: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/introductions/{intro['id']}/reassessments",
                           json={"at": "2026-09-01", "note": "Planlagt"})
    assert response.status_code == 201, response.json
    return dict(response.json)


def _version(client: Any, url: str) -> int:
    return int(client.get(url).json["version"])


# (what the attack targets, how to send a text there, the field the 422 must name)
def _attacks(client: Any) -> list[tuple[str, Any, str]]:
    intro = _introduction(client)
    iid = intro["id"]
    base = f"/api/v1/introductions/{iid}"
    method_id = intro["method"]["id"] if "method" in intro else None
    milestone = intro["milestones"][0]
    flag = _open_flag(client)
    case = _case(client, intro)
    methods = client.get("/api/v1/methods?limit=1").json["items"]
    method_id = method_id or methods[0]["id"]
    decision_id = intro["decision_id"]
    source_id = client.get("/api/v1/data-sources?limit=1").json["items"][0]["id"]
    agreement = {
        "type": "price_volume", "method_id": method_id, "start_date": "2025-01-01",
        "end_date": "2027-12-31", "structure_description": "To trinn.",
        "terms": {"tiers": [{"min_patients": 0, "discount_percent": 20}]},
    }
    return [
        ("method", lambda text: client.post("/api/v1/methods", json=MethodPayload(trade_name=text)),
         "trade_name"),
        ("decision", lambda text: client.patch(f"/api/v1/decisions/{decision_id}", json={
            "version": _version(client, f"/api/v1/decisions/{decision_id}"),
            "decision_text": text}), "decision_text"),
        ("introduction", lambda text: client.patch(base, json={
            "version": _version(client, base), "uncertainty": text}), "uncertainty"),
        ("exit plan", lambda text: client.patch(base, json={
            "version": _version(client, base),
            "exit_plan": {**intro["exit_plan"], "subgroups": text}}), "exit_plan.subgroups"),
        ("milestone", lambda text: client.patch(f"{base}/milestones/{milestone['id']}", json={
            "version": milestone["version"], "description": text}), "description"),
        ("analysis plan", lambda text: client.post(f"{base}/analysis-plans", json={
            "text": text, "landmarks_months": [12]}), "text"),
        ("reassessment", lambda text: client.post(f"/api/v1/reassessments/{case['id']}/transitions",
                                             json={"to": "data_requested", "at": "2026-10-01",
                                                   "note": text}), "note"),
        ("agreement description", lambda text: client.post("/api/v1/agreements", json={
            **agreement, "structure_description": text}), "structure_description"),
        ("agreement terms", lambda text: client.post("/api/v1/agreements", json={
            **agreement, "terms": {"tiers": [{"min_patients": 0, "discount_percent": 20,
                                              "note": text}]}}), "terms.tiers.0.note"),
        ("flag reason", lambda text: client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={
            "reason": text, "version": flag.get("version", 1)}), "reason"),
        ("data source", lambda text: client.patch(f"/api/v1/data-sources/{source_id}", json={
            "version": _version(client, f"/api/v1/data-sources/{source_id}"),
            "holds": text}), "holds"),
    ]


def _everything_readable(client: Any, anonymous: Any) -> str:
    """All that the public and an administrator can read back, as one text."""
    parts = []
    for reader in (client, anonymous):
        for url in ["/api/v1/methods?limit=500", "/api/v1/decisions?limit=500",
                    "/api/v1/introductions?limit=500", "/api/v1/data-sources?limit=500",
                    "/api/v1/agreements?limit=500", "/api/v1/flags?limit=500&status=all"]:
            response = reader.get(url)
            parts.append(response.get_data(as_text=True))
        for item in client.get("/api/v1/introductions?limit=500").json["items"]:
            parts.append(reader.get(f"/api/v1/introductions/{item['id']}").get_data(as_text=True))
            parts.append(reader.get(f"/api/v1/introductions/{item['id']}/reassessments")
                         .get_data(as_text=True))
    return "\n".join(parts)


@pytest.mark.parametrize("kind", NUMBERS)
def test_no_free_text_field_stores_an_identifier(client, anonymous, kind):
    number = NUMBERS[kind]
    forms = written_forms(number)
    attacks = _attacks(client)
    assert len(attacks) == 11
    for index, (target, send, field) in enumerate(attacks):
        response = send(forms[index % len(forms)])
        assert response.status_code == 422, (target, response.json)
        body = response.get_data(as_text=True)
        assert number not in body and number[6:] not in body, target
        assert field in [d["field"] for d in response.json["details"]], (target, response.json)
    readable = _everything_readable(client, anonymous)
    for form in forms:
        assert form not in readable
    assert number[6:] not in readable


@pytest.mark.parametrize("form", range(5))
def test_every_written_form_is_refused_through_the_api(client, form):
    text = written_forms(D_NUMBER)[form]
    response = client.post("/api/v1/methods", json=MethodPayload(trade_name=text))
    assert response.status_code == 422
    assert [d["field"] for d in response.json["details"]] == ["trade_name"]
    assert client.get("/api/v1/methods").json["total"] == 0


def test_every_write_endpoint_refuses_an_identifier_before_reading_the_body(client):
    """Whatever the operation, the body's texts are scanned: the 422 names the field."""
    with_body = [ep for ep in REGISTRY if ep.body is not None]
    assert len(with_body) >= 15
    for ep in with_body:
        path = ep.openapi_path
        for name, _conv in ep.path_params:
            path = path.replace("{" + name + "}", "1" if _conv == "int" else "x@example.org")
        response = client.open(path, method=ep.method, json={"merknad": f"se {H_NUMBER}"})
        assert response.status_code == 422, (ep.method, path, response.json)
        assert response.json["details"][0]["field"] == "merknad", path
        assert H_NUMBER not in response.get_data(as_text=True)
        assert path.startswith(API_PREFIX)


def test_a_dictionary_key_is_a_text_too():
    assert identifier_paths({"terms": {f"pasient {FNR}": 1}}) == ["terms"]


def test_services_refuse_it_too_whoever_calls_them(session):
    """The CLI, the seeders and the jobs write through services: the database session refuses."""
    from tracker.datasources import service as datasources
    from tracker.datasources.models import DataSource, DataSourceCreate

    data = DataSourceCreate.model_validate(data_source_payload(holds=f"Pasient {FNR}"))
    with acting_as(SYSTEM), pytest.raises(InvalidInput) as refused:
        datasources.create(session=session, data=data)
    session.rollback()
    assert refused.value.details[0]["field"] == "data_source.holds"
    assert FNR not in str(refused.value) and FNR not in json.dumps(refused.value.details)
    assert session.exec(select(DataSource)).all() == []


def test_the_cli_refuses_an_identifier_in_a_user_name(cli, session):
    from tracker.cli import main
    from tracker.users.models import User

    result = cli.invoke(main, ["users", "add", f"lege {FNR}", "--role", "clinician"])
    assert result.exit_code == 1
    assert "national identity number" in result.output and FNR not in result.output
    assert session.exec(select(User)).all() == []
