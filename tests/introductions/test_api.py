"""Temporary introductions through the API: one-request creation, history, and bad input."""

from __future__ import annotations

import copy

import pytest

from tests.factories import (
    DecisionPayload,
    MethodPayload,
    create_temporary_introduction,
    data_source_payload,
    introduction_payload,
    patch_current,
)


@pytest.fixture
def decision_id(client):
    client.post("/api/v1/data-sources", json=data_source_payload("INSPIRE"))
    client.post("/api/v1/data-sources", json=data_source_payload("NPR"))
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    decision = client.post("/api/v1/decisions", json=DecisionPayload(method_id=method["id"]))
    return decision.json["id"]


def _normalise(value):
    """JSON numbers come back as floats; compare 12 and 12.0 as equal."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def test_introduction_with_all_parts_is_created_in_one_request_and_read_back(
    client, decision_id, as_user
):
    payload = introduction_payload(decision_id)
    created = client.post("/api/v1/introductions", json=payload, headers=as_user("kari"))
    assert created.status_code == 201, created.json
    read = client.get(f"/api/v1/introductions/{created.json['id']}").json
    # The secretariat enters the cost per QALY but, computed with the confidential price, may
    # not read it back; an administrator reads everything.
    assert created.json["assumptions"]["cost_per_qaly"] is None
    assert created.json["withheld_fields"] == ["assumptions.cost_per_qaly"]
    assert read["withheld_fields"] == []
    assert read["assumptions"]["cost_per_qaly"]["price_basis"] == "confidential_price"
    shown = copy.deepcopy(read)
    shown["assumptions"]["cost_per_qaly"] = None
    assert {**shown, "withheld_fields": created.json["withheld_fields"]} == created.json

    for key in (
        "uncertainty",
        "key_parameters",
        "documentation_duty",
        "review_date",
        "reassessment_criteria",
        "phaseout_criteria",
        "exit_plan",
        "responsible_emails",
    ):
        assert read[key] == payload[key], key
    strip = {"id", "data_source_id", "version"}
    assert [{k: v for k, v in m.items() if k not in strip} for m in read["outcome_measures"]] == [
        {**m, "data_expected_by": m.get("data_expected_by")} for m in payload["outcome_measures"]
    ]
    assert [{k: v for k, v in m.items() if k not in strip} for m in read["milestones"]] == (
        payload["milestones"]
    )
    sent_curves = {c["endpoint"]: c for c in payload["assumptions"]["curves"]}
    for curve in read["assumptions"]["curves"]:
        sent = {"source": None, **sent_curves[curve["endpoint"]]}
        assert _normalise({k: v for k, v in curve.items() if k not in strip}) == _normalise(sent)
    for key in (
        "expected_patients_per_year",
        "expected_treatment_duration_months",
        "cost_per_qaly",
    ):
        sent = payload["assumptions"][key]
        if key == "cost_per_qaly":
            sent = {**sent, "price_basis": "confidential_price"}
        assert _normalise(read["assumptions"][key]) == _normalise(sent)
    assert read["analysis_plan"]["text"] == payload["analysis_plan"]["text"]
    assert read["analysis_plan"]["registered_by"] == "kari"
    assert read["review_date_history"][0]["new_date"] == payload["review_date"]
    assert read["review_date_history"][0]["changed_by"] == "kari"
    method = client.get(f"/api/v1/methods/{read['method_id']}").json
    assert read["nye_metoder_id"] == method["nye_metoder_id"]  # the method's, copied in


def test_a_rejected_introduction_stores_nothing(client, decision_id):
    payload = introduction_payload(decision_id)
    payload["milestones"][0]["data_source"] = "UKJENT"
    response = client.post("/api/v1/introductions", json=payload)
    assert response.status_code == 422
    assert client.get("/api/v1/introductions").json["total"] == 0


def _set(payload, path, value):
    target = payload
    *parents, last = path
    for key in parents:
        target = target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value


_DELETE = object()

BAD_INPUT = [
    # (what is wrong, path to change, new value, field named in the 422)
    ("missing uncertainty", ["uncertainty"], _DELETE, "uncertainty"),
    ("blank phase-out criteria", ["phaseout_criteria"], "", "phaseout_criteria"),
    ("review date not a date", ["review_date"], "next spring", "review_date"),
    (
        "exit plan without patients on treatment",
        ["exit_plan", "patients_on_treatment"],
        _DELETE,
        "exit_plan.patients_on_treatment",
    ),
    ("no outcome measures", ["outcome_measures"], [], "outcome_measures"),
    ("unknown outcome kind", ["outcome_measures", 0, "kind"], "QALY", "outcome_measures.0.kind"),
    (
        "unknown data source",
        ["outcome_measures", 1, "data_source"],
        "NOPE",
        "outcome_measures.1.data_source",
    ),
    ("milestone cut after delivery", ["milestones", 0, "data_cut"], "2025-07-01", "milestones.0"),
    (
        "negative weibull scale",
        ["assumptions", "curves", 0, "parameters", "scale"],
        -3,
        "assumptions.curves.0.parameters.scale",
    ),
    (
        "weibull without shape",
        ["assumptions", "curves", 0, "parameters"],
        {"scale": 3},
        "assumptions.curves.0.parameters.shape",
    ),
    (
        "unknown distribution",
        ["assumptions", "curves", 0, "distribution"],
        "gamma",
        "assumptions.curves.0",
    ),
    (
        "increasing points",
        ["assumptions", "curves", 1, "points"],
        [[0, 0.5], [6, 0.7]],
        "assumptions.curves.1.points",
    ),
    (
        "points without interpolation",
        ["assumptions", "curves", 1, "interpolation"],
        _DELETE,
        "assumptions.curves.1.interpolation",
    ),
    (
        "bad time unit",
        ["assumptions", "curves", 0, "time_unit"],
        "weeks",
        "assumptions.curves.0.time_unit",
    ),
    (
        "cost range upside down",
        ["assumptions", "cost_per_qaly", "low"],
        2_000_000,
        "assumptions.cost_per_qaly",
    ),
    (
        "negative patients per year",
        ["assumptions", "expected_patients_per_year"],
        -1,
        "assumptions.expected_patients_per_year",
    ),
    (
        "landmarks out of order",
        ["analysis_plan", "landmarks_months"],
        [24, 12],
        "analysis_plan.landmarks_months",
    ),
    ("not an e-mail address", ["responsible_emails"], ["kari"], "responsible_emails.0"),
    ("unknown field", ["budget"], 12, "budget"),
    ("unknown decision", ["decision_id"], 999999, "decision_id"),
]


@pytest.mark.parametrize(
    ("label", "path", "value", "field"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_refused_naming_the_field(client, decision_id, label, path, value, field):
    payload = copy.deepcopy(introduction_payload(decision_id))
    _set(payload, path, value)
    response = client.post("/api/v1/introductions", json=payload)
    assert response.status_code == 422, response.json
    fields = [d["field"] for d in response.json["details"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields
    assert all(d["message"] for d in response.json["details"])
    assert client.get("/api/v1/introductions").json["total"] == 0


def test_every_problem_is_reported_at_once(client, decision_id):
    payload = introduction_payload(decision_id, uncertainty="", review_date="soon")
    payload["outcome_measures"][0]["kind"] = "QALY"
    fields = {
        d["field"] for d in client.post("/api/v1/introductions", json=payload).json["details"]
    }
    assert {"uncertainty", "review_date", "outcome_measures.0.kind"} <= fields


def test_only_a_temporary_decision_can_carry_an_introduction(client, decision_id):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    plain = client.post(
        "/api/v1/decisions", json=DecisionPayload(method_id=method["id"], outcome="introduced")
    ).json
    response = client.post("/api/v1/introductions", json=introduction_payload(plain["id"]))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "decision_id"
    assert "temporarily_introduced" in response.json["message"]


def test_review_date_must_follow_the_decision(client, decision_id):
    response = client.post(
        "/api/v1/introductions", json=introduction_payload(decision_id, review_date="2023-01-01")
    )
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "review_date"


def test_second_introduction_for_the_same_decision_conflicts(client, decision_id):
    assert (
        client.post("/api/v1/introductions", json=introduction_payload(decision_id)).status_code
        == 201
    )
    again = client.post("/api/v1/introductions", json=introduction_payload(decision_id))
    assert again.status_code == 409
    assert again.json["error"] == "conflict"


def test_moving_the_review_date_keeps_its_history_with_reason_and_who(client, as_user):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    no_reason = patch_current(client, url, json={"review_date": "2027-09-01"})
    assert no_reason.status_code == 422
    assert "review_date_reason" in no_reason.json["details"][0]["message"]

    moved = patch_current(
        client,
        url,
        json={
            "review_date": "2027-09-01",
            "review_date_reason": "INSPIRE-data forsinket ett halvår",
        },
        headers=as_user("ola"),
    )
    assert moved.status_code == 200
    history = moved.json["review_date_history"]
    assert [(h["old_date"], h["new_date"]) for h in history] == [
        (None, "2027-03-01"),
        ("2027-03-01", "2027-09-01"),
    ]
    assert history[-1]["reason"] == "INSPIRE-data forsinket ett halvår"
    assert history[-1]["changed_by"] == "ola"
    assert moved.json["review_date"] == "2027-09-01"


def test_stale_update_is_refused(client):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    first = client.patch(url, json={"uncertainty": "Ny vurdering", "version": intro["version"]})
    assert first.status_code == 200
    stale = client.patch(url, json={"uncertainty": "Eldre utkast", "version": intro["version"]})
    assert stale.status_code == 409
    assert client.get(url).json["uncertainty"] == "Ny vurdering"


def test_analysis_plan_versions_are_frozen_and_superseded(client):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}/analysis-plans"
    v2 = client.post(
        url, json={"text": "Revidert plan: legg til PFS.", "landmarks_months": [6, 12]}
    )
    assert v2.status_code == 201
    assert v2.json["version_no"] == 2
    read = client.get(f"/api/v1/introductions/{intro['id']}").json
    assert read["analysis_plan"]["text"] == "Revidert plan: legg til PFS."
    first, second = read["analysis_plan_history"]
    assert first["text"] == intro["analysis_plan"]["text"]  # unchanged, not overwritten
    assert first["superseded_at"] is not None and second["superseded_at"] is None
    assert first["text_sha256"] != second["text_sha256"]


def test_nested_parts_can_be_added_and_changed(client):
    intro = create_temporary_introduction(client)
    base = f"/api/v1/introductions/{intro['id']}"
    added = client.post(
        f"{base}/milestones",
        json={
            "data_source": "INSPIRE",
            "description": "Andre uttrekk",
            "expected_date": "2026-06-30",
            "responsible_party": "Kreftregisteret",
        },
    )
    assert added.status_code == 201
    milestone = added.json["milestones"][-1]
    changed = client.patch(
        f"{base}/milestones/{milestone['id']}",
        json={"expected_date": "2026-09-30", "version": milestone["version"]},
    )
    assert changed.json["milestones"][-1]["expected_date"] == "2026-09-30"
    stale = client.patch(
        f"{base}/milestones/{milestone['id']}",
        json={"expected_date": "2026-12-31", "version": milestone["version"]},
    )
    assert stale.status_code == 409
    pfs = {"endpoint": "PFS", "distribution": "exponential", "parameters": {"rate": 0.1}}
    put = client.put(f"{base}/assumptions/PFS", json=pfs)
    assert put.status_code == 200
    assert {c["endpoint"] for c in put.json["assumptions"]["curves"]} == {"OS", "PFS", "TTD"}
    mismatch = client.put(f"{base}/assumptions/OS", json=pfs)
    assert mismatch.status_code == 422
    wrong_parent = client.patch(
        f"/api/v1/introductions/999999/milestones/{milestone['id']}",
        json={"description": "x", "version": 1},
    )
    assert wrong_parent.status_code == 404


def test_list_filters_sorts_and_pages(client):
    a = create_temporary_introduction(client, review_date="2027-01-01")
    b = create_temporary_introduction(client, review_date="2026-06-01")
    listing = client.get("/api/v1/introductions?sort=review_date").json
    assert [i["id"] for i in listing["items"]] == [b["id"], a["id"]]
    desc = client.get("/api/v1/introductions?sort=-review_date&limit=1").json
    assert desc["total"] == 2 and [i["id"] for i in desc["items"]] == [a["id"]]
    before = client.get("/api/v1/introductions?review_before=2026-12-31").json
    assert [i["id"] for i in before["items"]] == [b["id"]]
    bad = client.get("/api/v1/introductions?sort=price&limit=0")
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json["details"]} == {"sort", "limit"}


def test_unknown_introduction_is_404(client):
    response = client.get("/api/v1/introductions/424242")
    assert response.status_code == 404
    assert response.json["error"] == "not_found"


def test_the_same_curve_sent_again_is_not_a_new_version(client, session):
    from sqlmodel import select

    from tracker.introductions.models import ModelAssumption

    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}/assumptions/PFS"
    pfs = {"endpoint": "PFS", "distribution": "exponential", "parameters": {"rate": 0.1}}

    def stored() -> ModelAssumption:
        session.expire_all()
        return session.exec(select(ModelAssumption).where(
            ModelAssumption.introduction_id == intro["id"], ModelAssumption.endpoint == "PFS"
        )).one()

    assert client.put(url, json=pfs).status_code == 200
    first = stored()
    version, updated_at, assumption_id = first.version, first.updated_at, first.id
    same = {**pfs, "parameters": {"rate": 0.10}, "version": version}
    assert client.put(url, json=same).status_code == 200
    again = stored()
    assert (again.version, again.updated_at) == (version, updated_at)
    changed = {**pfs, "parameters": {"rate": 0.12}, "version": version}
    assert client.put(url, json=changed).status_code == 200
    assert stored().version == version + 1
    trail = client.get(f"/api/v1/audit/assumptions/{assumption_id}").json["events"]
    assert [e["action"] for e in trail] == ["create", "update"]
    assert trail[1]["changes"]["parameters"] == [{"rate": 0.1}, {"rate": 0.12}]


def test_replacing_a_curve_needs_the_version_read(client):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}/assumptions/OS"
    os_curve = next(c for c in intro["assumptions"]["curves"] if c["endpoint"] == "OS")
    replacement = {"endpoint": "OS", "distribution": "exponential", "parameters": {"rate": 0.05}}

    unversioned = client.put(url, json=replacement)
    assert unversioned.status_code == 409
    assert unversioned.json["details"]["current_version"] == os_curve["version"]
    assert "send the version you read" in unversioned.json["message"]

    first = client.put(url, json={**replacement, "version": os_curve["version"]})
    assert first.status_code == 200
    stale = client.put(url, json={**replacement, "parameters": {"rate": 0.07},
                                  "version": os_curve["version"]})
    assert stale.status_code == 409
    assert stale.json["details"]["current_version"] == os_curve["version"] + 1
    assert "reload it and apply your change again" in stale.json["message"]
    curves = {c["endpoint"]: c for c in client.get(
        f"/api/v1/introductions/{intro['id']}").json["assumptions"]["curves"]}
    assert curves["OS"]["parameters"] == {"rate": 0.05}

    nothing_to_replace = client.put(
        f"/api/v1/introductions/{intro['id']}/assumptions/PFS",
        json={"endpoint": "PFS", "distribution": "exponential", "parameters": {"rate": 0.1},
              "version": 1},
    )
    assert nothing_to_replace.status_code == 409
    assert "leave out version" in nothing_to_replace.json["message"]
