"""settlements of outcome-based agreements: periods, patient lines, credit notes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Issue #17: one settlement per agreement and period, its append-only patient lines (adjustments
refer to the original line) and a credit note per trust with its steps.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('settlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('totals', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['price_agreement.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['delivery_id'], ['feed_delivery.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agreement_id', 'period_start')
    )
    with op.batch_alter_table('settlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('health_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('amount_nok', sa.Float(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlement.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('settlement_id', 'health_trust')
    )
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_note_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_note_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_note_state'), ['state'], unique=False)

    op.create_table('settlement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('adjusts_line_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('health_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('treatment_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('patient_class', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('amount_nok', sa.Float(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adjusts_line_id'], ['settlement_line.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlement.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('settlement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_line_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_line_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_line_settlement_id'), ['settlement_id'], unique=False)

    op.create_table('credit_note_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('at', sa.Date(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_note.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_note_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_note_step_credit_note_id'), ['credit_note_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('credit_note_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_note_step_credit_note_id'))

    op.drop_table('credit_note_step')
    with op.batch_alter_table('settlement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_line_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_line_patient_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_line_agreement_id'))

    op.drop_table('settlement_line')
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_note_state'))
        batch_op.drop_index(batch_op.f('ix_credit_note_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_credit_note_agreement_id'))

    op.drop_table('credit_note')
    with op.batch_alter_table('settlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_agreement_id'))

    op.drop_table('settlement')

