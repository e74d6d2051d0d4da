"""Large imports on SQLite: rows staged by ADBC land whole, exactly as executemany stores them.

The stage files are used from `storage.MIN_STAGED_ROWS` rows on; these tests lower the
threshold and the chunk size so that a small extract takes the path a million-row one does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.feeds.helpers import CRAFTED, csv_bytes, stored
from tracker.feeds import counts as feed_counts
from tracker.feeds import service, storage
from tracker.feeds.validation import validate_extract

TRICKY = ['Sykehus "Sør"', "Oslo; Akershus", "tab\tinne", "kvote's", "ÆØÅ æøå – ≥ 50 %", "\\N",
          "NULL", ","]
COLUMNS = ", ".join(f"{name}, typeof({name})" for name in [
    "row_no", "patient_id", "treatment_start", "last_followup", "health_trust", "region",
    "birth_year", "sex", "subgroup", "treatment_line", "treatment_stop", "death_date",
    "entry_date", "os_days", "os_event", "entry_days"])


@pytest.fixture
def backend() -> str:
    """Staging is SQLite's path; PostgreSQL copies the rows in (test_storage.py)."""
    return "sqlite"


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stage every import, 7 rows per stage file."""
    monkeypatch.setattr(storage, "MIN_STAGED_ROWS", 0)
    monkeypatch.setattr(storage, "STAGE_ROWS", 7)


def _records(n: int, prefix: str = "PSN") -> list[dict[str, str]]:
    records = [dict(CRAFTED[i % len(CRAFTED)], patient_id=f"{prefix}-{i:03d}",
                    subgroup=TRICKY[i % len(TRICKY)]) for i in range(n)]
    records[5]["region"] = ""
    records[6]["birth_year"] = ""
    return records


def _import(session: Session, intro_id: int, content: bytes, cut: date = date(2025, 12, 31),
            name: str = "uttrekk.csv"):  # type: ignore[no-untyped-def]
    return service.import_extract(session=session, introduction_id=intro_id,
                                  source_code="INSPIRE", data_cut=cut, file_name=name,
                                  content=content, uploader="test", as_of=date(2026, 6, 30))


def _leftovers(app) -> list[Path]:  # type: ignore[no-untyped-def]
    folder = Path(app.extensions["tracker_engine"].url.database).parent
    return sorted(folder.glob("*feed-stage*"))


def test_staged_rows_are_stored_exactly_as_executemany_stores_them(session, monkeypatch, intro):
    columns = validate_extract(csv_bytes(_records(23)), data_cut=date(2025, 12, 31),
                               decision_date=None).columns
    storage.insert_records(session=session, delivery_id=1, columns=columns)
    monkeypatch.setattr(storage, "MIN_STAGED_ROWS", 0)
    monkeypatch.setattr(storage, "STAGE_ROWS", 7)  # four stage files
    storage.insert_records(session=session, delivery_id=2, columns=columns)
    query = f"SELECT {COLUMNS} FROM feed_record WHERE delivery_id = :d ORDER BY row_no"
    by_executemany = session.execute(text(query), {"d": 1}).all()
    by_stages = session.execute(text(query), {"d": 2}).all()
    assert len(by_stages) == 23 and by_stages == by_executemany
    first = by_stages[0]._mapping
    assert first["typeof(treatment_start)"] == "text" and first["treatment_start"] == "2024-04-01"
    assert first["typeof(birth_year)"] == "integer" and first["typeof(os_event)"] == "integer"
    assert by_stages[5]._mapping["region"] is None
    assert by_stages[6]._mapping["typeof(birth_year)"] == "null"
    session.rollback()


def test_a_staged_import_reads_back_through_the_services(client, app, session, intro, staged):
    delivery, created = _import(session, intro["id"], csv_bytes(_records(23)))
    session.commit()
    assert created and stored(app) == (1, 23)
    rows, total = service.patient_endpoints(session=session, delivery_id=delivery.id,
                                            limit=100, offset=0)
    assert total == 23 and [r.row_no for r in rows] == list(range(2, 25))
    assert rows[0].treatment_start == date(2024, 4, 1) and rows[0].death_date == date(2024, 10, 1)
    assert [r.subgroup for r in rows] == [TRICKY[i % len(TRICKY)].strip() for i in range(23)]
    assert rows[5].region is None and rows[6].birth_year is None
    assert _leftovers(app) == []


def test_a_failure_after_staging_stores_nothing_and_leaves_no_file(
    client, app, session, intro, staged, monkeypatch
):
    def fail(**_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(feed_counts, "store", fail)
    with pytest.raises(RuntimeError):
        _import(session, intro["id"], csv_bytes(_records(23)))
    session.rollback()
    session.close()
    assert stored(app) == (0, 0)
    assert _leftovers(app) == []


def test_a_failure_while_staging_stores_nothing_and_leaves_no_file(
    client, app, session, intro, staged, monkeypatch
):
    write = storage._write_stage
    calls = []

    def fail_on_the_third(path: Path, chunk: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        write(path, chunk)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "_write_stage", fail_on_the_third)
    with pytest.raises(OSError):
        _import(session, intro["id"], csv_bytes(_records(23)))
    session.rollback()
    session.close()
    assert stored(app) == (0, 0)
    assert _leftovers(app) == []


def test_more_imports_in_one_transaction_than_sqlite_can_attach(client, app, session, intro,
                                                                staged):
    # Seeding imports many extracts in one transaction; each stage stays attached until the
    # transaction ends, and SQLite attaches at most 10 databases.
    for i in range(12):
        _import(session, intro["id"], csv_bytes(_records(23, prefix=f"P{i:02d}")),
                cut=date(2025, 12, 31) + timedelta(days=i), name=f"uttrekk-{i}.csv")
    session.commit()
    session.close()
    assert stored(app) == (12, 12 * 23)
    assert _leftovers(app) == []
    with app.extensions["tracker_engine"].connect() as connection:
        names = [row[1] for row in connection.exec_driver_sql("PRAGMA database_list")]
    assert names == ["main"]


CHILD = """
import sys, time
from datetime import date
from tracker.auth import SEED, acting_as
from tracker.db import make_engine, session_scope
from tracker.feeds import service, storage
from tracker.settings import Settings

