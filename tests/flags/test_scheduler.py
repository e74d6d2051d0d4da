"""The periodic jobs are declared as data, registered once however often they are reconciled,
and the sweep job really sweeps when the scheduler triggers it."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler

from tests.factories import create_temporary_introduction
from tests.flags.helpers import flags
from tracker.jobs import declared_jobs, reconcile, start_background_scheduler


@pytest.fixture
def scheduler(settings):
    scheduler = BackgroundScheduler(timezone=settings.scheduler_timezone)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=True)


def test_jobs_are_registered_once_after_two_reconciliations(scheduler, settings):
    scheduler.add_job(print, "interval", hours=1, id="retired-job")
    reconcile(scheduler, settings)
    reconcile(scheduler, settings)
    # Each declared job once, and once its make-up run at start (claimed, so a no-op if it ran).
    assert sorted(job.id for job in scheduler.get_jobs()) == [
        "flag-sweep", "flag-sweep-at-start", "notification-digest", "notification-digest-at-start"]
    sweep_job = scheduler.get_job("flag-sweep")
    assert sweep_job.func_ref == "tracker.jobs:run_claimed"
    assert "hour='6'" in str(sweep_job.trigger) and "minute='0'" in str(sweep_job.trigger)
    assert sweep_job.kwargs == {"job_id": "flag-sweep", "settings": settings}
    assert scheduler.get_job("flag-sweep-at-start").trigger.__class__.__name__ == "DateTrigger"
    assert "hour='7'" in str(scheduler.get_job("notification-digest").trigger)


def test_the_digest_hour_comes_from_the_settings(settings):
    settings.digest_hour = 16
    [digest] = [job for job in declared_jobs(settings) if job.id == "notification-digest"]
    assert digest.trigger_args == {"hour": 16, "minute": 0}


def test_triggering_the_sweep_job_runs_a_sweep(scheduler, settings, client):
    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    reconcile(scheduler, settings)
    done = threading.Event()
    outcome: dict[str, object] = {}

    def listen(event):  # type: ignore[no-untyped-def]
        if event.job_id == "flag-sweep":
            outcome["error"] = event.exception
            outcome["value"] = event.retval
            done.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    for make_up in ("flag-sweep-at-start", "notification-digest-at-start"):
        scheduler.remove_job(make_up)  # this test is about the daily job itself
    job = scheduler.get_job("flag-sweep")
    # Run it now, as if today were 2027-01-15 (the job itself reads the clock otherwise).
    job.modify(
        kwargs={**job.kwargs, "as_of": date(2027, 1, 15)},
        next_run_time=datetime.now(scheduler.timezone),
    )
    scheduler.resume()
    assert done.wait(timeout=30), "the sweep job did not run"
    assert outcome["error"] is None
    assert len(outcome["value"].report.opened) == 1  # type: ignore[union-attr]
    assert [f["kind"] for f in flags(client)] == ["review_upcoming"]


def test_serve_starts_the_scheduler_in_process(app):
    scheduler = start_background_scheduler(app)
    try:
        assert scheduler.running
        assert app.extensions["tracker_scheduler"] is scheduler
        recurring = [j.id for j in scheduler.get_jobs() if not j.id.endswith("-at-start")]
        assert sorted(recurring) == ["flag-sweep", "notification-digest"]
    finally:
        scheduler.shutdown(wait=True)


def test_cli_lists_the_declared_jobs(cli):
    from tracker.cli import main

    result = cli.invoke(main, ["scheduler", "jobs"])
    assert result.exit_code == 0, result.output
    assert "flag-sweep: tracker.flags.jobs:sweep (cron hour=6 minute=0)" in result.output


def test_scheduler_run_starts_a_blocking_scheduler_with_the_declared_jobs(cli, monkeypatch):
    from apscheduler.schedulers.blocking import BlockingScheduler

    from tracker.cli import main

    seen: list[list[str]] = []

    def start(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Instead of blocking until stopped: note the jobs and stop as Ctrl-C would.
        seen.append(sorted(job.id for job in self.get_jobs()))
        raise KeyboardInterrupt

    monkeypatch.setattr(BlockingScheduler, "start", start)
    result = cli.invoke(main, ["scheduler", "run"])
    assert result.exit_code == 0, result.output
    assert seen == [["flag-sweep", "flag-sweep-at-start", "notification-digest",
                     "notification-digest-at-start"]]
    assert "Scheduler running jobs flag-sweep, notification-digest (Europe/Oslo)" in result.output
