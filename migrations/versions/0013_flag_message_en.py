"""flags: the message in English beside the Norwegian one

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

The English pages showed each flag's Norwegian message. Flags raised before this migration
have no English wording until the next sweep rewrites them (the pages show the Norwegian one,
marked as Norwegian, meanwhile).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_column("message_en")
