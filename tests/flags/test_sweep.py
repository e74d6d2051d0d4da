"""Each flag kind appears when its cause holds, is not duplicated, and closes when it is gone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import create_temporary_introduction, patch_current
from tests.flags.helpers import flags, sweep
from tracker.flags.enums import FlagKind, SubjectType
from tracker.flags.models import Flag
from tracker.flags.rules import FlagCandidate, Rule, load_rules, rule
from tracker.flags.service import sweep as sweep_service
from tracker.timeutil import today


def test_review_flags_move_from_upcoming_to_overdue_and_keep_their_history(client):
    intro = create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    assert sweep(client, "2026-09-01")["opened"] == []  # 181 days ahead: outside the lead time

    first = sweep(client, "2026-09-02")
    [upcoming] = flags(client, kind="review_upcoming")
    assert first["opened"] == [upcoming["id"]]
    assert upcoming["message"] == "Revurdering forfaller 01.03.2027 (om 180 dager)."
    assert upcoming["facts"]["review_date"] == "2027-03-01"
    assert upcoming["facts"]["days_until"] == 180 and upcoming["facts"]["lead_days"] == 180
    assert upcoming["introduction_id"] == intro["id"]
    assert upcoming["link"] == f"/api/v1/introductions/{intro['id']}"
    assert upcoming["opened_on"] == "2026-09-02" and upcoming["is_open"]

    again = sweep(client, "2026-09-02")
    assert (again["opened"], again["closed"], again["refreshed"]) == ([], [], [])
    assert sweep(client, "2026-12-01")["opened"] == []
    assert len(flags(client, introduction_id=intro["id"])) == 1

    late = sweep(client, "2027-03-02")
    [overdue] = flags(client, kind="review_overdue")
    assert late["closed"] == [upcoming["id"]] and late["opened"] == [overdue["id"]]
    assert "01.03.2027 (1 dag over fristen)" in overdue["message"]
    [closed] = flags(client, open="false")
    assert closed["id"] == upcoming["id"] and closed["close_reason"] == "resolved"
    assert closed["closed_on"] == "2027-03-02"

    # England's data periods slipped: the review date is revised, with its history.
    moved = patch_current(
        client,
        f"/api/v1/introductions/{intro['id']}",
        json={"review_date": "2027-12-01", "review_date_reason": "INSPIRE-data forsinket"},
    )
    assert moved.status_code == 200
    assert sweep(client, "2027-03-03")["closed"] == [overdue["id"]]
    assert flags(client) == []

    # The cause returns later: a new flag, while the old ones stay on record.
    reopened = sweep(client, "2027-06-15")
    [again_upcoming] = flags(client, kind="review_upcoming")
    assert reopened["opened"] == [again_upcoming["id"]] != [upcoming["id"]]
    assert len(flags(client, open="false")) == 2


def test_a_moved_review_date_within_the_lead_time_updates_the_open_flag(client):
    intro = create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    sweep(client, "2027-01-15")
    [flag] = flags(client)
    patch_current(
        client,
        f"/api/v1/introductions/{intro['id']}",
        json={"review_date": "2027-04-01", "review_date_reason": "Ny datakutt"},
    )
    report = sweep(client, "2027-01-16")
    assert report["refreshed"] == [flag["id"]] and report["opened"] == []
    [same] = flags(client)
    assert same["id"] == flag["id"] and same["due_date"] == "2027-04-01"
    assert same["message"] == "Revurdering forfaller 01.04.2027 (om 75 dager)."


def test_the_review_lead_time_is_configurable(client, settings):
    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    settings.review_lead_days = 30
    assert sweep(client, "2027-01-15")["opened"] == []
    assert len(sweep(client, "2027-01-30")["opened"]) == 1


def _agreement(client, intro, **over):
    payload = {
        "type": "flat_discount",
        "method_id": intro["method_id"],
        "introduction_id": intro["id"],
        "start_date": "2025-01-01",
        "end_date": "2027-06-30",
        "discount_percent": 20,
        **over,
    }
    response = client.post("/api/v1/agreements", json=payload)
    assert response.status_code == 201, response.json
    return response.json


def test_agreement_expiring_opens_90_days_ahead_and_closes_when_settled(client):
    intro = create_temporary_introduction(client, milestones=[], review_date="2029-01-01")
    agreement = _agreement(client, intro)
    assert sweep(client, "2027-03-31")["opened"] == []
    sweep(client, "2027-04-01")
    [flag] = flags(client, kind="agreement_expiring")
    assert flag["subject_type"] == "agreement" and flag["subject_id"] == agreement["id"]
    assert flag["link"] == f"/api/v1/agreements/{agreement['id']}"
    assert flag["message"] == "Prisavtalen (flat rabatt) utløper 30.06.2027 (om 90 dager)."
    assert flag["facts"]["end_date"] == "2027-06-30" and flag["facts"]["days_until"] == 90

    sweep(client, "2027-07-05")  # ended but still marked active: the flag stays, and says so
    [still] = flags(client, kind="agreement_expiring")
    assert still["id"] == flag["id"]

    patch_current(client, f"/api/v1/agreements/{agreement['id']}", json={"status": "expired"})
    assert sweep(client, "2027-07-06")["closed"] == [flag["id"]]


def test_an_agreement_that_already_ended_but_is_active_says_so(client):
    intro = create_temporary_introduction(client, milestones=[], review_date="2029-01-01")
    _agreement(client, intro, end_date="2027-01-10")
    sweep(client, "2027-01-15")
    [flag] = flags(client, kind="agreement_expiring")
    assert "utløp 10.01.2027 (for 5 dager siden), men står fortsatt som aktiv" in flag["message"]


def test_analysis_plan_missing_30_days_after_the_decision(client):
    intro = create_temporary_introduction(client, analysis_plan=None)  # decided 2024-03-18
    assert sweep(client, "2024-04-16")["opened"] == []
    sweep(client, "2024-04-17")
    [flag] = flags(client, kind="analysis_plan_missing")
    assert flag["subject_id"] == intro["id"] and flag["due_date"] == "2024-04-17"
    assert "18.03.2024" in flag["message"] and flag["facts"]["grace_days"] == 30

    plan = client.post(
        f"/api/v1/introductions/{intro['id']}/analysis-plans",
        json={"text": "OS fra behandlingsstart."},
    )
    assert plan.status_code == 201
    assert sweep(client, "2024-04-18")["closed"] == [flag["id"]]


def test_an_introduction_with_a_plan_raises_no_plan_flag(client):
    create_temporary_introduction(client)
    assert sweep(client, "2024-06-01")["opened"] == []


def test_acknowledged_flags_stay_open_and_snoozed_flags_hide_until_their_date(client, as_user):
    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    sweep(client, "2027-01-15")
    [flag] = flags(client)
    url = f"/api/v1/flags/{flag['id']}"

    ack = client.post(
        f"{url}/acknowledge",
        json={"reason": "Sekretariatet har bestilt data", "version": flag["version"]},
        headers=as_user("kari"),
    )
    assert ack.status_code == 200
    assert ack.json["acknowledged_by"] == "kari" and ack.json["is_open"]
    assert ack.json["acknowledged_reason"] == "Sekretariatet har bestilt data"
    assert ack.json["version"] == flag["version"] + 1
    stale = client.post(f"{url}/acknowledge", json={"reason": "Også sett",
                                                    "version": flag["version"]})
    assert stale.status_code == 409
    assert stale.json["details"]["current_version"] == ack.json["version"]

    past = client.post(f"{url}/snooze", json={"until": "2027-01-10", "reason": "x",
                                              "as_of": "2027-01-15",
                                              "version": ack.json["version"]})
    assert past.status_code == 422 and past.json["details"][0]["field"] == "until"
    snoozed = client.post(
        f"{url}/snooze",
        json={"until": "2027-02-01", "reason": "Venter på NPR", "as_of": "2027-01-15",
              "version": ack.json["version"]},
    )
    assert snoozed.status_code == 200 and snoozed.json["snoozed_until"] == "2027-02-01"

    assert flags(client, as_of="2027-01-20") == []
    assert [f["id"] for f in flags(client, as_of="2027-01-20", include_snoozed="true")] == [
        flag["id"]
    ]
    assert [f["id"] for f in flags(client, as_of="2027-02-01")] == [flag["id"]]
    assert sweep(client, "2027-01-20")["opened"] == []  # still one open flag

    patch_current(
        client,
        f"/api/v1/introductions/{flag['introduction_id']}",
        json={"review_date": "2028-06-01", "review_date_reason": "Utsatt"},
    )
    sweep(client, "2027-01-21")
    closed = client.get(url).json
    assert not closed["is_open"] and closed["acknowledged_by"] == "kari"
    refused = client.post(f"{url}/acknowledge", json={"reason": "sent",
                                                      "version": closed["version"]})
    assert refused.status_code == 409 and refused.json["details"]["close_reason"] == "resolved"


def test_flag_list_filters_and_unknown_flag(client):
    a = create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    create_temporary_introduction(client, milestones=[], review_date="2026-12-01")
    sweep(client, "2027-01-15")
    assert {f["kind"] for f in flags(client)} == {"review_upcoming", "review_overdue"}
    assert [f["introduction_id"] for f in flags(client, introduction_id=a["id"])] == [a["id"]]
    assert [f["kind"] for f in flags(client, kind="review_overdue")] == ["review_overdue"]
    assert client.get("/api/v1/flags?kind=nonsense").status_code == 422
    assert client.get("/api/v1/flags/999999").status_code == 404


def test_the_database_refuses_a_second_open_flag_for_the_same_cause(session):
    def flag(**over):
        return Flag(
            kind="review_upcoming",
            subject_type="introduction",
            subject_id=7,
            link="/x",
            message="m",
            opened_on=date(2027, 1, 1),
            **over,
        )

    closed = datetime(2026, 1, 1, tzinfo=UTC)
    session.add(flag(closed_at=closed, closed_on=closed.date()))
    session.add(flag(closed_at=closed, closed_on=closed.date()))
    session.add(flag())
    session.commit()  # closed flags are history: any number may exist
    session.add(flag())
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_cli_scan_runs_the_sweep_for_a_given_day(client, cli):
    from tracker.cli import main

    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    first = cli.invoke(main, ["flags", "scan", "--today", "2027-01-15"])
    assert first.exit_code == 0, first.output
    assert "Sweep 2027-01-15: 1 opened, 0 closed" in first.output
    second = cli.invoke(main, ["flags", "scan", "--today", "2027-01-15"])
    assert "0 opened, 0 closed, 0 updated, 1 open" in second.output
    bad = cli.invoke(main, ["flags", "scan", "--today", "15.01.2027"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_a_new_rule_plugs_in_as_one_function_and_kinds_without_one_are_left_alone(
    session, settings
):
    overdue = [
        FlagCandidate(
            kind=FlagKind.data_delivery_overdue,
            subject_type=SubjectType.milestone,
            subject_id=42,
            introduction_id=None,
            link="/api/v1/introductions/1",
            message="Leveransen fra INSPIRE skulle kommet 2025-06-30.",
            message_en="The delivery from INSPIRE was due 2025-06-30.",
            facts={"expected_date": "2025-06-30"},
            due_date=date(2025, 6, 30),
        )
    ]
    causes = {"now": overdue}

    def deliveries(session, as_of, settings):  # type: ignore[no-untyped-def]
        return causes["now"]

    # Every kind has its rule now; a deployment without the feed rules lacks the delivery one.
    without = [r for r in load_rules() if FlagKind.data_delivery_overdue not in r.kinds]
    plugged = [*without, Rule(kinds=frozenset({FlagKind.data_delivery_overdue}), func=deliveries)]
    with pytest.raises(ValueError, match="one rule per kind"):
        rule(FlagKind.review_overdue)(deliveries)

    opened = sweep_service(
        session=session, as_of=date(2025, 7, 1), settings=settings, rules=plugged
    ).opened
    assert len(opened) == 1
    # Without its rule (e.g. a deployment that lacks the feeds) the flag is not touched ...
    assert (
        sweep_service(
            session=session, as_of=date(2025, 7, 2), settings=settings, rules=without
        ).closed
        == []
    )
    # ... and with it, the flag closes when the cause is gone.
    causes["now"] = []
    closed = sweep_service(
        session=session, as_of=date(2025, 7, 3), settings=settings, rules=plugged
    ).closed
    assert closed == opened


def test_days_are_counted_in_good_norwegian_and_english():
    from datetime import date

    from tracker.flags.say import EN, NB

    due = date(2027, 3, 1)
    assert [NB.when(due, date(2027, 2, d)) for d in (27, 28)] == ["om 2 dager", "om 1 dag"]
    assert NB.when(due, due) == "i dag"
    assert [NB.when(due, date(2027, 3, d)) for d in (2, 3)] == ["for 1 dag siden",
                                                                 "for 2 dager siden"]
    assert [EN.when(due, date(2027, 2, d)) for d in (27, 28)] == ["in 2 days", "in 1 day"]
    assert EN.when(due, due) == "today"
    assert [EN.when(due, date(2027, 3, d)) for d in (2, 3)] == ["1 day ago", "2 days ago"]
    assert (NB.date(due), EN.date(due)) == ("01.03.2027", "1 Mar 2027")


# Words that give away a Norwegian sentence (whole words, so English ones that contain them,
# "term" in "determined", do not count).
NORWEGIAN_WORDS = {"og", "er", "ikke", "dager", "dag", "om", "siden", "frist", "fristen",
                   "levering", "avtalen", "pasienter", "saker", "søknaden", "revurdering",
                   "ingen", "skal", "til", "fra", "med", "av", "i", "på"}


@pytest.fixture
def demo(cli):  # type: ignore[no-untyped-def]
    """The demo as `make run` leaves it (copied from a database seeded once, tests/conftest.py)."""
    return cli


def test_every_flag_of_the_demo_says_why_in_english_too(demo, client, mailbox):
    # The demo's own dates (review dates, deliveries, agreements) raise most kinds on its day
    # (the seed sweeps; today's sweep rewrites the words if the day has moved on).
    sweep(client, today().isoformat())
    raised = flags(client)
    assert len({f["kind"] for f in raised}) >= 5
    sources = client.get("/api/v1/data-sources?limit=500").get_json()["items"]
    source_words = set(re.findall(r"[a-zæøå]+", " ".join(d["name"] for d in sources).lower()))
    for flag in raised:
        english = flag["message_en"]
        assert english and english != flag["message"], flag
        words = set(re.findall(r"[a-zæøå]+", english.lower()))
        # The names of data sources, methods and the phase-out steps' own text stay as written.
        names = source_words | set(re.findall(r"[a-zæøå]+", " ".join(
            str(v) for v in flag["facts"].values() if isinstance(v, str)).lower()))
        assert not (words & NORWEGIAN_WORDS) - names, (flag["kind"], english)