url, instance, intro_id, path, marker = sys.argv[1:]
storage.MIN_STAGED_ROWS, storage.STAGE_ROWS = 0, 7
write = storage._write_stage
def write_then_hang(stage, chunk):
    write(stage, chunk)
    if stage.name.endswith("-2.db"):  # stage 0 is copied in, stage 1 waits, stage 2 written
        open(marker, "w").close()
        time.sleep(120)
storage._write_stage = write_then_hang
engine = make_engine(Settings(env="test", database_url=url, instance_path=instance))
with acting_as(SEED), session_scope(engine) as session:
    service.import_extract(session=session, introduction_id=int(intro_id),
                           source_code="INSPIRE", data_cut=date(2025, 12, 31),
                           file_name="uttrekk.csv", content=open(path, "rb").read(),
                           uploader="test")
"""


def test_a_process_killed_midway_stores_nothing_and_its_stages_are_removed_later(
    client, app, session, settings, intro, staged, tmp_path
):
    content = csv_bytes(_records(23))
    extract_file, marker = tmp_path / "uttrekk.csv", tmp_path / "staged"
    extract_file.write_bytes(content)
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), settings.sqlalchemy_url,
         str(settings.instance_path), str(intro["id"]), str(extract_file), str(marker)],
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert stored(app) == (0, 0)
    assert _leftovers(app)  # written by the killed process, not yet attached
    delivery, created = _import(session, intro["id"], content)
    session.commit()
    assert created and stored(app) == (1, 23)
    assert _leftovers(app) == []
