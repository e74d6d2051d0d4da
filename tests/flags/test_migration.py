"""Migration 0003 matches the models, and it can be undone and redone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import tracker.models  # noqa: F401 - registers every table
from tracker import migrate

OWN_TABLES = {
    "flag",
    "notification",
    "notification_preference",
    "reassessment_case",
    "reassessment_step",
    "phaseout_plan",
    "phaseout_step",
}


def _table_of(diff: tuple) -> str | None:  # type: ignore[type-arg]
    """Return the table an autogenerate difference is about."""
    for part in diff[1:]:
        if isinstance(part, str) and part in OWN_TABLES:
            return part
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if getattr(part, "name", None) in OWN_TABLES:
            return str(part.name)
    return None


def _flatten(diffs: list) -> list[tuple]:  # type: ignore[type-arg]
    # Column modifications come grouped in lists.
    return [d for item in diffs for d in (item if isinstance(item, list) else [item])]


def test_the_migration_creates_what_the_models_declare(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
            indexes = {ix["name"]: ix for ix in inspect(conn).get_indexes("flag")}
    finally:
        engine.dispose()
    ours = [d for d in _flatten(diffs) if _table_of(d) in OWN_TABLES]
    assert ours == []
    assert indexes["uq_flag_open_subject_kind"]["unique"]


def test_the_migration_has_a_real_downgrade(settings):
    engine = create_engine(settings.sqlalchemy_url)
    try:
        migrate.downgrade(settings, "0003-1")
        assert not OWN_TABLES & set(inspect(engine).get_table_names())
        assert "temporary_introduction" in inspect(engine).get_table_names()
        migrate.upgrade(settings)
        assert OWN_TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
