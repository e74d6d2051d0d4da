"""`tracker feeds ...` and `tracker seed feeds`: import extracts and load the synthetic ones."""

from __future__ import annotations

import getpass
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from tracker.settings import Settings

MAX_PRINTED = 50


def _report_failure(exc: Any) -> None:
    click.echo(f"Nothing was stored: {exc.message}", err=True)
    details = exc.details if isinstance(exc.details, list) else []
    for detail in details[:MAX_PRINTED]:
        click.echo(f"  {detail.get('field', '')}: {detail.get('message', '')}", err=True)
    total = getattr(exc, "total_problems", len(details))
    if total > MAX_PRINTED:
        click.echo(f"  ... and {total - MAX_PRINTED} more problem(s)", err=True)


def _login_name() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in containers without a passwd entry
        return "cli"


@click.group("feeds")
def feeds() -> None:
    """Registry feeds: patient-level extracts for temporary introductions."""


@feeds.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--introduction", "introduction_id", type=int, required=True,
              help="Id of the temporary introduction.")
@click.option("--source", required=True, help="Data-source code, e.g. INSPIRE or NPR.")
@click.option("--data-cut", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The extract's data cut, YYYY-MM-DD.")
@click.option("--uploader", default=None, help="Recorded as uploader (default: cli:<login>).")
def import_command(
    file: Path, introduction_id: int, source: str, data_cut: datetime, uploader: str | None
) -> None:
    """Validate FILE (CSV or Parquet) and import it; nothing is stored if it has problems."""
    from tracker.auth import SYSTEM, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.errors import TrackerError
    from tracker.feeds import service

    engine = make_engine(Settings())
    try:
        with acting_as(SYSTEM), session_scope(engine) as session:
            delivery, created = service.import_extract(
                session=session, introduction_id=introduction_id, source_code=source,
                data_cut=data_cut.date(), file_name=file.name, content=file.read_bytes(),
                uploader=uploader or _login_name(),
            )
            summary = (delivery.id, delivery.row_count, delivery.sha256, list(delivery.warnings),
                       delivery.superseded_at is None)
    except TrackerError as exc:
        _report_failure(exc)
        sys.exit(1)
    finally:
        engine.dispose()
    delivery_id, rows, digest, warnings, current = summary
    if not created:
        click.echo(f"Already imported as delivery {delivery_id} (sha256 {digest}); "
                   "nothing changed.")
        return
    click.echo(f"Imported delivery {delivery_id}: {rows} rows from {source}, data cut "
               f"{data_cut.date().isoformat()}, sha256 {digest}.")
    if not current:
        click.echo("  Superseded at once: a delivery with a later data cut is already in use.")
    for warning in warnings:
        click.echo(f"  warning: {warning['message']}")


@feeds.command("list")
@click.option("--introduction", "introduction_id", type=int, required=True)
def list_command(introduction_id: int) -> None:
    """List an introduction's deliveries, newest first."""
    from tracker.db import make_engine, session_scope
    from tracker.errors import TrackerError
    from tracker.feeds import service

    engine = make_engine(Settings())
    try:
        with session_scope(engine) as session:
            rows = service.deliveries(session=session, introduction_id=introduction_id)
            codes = service.source_codes(session=session, ids={d.data_source_id for d in rows})
            lines = [
                f"{d.id:>5}  {codes.get(d.data_source_id, '?'):<16} {d.data_cut.isoformat()}  "
                f"{d.row_count:>8} rows  {'current' if d.superseded_at is None else 'superseded'}"
                f"  {d.file_name}"
                for d in rows
            ]
    except TrackerError as exc:
        _report_failure(exc)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo("\n".join(lines) if lines else "No deliveries.")


@click.command("feeds")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the extract files (default: <instance>/synthetic_feeds).")
def seed_feeds_command(out_dir: Path | None) -> None:
    """Write and import synthetic registry extracts for the demo introductions."""
    from tracker.auth import SEED, acting_as
    from tracker.db import make_engine, session_scope
    from tracker.errors import TrackerError
    from tracker.feeds.seeding import seed_feeds
    from tracker.seeding import SeedReport, raise_flags
    from tracker.settlements.seeding import seed_settlements
    from tracker.timeutil import today

    settings = Settings()
    engine = make_engine(settings)
    as_of: date = today()
    try:
        with acting_as(SEED), session_scope(engine) as session:
            report = seed_feeds(session=session, as_of=as_of,
                                out_dir=out_dir or settings.instance_path / "synthetic_feeds")
            # The deliveries let an outcome-based agreement settle its first period.
            settled = seed_settlements(session=session, as_of=as_of)
            # The deliveries meet milestones and show divergences: raise and close flags now.
            flags = SeedReport()
            raise_flags(session, flags, as_of)
    except TrackerError as exc:
        _report_failure(exc)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(str(report))
    click.echo(f"settled periods: {len(settled)} added"
               + "".join(f"\n  agreement {item}" for item in settled))
    click.echo(str(flags))
    if report.missing and not (report.added or report.existing):
        sys.exit(1)
