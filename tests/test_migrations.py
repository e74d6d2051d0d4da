"""The migration chain goes from empty to head and back to empty on both databases."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tests.conftest import make_settings
from tracker import migrate


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path)
    expected = set(SQLModel.metadata.tables)
    assert _tables(database_url) == expected  # the fixture database is at head
    migrate.downgrade(settings, "base")
    assert _tables(database_url) == set()
    migrate.upgrade(settings)
    assert _tables(database_url) == expected


def test_models_and_migrations_agree(database_url):
    """Autogenerate finds nothing to add: the migrations build exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
