"""Run Alembic migrations from code (CLI and tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from tracker.settings import PROJECT_ROOT, Settings

MIGRATIONS = PROJECT_ROOT / "migrations"


def alembic_config(settings: Settings) -> Config:
    """Return an Alembic config for the settings' database."""
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.sqlalchemy_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "heads") -> None:
    """Migrate the database up to `revision` (default: the newest schema)."""
    if settings.sqlalchemy_url.startswith("sqlite:///"):
        settings.instance_path.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Migrate the database down to `revision` (default: empty)."""
    command.downgrade(alembic_config(settings), revision)
