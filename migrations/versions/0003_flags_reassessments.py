"""flags, notifications, reassessment cases and phase-out plans

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Two partial unique indexes carry the concurrency guarantees: at most one open flag per
(subject_type, subject_id, kind), and at most one undecided reassessment case per introduction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notification_preference',
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('last_digest_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('recipient')
    )
    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('introduction_id', sa.Integer(), nullable=True),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('facts', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('close_reason', sa.String(length=20), nullable=True),
    sa.Column('acknowledged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('acknowledged_reason', sa.Text(), nullable=True),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('snoozed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('snoozed_reason', sa.Text(), nullable=True),
    sa.Column('notified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['introduction_id'], ['temporary_introduction.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_introduction_id'), ['introduction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_kind'), ['kind'], unique=False)
        batch_op.create_index('uq_flag_open_subject_kind', ['subject_type', 'subject_id', 'kind'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.create_table('reassessment_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('introduction_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('follows_case_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('decision', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['follows_case_id'], ['reassessment_case.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['introduction_id'], ['temporary_introduction.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reassessment_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reassessment_case_introduction_id'), ['introduction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reassessment_case_state'), ['state'], unique=False)
        batch_op.create_index('uq_reassessment_case_undecided', ['introduction_id'], unique=True, sqlite_where=sa.text("state <> 'decided'"), postgresql_where=sa.text("state <> 'decided'"))

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_flag_id'), ['flag_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_recipient'), ['recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_sent_at'), ['sent_at'], unique=False)

    op.create_table('phaseout_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('introduction_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('new_patients_stop_date', sa.Date(), nullable=False),
    sa.Column('patients_on_treatment', sa.Text(), nullable=False),
    sa.Column('subgroups', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['reassessment_case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['introduction_id'], ['temporary_introduction.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    with op.batch_alter_table('phaseout_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phaseout_plan_introduction_id'), ['introduction_id'], unique=False)

    op.create_table('reassessment_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=False),
    sa.Column('at', sa.Date(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['reassessment_case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reassessment_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reassessment_step_case_id'), ['case_id'], unique=False)

    op.create_table('phaseout_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['phaseout_plan.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'key')
    )
    with op.batch_alter_table('phaseout_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phaseout_step_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_phaseout_step_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('phaseout_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phaseout_step_plan_id'))
        batch_op.drop_index(batch_op.f('ix_phaseout_step_due_date'))

    op.drop_table('phaseout_step')
    with op.batch_alter_table('reassessment_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reassessment_step_case_id'))

    op.drop_table('reassessment_step')
    with op.batch_alter_table('phaseout_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phaseout_plan_introduction_id'))

    op.drop_table('phaseout_plan')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_sent_at'))
        batch_op.drop_index(batch_op.f('ix_notification_recipient'))
        batch_op.drop_index(batch_op.f('ix_notification_flag_id'))

    op.drop_table('notification')
    with op.batch_alter_table('reassessment_case', schema=None) as batch_op:
        batch_op.drop_index('uq_reassessment_case_undecided', sqlite_where=sa.text("state <> 'decided'"), postgresql_where=sa.text("state <> 'decided'"))
        batch_op.drop_index(batch_op.f('ix_reassessment_case_state'))
        batch_op.drop_index(batch_op.f('ix_reassessment_case_introduction_id'))

    op.drop_table('reassessment_case')
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index('uq_flag_open_subject_kind', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_flag_kind'))
        batch_op.drop_index(batch_op.f('ix_flag_introduction_id'))
        batch_op.drop_index(batch_op.f('ix_flag_due_date'))
        batch_op.drop_index(batch_op.f('ix_flag_closed_at'))

    op.drop_table('flag')
    op.drop_table('notification_preference')
