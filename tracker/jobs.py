"""Periodic jobs, declared as data and reconciled into APScheduler 3.

The jobs only sweep: what is due, what was flagged and who was told live in the domain tables,
and every job is idempotent. Hence the job store is APScheduler's *memory* store, not a SQLAlchemy
one: the declarations below are the single source of truth and are re-added with
`replace_existing=True` on every start, so a restart never duplicates a job; a run missed while
nothing was running is simply caught up by the next run (the sweep looks at the state on its date,
not at what happened since the last run). A persistent store would add a second copy of the
schedule to keep in step with the code, and would pickle the job arguments (the settings, with
the SMTP password) into the database. If two schedulers run by mistake (`tracker serve` with the
scheduler enabled and `tracker scheduler run`), the database still raises each flag once and sends
each notification once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from tracker.settings import Settings

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler
    from flask import Flask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A periodic job: a textual reference to its function and its trigger."""

    id: str
    func: str
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    name: str = ""


def declared_jobs(settings: Settings) -> list[Job]:
    """Return the periodic jobs (their hours come from the settings)."""
    return [
        Job(id="flag-sweep", func="tracker.flags.jobs:sweep", trigger="cron",
            trigger_args={"hour": settings.sweep_hour, "minute": 0},
            name="Daily flag sweep and immediate notifications"),
        Job(id="notification-digest", func="tracker.flags.jobs:digest", trigger="cron",
            trigger_args={"hour": settings.digest_hour, "minute": 0},
            name="Daily digest e-mails"),
    ]


def reconcile(scheduler: BaseScheduler, settings: Settings) -> list[str]:
    """Make the scheduler hold exactly the declared jobs; return their ids."""
    declared = declared_jobs(settings)
    wanted = {job.id for job in declared}
    for existing in scheduler.get_jobs():
        if existing.id not in wanted:
            scheduler.remove_job(existing.id)
    for job in declared:
        scheduler.add_job(
            job.func, trigger=job.trigger, id=job.id, name=job.name or job.id,
            kwargs={"settings": settings}, replace_existing=True,
            # A late run still runs once; runs piled up while asleep collapse into one.
            coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
            **job.trigger_args,
        )
    return sorted(wanted)


def _scheduler(kind: str, settings: Settings) -> BaseScheduler:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    cls = BackgroundScheduler if kind == "background" else BlockingScheduler
    return cls(timezone=settings.scheduler_timezone)


def start_background_scheduler(app: Flask) -> BaseScheduler:
    """Run the jobs in a thread of this process (`tracker serve`, the single-machine default)."""
    import atexit

    settings: Settings = app.extensions["tracker_settings"]
    scheduler = _scheduler("background", settings)
    reconcile(scheduler, settings)
    scheduler.start()
    app.extensions["tracker_scheduler"] = scheduler
    atexit.register(lambda: scheduler.running and scheduler.shutdown(wait=False))
    log.info("Scheduler started in-process with jobs %s", [j.id for j in scheduler.get_jobs()])
    return scheduler


def run_blocking_scheduler(settings: Settings) -> None:
    """Run the jobs in this process until it is stopped (`tracker scheduler run`)."""
    scheduler = _scheduler("blocking", settings)
    ids = reconcile(scheduler, settings)
    click.echo(f"Scheduler running jobs {', '.join(ids)} ({settings.scheduler_timezone}); "
               "stop with Ctrl-C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.group("scheduler")
def scheduler_cli() -> None:
    """The periodic jobs (daily flag sweep and digest)."""


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler as its own process (production: run serve with it disabled)."""
    run_blocking_scheduler(Settings())


@scheduler_cli.command("jobs")
def scheduler_jobs() -> None:
    """List the declared jobs and their triggers."""
    for job in declared_jobs(Settings()):
        args = " ".join(f"{k}={v}" for k, v in job.trigger_args.items())
        click.echo(f"{job.id}: {job.func} ({job.trigger} {args})")
