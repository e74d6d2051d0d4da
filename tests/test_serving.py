"""Serving: gunicorn as in production, one scheduler for the instance, a missed sweep made up once
at the next start, and "today" as the date in Norway."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import create_temporary_introduction
from tests.feeds.helpers import CRAFTED, csv_bytes, upload
from tracker import migrate
from tracker.schedule import JobRun, claim, due_since
from tracker.timeutil import OSLO, local_date, today
from tracker.web import lang as web_lang


@pytest.mark.parametrize(
    ("moment", "norwegian_date"),
    [
        (datetime(2026, 12, 1, 22, 59, tzinfo=UTC), date(2026, 12, 1)),  # 23:59 in Oslo (CET)
        (datetime(2026, 12, 1, 23, 0, tzinfo=UTC), date(2026, 12, 2)),  # midnight in Oslo
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), date(2026, 7, 1)),  # 00:30 summer time
        (datetime(2026, 6, 30, 21, 30, tzinfo=UTC), date(2026, 6, 30)),
    ],
)
def test_today_is_the_date_in_norway(moment, norwegian_date):
    assert today(moment) == norwegian_date


@pytest.mark.parametrize("stored", [
    datetime(2026, 12, 3, 23, 30),  # as SQLite hands it back: naive, in UTC
    datetime(2026, 12, 3, 23, 30, tzinfo=UTC),  # as PostgreSQL does
])
def test_a_moment_recorded_after_midnight_in_norway_shows_that_date(stored):
    # A review date changed at 00:30 Oslo time was recorded "yesterday" on every page before.
    assert local_date(stored) == date(2026, 12, 4)
    assert web_lang.fmt_date(stored, "nb") == "04.12.2026"
    assert web_lang.fmt_date(stored, "en") == "4 Dec 2026"
    assert web_lang.input_date(stored) == "04.12.2026"


def test_a_data_cut_dated_today_in_norway_is_accepted_after_midnight(client, monkeypatch):
    import tracker.timeutil

    monkeypatch.setattr(tracker.timeutil, "utcnow",
                        lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # 00:30 in Oslo
    intro = create_temporary_introduction(client)
    accepted = upload(client, intro["id"], csv_bytes(CRAFTED), data_cut="2026-12-02")
    assert accepted.status_code == 201, accepted.json
    tomorrow = upload(client, intro["id"], csv_bytes(CRAFTED), data_cut="2026-12-03",
                      name="neste.csv")
    assert tomorrow.status_code == 422
    assert [d["field"] for d in tomorrow.json["details"]] == ["data_cut"]


def test_a_daily_job_is_due_at_its_hour_in_oslo():
    before = datetime(2026, 12, 2, 4, 59, tzinfo=UTC)  # 05:59 in Oslo
    after = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 06:00 in Oslo
    assert due_since(6, before) == datetime(2026, 12, 1, 6, tzinfo=OSLO)
    assert due_since(6, after) == datetime(2026, 12, 2, 6, tzinfo=OSLO)


def test_a_run_is_claimed_once_per_due_time(session):
    due = datetime(2026, 12, 2, 6, tzinfo=OSLO)
    first = datetime(2026, 12, 2, 5, 0, 5, tzinfo=UTC)
    assert claim(session=session, job_id="flag-sweep", due=due, now=first)
    assert not claim(session=session, job_id="flag-sweep", due=due, now=first)
    session.commit()
    tomorrow = datetime(2026, 12, 3, 6, tzinfo=OSLO)
    assert claim(session=session, job_id="flag-sweep", due=tomorrow,
                 now=datetime(2026, 12, 3, 5, 0, 1, tzinfo=UTC))
    assert claim(session=session, job_id="notification-digest", due=due, now=first)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(settings, tmp_path: Path, log: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": settings.sqlalchemy_url,
           "TRACKER_INSTANCE_PATH": str(tmp_path), "TRACKER_ENV": "development",
           "TRACKER_SCHEDULER_ENABLED": "true", "TRACKER_SMTP_PORT": "1",
           "TRACKER_SMTP_TIMEOUT_SECONDS": "1"}
    with log.open("a") as out:  # the server writes to its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", "serve", "--port", str(port), *extra],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", "/api/v1/health")
                response = conn.getresponse()
                response.read()
            finally:
                conn.close()
            assert response.status == 200
            assert response.headers["Server"] == "nye-metoder"  # no software, no version
            return process, port
        except (OSError, http.client.HTTPException):
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(60)


def _wait_for(condition, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_two_workers_run_one_scheduler_and_a_missed_sweep_runs_at_start_only_once(
    app, client, session, settings, tmp_path
):
    """The server was down at the sweep hour: the next start makes the sweep up, once."""
    from tracker.flags.models import Flag

    migrate.upgrade(settings)
    create_temporary_introduction(client, milestones=[],
                                  review_date="2025-01-01")  # long overdue, whatever today is
    session.add(JobRun(job_id="flag-sweep", last_run_at=datetime(2026, 1, 1, tzinfo=UTC)))
    session.commit()
    log = tmp_path / "server.log"

    process, _port = _serve(settings, tmp_path, log, "--workers", "2", "--threads", "2")
    try:
        def swept() -> bool:
            session.expire_all()
            row = session.get(JobRun, "flag-sweep")
            return bool(row and row.last_run_at
                        and row.last_run_at > datetime(2026, 1, 1, tzinfo=UTC)
                        and "Flag sweep for" in log.read_text())

        _wait_for(swept)
        # The other worker has booted too (and found the scheduler taken).
        _wait_for(lambda: "Scheduler runs in another process" in log.read_text())
    finally:
        _stop(process)
    text = log.read_text()
    assert text.count("Scheduler started in process") == 1, text[-3000:]
    assert text.count("Scheduler runs in another process") == 1, text[-3000:]
    assert text.count("Flag sweep for") == 1
    assert "Booting worker" in text  # it was gunicorn
    flags = session.exec(select(Flag)).all()
    assert [f.kind for f in flags] == ["review_overdue"]

    # Started again the same day: the sweep has run since it was due, so it is not run again.
    process, _port = _serve(settings, tmp_path, log, "--workers", "1")
    try:
        _wait_for(lambda: "already ran since it was last due" in log.read_text())
    finally:
        _stop(process)
    assert log.read_text().count("Flag sweep for") == 1
