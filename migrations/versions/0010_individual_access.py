"""individual access: the case register, its steps, the committee; users get a health trust

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

One register for the exception scheme, group exceptions and Tilgangsordningen (issue #16), the
assessment committee's roster, meetings and attendance, and the trust of a user (medical
directors and clinicians act for their own trust).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('committee_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('papers_sent_on', sa.Date(), nullable=True),
    sa.Column('extra', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_meeting_held_on'), ['held_on'], unique=True)

    op.create_table('committee_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('committee_role', sa.String(length=20), nullable=False),
    sa.Column('health_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('medical_director', sa.Boolean(), nullable=False),
    sa.Column('substitute_for_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('active_from', sa.Date(), nullable=False),
    sa.Column('active_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['substitute_for_id'], ['committee_member.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('access_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('method_id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('diagnosis_icd10', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('diagnosis_group', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('sending_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('residence_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('residence_region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('paying_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('application', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decision', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('publication_status', sa.String(length=20), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['method_id'], ['method.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_case_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_diagnosis_group'), ['diagnosis_group'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_method_id'), ['method_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_scheme'), ['scheme'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_sending_trust'), ['sending_trust'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_case_state'), ['state'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['committee_member.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'member_id')
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendance_member_id'), ['member_id'], unique=False)

    op.create_table('access_case_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=False),
    sa.Column('at', sa.Date(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['access_case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_case_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_case_step_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('health_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('health_trust')

    with op.batch_alter_table('access_case_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_case_step_case_id'))

    op.drop_table('access_case_step')
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_member_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_meeting_id'))

    op.drop_table('meeting_attendance')
    with op.batch_alter_table('access_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_case_state'))
        batch_op.drop_index(batch_op.f('ix_access_case_sending_trust'))
        batch_op.drop_index(batch_op.f('ix_access_case_scheme'))
        batch_op.drop_index(batch_op.f('ix_access_case_region'))
        batch_op.drop_index(batch_op.f('ix_access_case_received_on'))
        batch_op.drop_index(batch_op.f('ix_access_case_outcome'))
        batch_op.drop_index(batch_op.f('ix_access_case_method_id'))
        batch_op.drop_index(batch_op.f('ix_access_case_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_access_case_diagnosis_group'))
        batch_op.drop_index(batch_op.f('ix_access_case_decided_on'))

    op.drop_table('access_case')
    op.drop_table('committee_member')
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_meeting_held_on'))

    op.drop_table('committee_meeting')

