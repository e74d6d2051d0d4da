"""Thin job wrappers: each owns its transactions and calls the flag and notification services.

`sweep` and `digest` are the scheduled jobs (see `tracker.jobs`) and the CLI commands; they make
their own engine. `run_sweep` and `run_digest` take an engine, e.g. the app's for the API.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from tracker.db import make_engine, session_scope
from tracker.flags import notify
from tracker.flags import service as flags_service
from tracker.settings import Settings
from tracker.timeutil import today

log = logging.getLogger(__name__)
T = TypeVar("T")

# Failures that say the SMTP server cannot be reached at all (not that one address was refused).
UNREACHABLE = (ConnectionError, TimeoutError, socket.gaierror, smtplib.SMTPConnectError,
               smtplib.SMTPServerDisconnected)


@dataclass
class SweepOutcome:
    """What a sweep run did: the flag changes and the notifications queued and sent."""

    report: flags_service.SweepReport
    notifications_queued: int = 0
    emails_sent: int = 0
    emails_failed: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = {**asdict(self.report), **asdict(self)}
        del data["report"]
        data["as_of"] = self.report.as_of.isoformat()
        return data


def deliver_emails(engine: Engine, settings: Settings) -> tuple[int, int]:
    """Send every pending immediate e-mail, one transaction each; return (sent, failed)."""
    with session_scope(engine) as session:
        ids = notify.pending_email_ids(session=session)
    sent = failed = 0
    for notification_id in ids:
        try:
            with session_scope(engine) as session:
                if notify.send_pending_email(session=session, notification_id=notification_id,
                                             settings=settings):
                    sent += 1
        except Exception as exc:  # an SMTP or network failure must not break the sweep
            failed += 1
            with session_scope(engine) as session:
                notify.record_failure(session=session, notification_ids=[notification_id],
                                      error=exc)
            if isinstance(exc, UNREACHABLE):
                break  # the server is down: the rest wait for the next run, not for timeouts
    return sent, failed


def run_sweep(engine: Engine, settings: Settings, as_of: date) -> SweepOutcome:
    """Sweep flags, queue notifications for new ones and send the immediate e-mails."""
    with session_scope(engine) as session:
        report = flags_service.sweep(session=session, as_of=as_of, settings=settings)
    with session_scope(engine) as session:
        queued = len(notify.queue(session=session, as_of=as_of))
    sent, failed = deliver_emails(engine, settings)
    outcome = SweepOutcome(report=report, notifications_queued=queued, emails_sent=sent,
                           emails_failed=failed)
    log.info("Flag sweep for %s: %s", as_of, outcome.to_dict())
    return outcome


def run_digest(engine: Engine, settings: Settings, as_of: date) -> int:
    """Send each digest recipient one e-mail for `as_of`; return how many e-mails were sent."""
    with session_scope(engine) as session:
        recipients = notify.digest_recipients(session=session, as_of=as_of)
    sent = 0
    for recipient in recipients:
        try:
            with session_scope(engine) as session:
                if notify.send_digest(session=session, recipient=recipient, as_of=as_of,
                                      settings=settings):
                    sent += 1
        except Exception as exc:  # retried by the next digest run
            log.warning("Digest e-mail to %s failed (%s); it is retried by the next run.",
                        recipient, type(exc).__name__)
    return sent


def _once(settings: Settings, run: Callable[[Engine, Settings, date], T], as_of: date | None) -> T:
    from tracker.auth import JOB, acting_as

    engine = make_engine(settings)
    try:
        with acting_as(JOB):
            return run(engine, settings, as_of or today())
    finally:
        engine.dispose()


def sweep(settings: Settings, as_of: date | None = None) -> SweepOutcome:
    """The scheduled daily sweep (also `tracker flags scan`)."""
    return _once(settings, run_sweep, as_of)


def digest(settings: Settings, as_of: date | None = None) -> int:
    """The scheduled daily digest (also `tracker flags digest`)."""
    return _once(settings, run_digest, as_of)
