"""row versions on flags and phase-out steps, for optimistic locking

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Acknowledging or snoozing a flag and marking a phase-out step done now carry the version they
were based on, and the database refuses a write based on an older one. Existing rows start at
version 1 (the server default, kept so that SQLite adds the column without rebuilding the table).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("flag", "phaseout_step")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
