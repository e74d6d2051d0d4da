"""The `tracker flags` commands: run the sweep or the digest once, for today or a given date."""

from __future__ import annotations

from datetime import date, datetime

import click

from tracker.settings import Settings


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise click.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD.") from exc


today_option = click.option(
    "--today", "today_", metavar="YYYY-MM-DD", default=None,
    help="Run as if this were today (default: the real date).",
)


@click.group("flags")
def flags() -> None:
    """Deadline flags and their notifications."""


@flags.command("scan")
@today_option
def scan(today_: str | None) -> None:
    """Run the flag sweep once: raise, close, notify (safe to repeat)."""
    from tracker.flags import jobs

    outcome = jobs.sweep(Settings(), _day(today_))
    report = outcome.report
    click.echo(
        f"Sweep {report.as_of}: {len(report.opened)} opened, {len(report.closed)} closed, "
        f"{len(report.refreshed)} updated, {report.open_total} open; "
        f"{outcome.notifications_queued} notifications queued, {outcome.emails_sent} e-mails "
        f"sent, {outcome.emails_failed} failed."
    )


@flags.command("digest")
@today_option
def digest(today_: str | None) -> None:
    """Send the daily digest e-mails once (at most one per recipient per day)."""
    from tracker.flags import jobs

    sent = jobs.digest(Settings(), _day(today_))
    click.echo(f"Digest: {sent} e-mails sent.")
