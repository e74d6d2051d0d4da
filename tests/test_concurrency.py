"""Two writes based on the same version, sent at the same moment: exactly one lands.

The app runs in a threaded werkzeug server; each pair of requests leaves two threads at one
barrier, on two connections and with two users' tokens, so both requests usually read the record
before either commits and only the database's `UPDATE … WHERE version = :read` can tell them
apart. Each pair must give one 200 and one 409, and the stored record must show the change of
the 200 one: no update is lost, no step is taken twice.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session
from werkzeug.serving import make_server

from tests.factories import MethodPayload, create_temporary_introduction, post_current
from tests.flags.helpers import flags, sweep
from tracker.auth import SYSTEM, acting_as
from tracker.db import session_scope
from tracker.errors import Conflict
from tracker.flags import service as flags_service
from tracker.flags.models import Flag
from tracker.methods import service as methods_service
from tracker.methods.models import Method, MethodUpdate

PAIRS = 20  # the "done when": 20 pairs of same-version updates per database
FEW = 5  # per resource, to keep the suite fast
STALE = "has changed since you read it"


@dataclass
class Live:
    host: str
    port: int
    tokens: tuple[str, str]


@pytest.fixture
def live(app: Any, admin_token: str, as_user: Any) -> Iterator[Live]:
    """The app served by a threaded werkzeug server, and two administrators' tokens."""
    second = as_user("racer", "admin")["Authorization"].removeprefix("Bearer ")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = Live("127.0.0.1", server.server_port, (admin_token, second))
    for token in live.tokens:  # each token's once-a-minute last_used_at write happens now
        assert _send(live, token, ("GET", "/api/v1/methods", None))[0] == 200
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


Request = tuple[str, str, Any]  # method, path, JSON body


def _send(live: Live, token: str, request: Request,
          barrier: threading.Barrier | None = None) -> tuple[int, Any]:
    method, path, body = request
    connection = http.client.HTTPConnection(live.host, live.port, timeout=60)
    try:
        connection.connect()
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if barrier is not None:
            barrier.wait(timeout=30)
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def race(live: Live, first: Request, second: Request) -> list[tuple[int, Any]]:
    """Send two requests at the same moment; return their (status, body) in order."""
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def run(i: int, request: Request) -> None:
        try:
            results[i] = _send(live, live.tokens[i], request, barrier)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not errors, errors
    return results


@dataclass
class Target:
    """A record two clients change at once: how to read it and how to write a value to it."""

    read: str
    write: Callable[[int, str], Request]  # (version read, value) -> request
    stored: Callable[[dict[str, Any]], Any]  # the value as stored, from the read
    version: Callable[[dict[str, Any]], int] = lambda record: int(record["version"])


def one_lands(client: Any, live: Live, target: Target, pairs: int) -> None:
    """Race `pairs` pairs of writes on the target; each gives one 200, one 409, no lost update."""
    for i in range(pairs):
        before = client.get(target.read).json
        version = target.version(before)
        values = (f"første {i}", f"andre {i}")
        results = race(live, *(target.write(version, value) for value in values))
        statuses = [status for status, _ in results]
        assert sorted(statuses) == [200, 409], (i, results)
        winner = values[statuses.index(200)]
        _, refused = results[statuses.index(409)]
        assert refused["error"] == "conflict", refused
        after = client.get(target.read).json
        assert target.stored(after) == winner, (i, results)
        assert target.version(after) == version + 1
        assert refused["details"]["current_version"] == version + 1, refused


def test_twenty_pairs_of_method_updates_with_one_version_land_once_each(client, live):
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    url = f"/api/v1/methods/{method['id']}"
    target = Target(
        read=url,
        write=lambda version, value: ("PATCH", url, {"version": version, "trade_name": value}),
        stored=lambda record: record["trade_name"],
    )
    one_lands(client, live, target, PAIRS)
    refused = race(live, *(target.write(1, value) for value in ("gammel", "eldre")))
    assert [status for status, _ in refused] == [409, 409]
    assert STALE in refused[0][1]["message"]
    assert refused[0][1]["details"] == {"current_version": PAIRS + 1}


