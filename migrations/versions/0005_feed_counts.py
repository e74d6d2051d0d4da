"""per-delivery count tables, computed once at import

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_count",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=3), nullable=False),
        sa.Column("time_days", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("censored", sa.Integer(), nullable=False),
        sa.Column("entered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["feed_delivery.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("delivery_id", "endpoint", "time_days"),
    )


def downgrade() -> None:
    op.drop_table("feed_count")
