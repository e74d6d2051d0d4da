"""settlement lines: no index on the patient pseudonym

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

No query reads settlement lines by patient alone (they are read by settlement, trust or
agreement), and keeping the index cost a third of the time of storing a quarter's 130,000
lines (bench/bench_settlement.py).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("settlement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_line_patient_id"))


def downgrade() -> None:
    with op.batch_alter_table("settlement_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settlement_line_patient_id"), ["patient_id"],
                              unique=False)