def test_introduction_updates(client, live):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    one_lands(client, live, Target(
        read=url,
        write=lambda version, value: ("PATCH", url, {"version": version, "uncertainty": value}),
        stored=lambda record: record["uncertainty"],
    ), FEW)


def test_milestone_and_outcome_measure_updates(client, live):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"
    for part, field in (("milestones", "description"), ("outcome_measures", "definition")):
        child_id = intro[part][0]["id"]

        def child(record: dict[str, Any], part: str = part, child_id: int = child_id) -> Any:
            return next(c for c in record[part] if c["id"] == child_id)

        path = f"{url}/{part.replace('_', '-')}/{child_id}"
        one_lands(client, live, Target(
            read=url,
            write=lambda version, value, path=path, field=field: (
                "PATCH", path, {"version": version, field: value}),
            stored=lambda record, child=child, field=field: child(record)[field],
            version=lambda record, child=child: int(child(record)["version"]),
        ), FEW)


def test_decision_and_data_source_updates(client, live):
    intro = create_temporary_introduction(client)
    source_id = client.get("/api/v1/data-sources").json["items"][0]["id"]
    for url, field in ((f"/api/v1/decisions/{intro['decision_id']}", "decision_text"),
                       (f"/api/v1/data-sources/{source_id}", "holds")):
        one_lands(client, live, Target(
            read=url,
            write=lambda version, value, url=url, field=field: (
                "PATCH", url, {"version": version, field: value}),
            stored=lambda record, field=field: record[field],
        ), FEW)


def test_assumed_curve_replacements(client, live):
    intro = create_temporary_introduction(client)
    url = f"/api/v1/introductions/{intro['id']}"

    def curve(record: dict[str, Any]) -> dict[str, Any]:
        return next(c for c in record["assumptions"]["curves"] if c["endpoint"] == "OS")

    one_lands(client, live, Target(
        read=url,
        write=lambda version, value: ("PUT", f"{url}/assumptions/OS", {
            "endpoint": "OS", "distribution": "exponential", "parameters": {"rate": 0.05},
            "source": value, "version": version}),
        stored=lambda record: curve(record)["source"],
        version=lambda record: int(curve(record)["version"]),
    ), FEW)


def test_two_first_curves_for_one_endpoint_at_once(client, live):
    intro = create_temporary_introduction(
        client, assumptions={"curves": [], "expected_patients_per_year": 40}
    )
    url = f"/api/v1/introductions/{intro['id']}"
    for endpoint in ("OS", "PFS", "TTD"):
        results = race(live, *(
            ("PUT", f"{url}/assumptions/{endpoint}", {
                "endpoint": endpoint, "distribution": "exponential", "parameters": {"rate": rate}})
            for rate in (0.1, 0.2)
        ))
        statuses = [status for status, _ in results]
        assert sorted(statuses) == [200, 409], results
        assert results[statuses.index(409)][1]["error"] == "conflict"
        won = (0.1, 0.2)[statuses.index(200)]
        curves = client.get(url).json["assumptions"]["curves"]
        assert [c["parameters"] for c in curves if c["endpoint"] == endpoint] == [{"rate": won}]


def test_agreement_updates(client, live):
    intro = create_temporary_introduction(client)
    agreement = client.post("/api/v1/agreements", json={
        "type": "flat_discount", "method_id": intro["method_id"], "introduction_id": intro["id"],
        "start_date": "2025-01-01", "end_date": "2027-06-30", "discount_percent": 20,
    }).json
    url = f"/api/v1/agreements/{agreement['id']}"
    one_lands(client, live, Target(
        read=url,
        write=lambda version, value: ("PATCH", url, {
            "version": version, "structure_description": value}),
        stored=lambda record: record["structure_description"],
    ), FEW)


def test_flag_acknowledgements(client, live):
    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    sweep(client, "2027-01-15")
    [flag] = flags(client)
    url = f"/api/v1/flags/{flag['id']}"
    one_lands(client, live, Target(
        read=url,
        write=lambda version, value: ("POST", f"{url}/acknowledge",
                                      {"version": version, "reason": value}),
        stored=lambda record: record["acknowledged_reason"],
    ), FEW)


