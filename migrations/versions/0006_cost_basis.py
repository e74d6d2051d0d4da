"""the price a cost per QALY was computed with (list price: public; confidential price: not)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Introductions stored before this revision have no basis; they are read as computed with the
confidential price, so nothing that was public becomes more public by the upgrade's choice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("temporary_introduction") as batch_op:
        batch_op.add_column(
            sa.Column("cost_per_qaly_basis", sqlmodel.sql.sqltypes.AutoString(length=20),
                      nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("temporary_introduction") as batch_op:
        batch_op.drop_column("cost_per_qaly_basis")
