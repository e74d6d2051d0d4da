"""Periodic jobs, declared as data and reconciled into APScheduler 3.

The jobs only sweep: what is due, what was flagged and who was told live in the domain tables,
and every job is idempotent. Hence the job store is APScheduler's *memory* store, not a SQLAlchemy
one: the declarations below are the single source of truth and are re-added with
`replace_existing=True` on every start, so a restart never duplicates a job. A persistent store
would add a second copy of the schedule to keep in step with the code, and would pickle the job
arguments (the settings, with the SMTP password) into the database.

What the database does keep is when each job last ran (`tracker.schedule.JobRun`). Every run,
scheduled or not, first claims its due time there, so:

* a run missed while nothing was running (the server was down at the sweep hour) is made up
  once when a scheduler starts, and
* two schedulers by mistake (two machines, or `tracker serve` beside `tracker scheduler run`)
  never both run it.

On one machine a lock file in the instance folder also keeps the workers of a multi-process
server from starting more than one scheduler between them.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import os
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


def run_claimed(*, job_id: str, settings: Settings, **arguments: Any) -> Any:
    """Run a declared job if its latest due time has not been claimed yet; return what the job
    returned, or None if another run has taken it. `arguments` go to the job (e.g. `as_of`).

    The claim is committed before the job starts, so a second scheduler that asks a moment later
    is told no even while the first is still running the job.
    """
    from zoneinfo import ZoneInfo

    from tracker.db import make_engine, session_scope
    from tracker.schedule import claim, due_since
    from tracker.timeutil import utcnow

    job = next(j for j in declared_jobs(settings) if j.id == job_id)
    now = utcnow()
    zone = ZoneInfo(settings.scheduler_timezone)
    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            claimed = claim(session=session, job_id=job_id,
                            due=due_since(int(job.trigger_args["hour"]), now, zone), now=now)
    finally:
        engine.dispose()
    if not claimed:
        log.info("Job %s already ran since it was last due; not run again.", job_id)
        return None
    module, _, name = job.func.partition(":")
    return getattr(importlib.import_module(module), name)(settings=settings, **arguments)


def reconcile(scheduler: BaseScheduler, settings: Settings) -> list[str]:
    """Make the scheduler hold exactly the declared jobs, and a make-up run of each at start.

    Return the ids of the declared jobs.
    """
    declared = declared_jobs(settings)
    wanted = {job.id for job in declared}
    for existing in scheduler.get_jobs():
        if existing.id not in wanted:
            scheduler.remove_job(existing.id)
    for job in declared:
        scheduler.add_job(
            run_claimed, trigger=job.trigger, id=job.id, name=job.name or job.id,
            kwargs={"job_id": job.id, "settings": settings}, replace_existing=True,
            # A late run still runs once; runs piled up while asleep collapse into one.
            coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
            **job.trigger_args,
        )
        # Made up now if it was due while nothing ran; a no-op if it ran since (the claim).
        scheduler.add_job(
            run_claimed, trigger="date", id=f"{job.id}-at-start", name=f"{job.name} (at start)",
            kwargs={"job_id": job.id, "settings": settings}, replace_existing=True,
            misfire_grace_time=None,
        )
    return sorted(wanted)


def _hold_scheduler_lock(settings: Settings) -> int | None:
    """Take the instance's scheduler lock; return its descriptor, or None if another process of
    this instance (another worker of the server) holds it."""
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.instance_path / "scheduler.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _scheduler(kind: str, settings: Settings) -> BaseScheduler:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    cls = BackgroundScheduler if kind == "background" else BlockingScheduler
    return cls(timezone=settings.scheduler_timezone)


def start_background_scheduler(app: Flask) -> BaseScheduler | None:
    """Run the jobs in a thread of this process (`tracker serve`, the single-machine default),
    unless another process of this instance already does: the first worker of the server to
    take the lock runs the one scheduler; return it, or None in the other workers."""
    import atexit

    settings: Settings = app.extensions["tracker_settings"]
    lock = _hold_scheduler_lock(settings)
    if lock is None:
        log.info("Scheduler runs in another process of this instance; not started here.")
        return None
    scheduler = _scheduler("background", settings)
    reconcile(scheduler, settings)
    scheduler.start()
    app.extensions["tracker_scheduler"] = scheduler
    app.extensions["tracker_scheduler_lock"] = lock
    atexit.register(lambda: scheduler.running and scheduler.shutdown(wait=False))
    log.info("Scheduler started in process %s with jobs %s", os.getpid(),
             sorted(j.id for j in scheduler.get_jobs()))
    return scheduler


def run_blocking_scheduler(settings: Settings) -> None:
    """Run the jobs in this process until it is stopped (`tracker scheduler run`)."""
    if _hold_scheduler_lock(settings) is None:
        click.echo("A scheduler of this instance is already running (tracker serve with the "
                   "scheduler enabled?); not starting a second one.", err=True)
        raise SystemExit(1)
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