def test_reassessment_steps(client, live):
    intro = create_temporary_introduction(client)
    case = client.post(f"/api/v1/introductions/{intro['id']}/reassessments",
                       json={"at": "2026-09-01"}).json
    url = f"/api/v1/reassessments/{case['id']}"
    walk = ["data_requested", "data_received", "assessment_ordered", "assessment_delivered",
            "price_negotiation"]

    def next_step(version: int, value: str) -> Request:
        state = client.get(url).json["state"]
        to = walk[walk.index(state) + 1] if state in walk else walk[0]
        return ("POST", f"{url}/transitions",
                {"version": version, "to": to, "at": "2026-10-01", "note": value})

    one_lands(client, live, Target(
        read=url, write=next_step, stored=lambda record: record["steps"][-1]["note"],
    ), FEW)
    steps = client.get(url).json["steps"]
    assert [s["to_state"] for s in steps] == ["planned", *walk]  # no step taken twice


def test_phaseout_steps_marked_done(client, live):
    plans = []
    for _ in range(2):
        intro = create_temporary_introduction(client, review_date="2027-03-01")
        case = client.post(f"/api/v1/introductions/{intro['id']}/reassessments",
                           json={"at": "2026-09-01"}).json
        case_url = f"/api/v1/reassessments/{case['id']}"
        for to in ("data_requested", "data_received", "assessment_ordered",
                   "assessment_delivered"):
            assert post_current(client, f"{case_url}/transitions", json={
                "to": to, "at": "2026-10-01"}, read=case_url).status_code == 200
        decided = post_current(client, f"{case_url}/decision", read=case_url, json={
            "outcome": "phase_out", "at": "2027-04-15", "new_patients_stop_date": "2027-06-01",
            "follow_up_date": "2027-12-01"})
        assert decided.status_code == 200, decided.json
        plans.append(decided.json["phaseout_plan"])
    for plan in plans:
        url = f"/api/v1/phaseout-plans/{plan['id']}"
        for step in plan["steps"]:
            def this(record: dict[str, Any], step_id: int = step["id"]) -> dict[str, Any]:
                return next(s for s in record["steps"] if s["id"] == step_id)

            one_lands(client, live, Target(
                read=url,
                write=lambda version, value, step_id=step["id"], url=url: (
                    "POST", f"{url}/steps/{step_id}/done",
                    {"version": version, "at": "2027-06-02", "note": value}),
                stored=lambda record, this=this: this(record)["done_note"],
                version=lambda record, this=this: int(this(record)["version"]),
            ), 1)


def test_the_database_refuses_the_second_of_two_writes_read_at_one_version(app, client):
    """Without timing: both read version 1, the first commits, and the database refuses the
    second (session_scope, as the CLI and the jobs use it, turns that into a Conflict)."""
    method = client.post("/api/v1/methods", json=MethodPayload()).json
    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    sweep(client, "2027-01-15")
    [flag] = flags(client)
    engine = app.extensions["tracker_engine"]

    def method_update(session: Session, name: str) -> None:
        methods_service.update(session=session, method_id=method["id"],
                               data=MethodUpdate(version=1, trade_name=name))

    def acknowledge(session: Session, reason: str) -> None:
        flags_service.acknowledge(session=session, flag_id=flag["id"], version=1,
                                  reason=reason, actor="kari")

    for model, record_id, write in ((Method, method["id"], method_update),
                                    (Flag, flag["id"], acknowledge)):
        with acting_as(SYSTEM), pytest.raises(Conflict) as refused:
            with session_scope(engine) as second:
                assert second.get(model, record_id).version == 1  # read before the other write
                with session_scope(engine) as first:
                    write(first, "første")
                write(second, "andre")  # passes check_version: it read version 1
        assert STALE in refused.value.message
        assert refused.value.details == {"current_version": 2}
    assert client.get(f"/api/v1/methods/{method['id']}").json["trade_name"] == "første"
    assert client.get(f"/api/v1/flags/{flag['id']}").json["acknowledged_reason"] == "første"
