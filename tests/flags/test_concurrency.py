"""Two sweeps at the same time raise each flag once and tell each person once.

Each thread has its own engine and connection, as two processes would. A barrier inside the
sweep holds both until each has read the open flags, so both pass the Python-level check and the
database's partial unique index is what keeps the flags single.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.factories import create_temporary_introduction
from tracker.db import make_engine, session_scope
from tracker.flags import jobs
from tracker.flags import rules as flag_rules
from tracker.flags import service as flags_service
from tracker.flags.models import Flag, Notification

AS_OF = date(2027, 1, 15)


def _run_together(work: Any, count: int = 2) -> list[Any]:
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _barrier_rules(barrier: threading.Barrier) -> list[flag_rules.Rule]:
    def wait_for_the_other_sweep(session: Any, as_of: date, settings: Any) -> list[Any]:
        barrier.wait(timeout=20)
        return []

    return [
        flag_rules.Rule(kinds=frozenset(), func=wait_for_the_other_sweep),
        *flag_rules.load_rules(),
    ]


@pytest.fixture
def due_introductions(client: Any) -> list[dict[str, Any]]:
    """Five introductions whose reviews are due (one overdue), each with an expiring agreement."""
    intros = []
    for review in ("2027-02-01", "2027-03-01", "2027-04-01", "2027-05-01", "2026-12-01"):
        intro = create_temporary_introduction(client, milestones=[], review_date=review)
        client.post(
            "/api/v1/agreements",
            json={
                "type": "flat_discount",
                "method_id": intro["method_id"],
                "introduction_id": intro["id"],
                "start_date": "2025-01-01",
                "end_date": "2027-03-31",
            },
        )
        intros.append(intro)
    return intros


def test_two_concurrent_sweeps_raise_each_flag_once(settings, due_introductions, app):
    barrier = threading.Barrier(2)
    registry = _barrier_rules(barrier)

    def one_sweep(_: int) -> flags_service.SweepReport:
        engine = make_engine(settings)
        try:
            with session_scope(engine) as session:
                return flags_service.sweep(
                    session=session, as_of=AS_OF, settings=settings, rules=registry
                )
        finally:
            engine.dispose()

    first, second = _run_together(one_sweep)
    opened = first.opened + second.opened
    assert len(opened) == len(set(opened)) == 10  # 5 review flags + 5 agreement flags

    with Session(app.extensions["tracker_engine"]) as session:
        keys = Counter(
            (f.subject_type, f.subject_id, f.kind) for f in session.exec(select(Flag)).all()
        )
    assert len(keys) == 10 and set(keys.values()) == {1}


def test_two_concurrent_sweep_jobs_send_each_e_mail_once(settings, due_introductions, app, mailbox):
    def one_job(_: int) -> jobs.SweepOutcome:
        engine = make_engine(settings)
        try:
            return jobs.run_sweep(engine, settings, AS_OF)
        finally:
            engine.dispose()

    first, second = _run_together(one_job)
    assert first.emails_sent + second.emails_sent == 10
    assert first.emails_failed == second.emails_failed == 0
    assert len(mailbox.messages) == 10
    with Session(app.extensions["tracker_engine"]) as session:
        notes = session.exec(select(Notification)).all()
    assert len(notes) == 10 and len({n.flag_id for n in notes}) == 10
