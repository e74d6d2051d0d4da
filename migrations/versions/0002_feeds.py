"""registry feeds: deliveries with provenance and patients' treatment courses

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

`feed_record` has the primary key (delivery_id, row_no): it is the index every query of the
rows filters on, and one index less to maintain when a million rows are copied in. It has no
foreign key to `feed_delivery` (PostgreSQL would check it row by row, doubling the time of a
large COPY); instead a trigger deletes a delivery's rows with the delivery, as ON DELETE CASCADE
would, and the rows are only ever written together with their delivery.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table('feed_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('introduction_id', sa.Integer(), nullable=False),
    sa.Column('data_source_id', sa.Integer(), nullable=False),
    sa.Column('data_cut', sa.Date(), nullable=False),
    sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('uploader', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('warnings', JSON, nullable=False),
    sa.Column('extra_columns', JSON, nullable=False),
    sa.Column('superseded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['data_source_id'], ['data_source.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['introduction_id'], ['temporary_introduction.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['feed_delivery.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('introduction_id', 'data_source_id', 'sha256', name='uq_feed_delivery_file')
    )
    with op.batch_alter_table('feed_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_delivery_data_source_id'), ['data_source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_delivery_introduction_id'), ['introduction_id'], unique=False)

    op.create_table('feed_record',
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('patient_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('treatment_start', sa.Date(), nullable=False),
    sa.Column('last_followup', sa.Date(), nullable=False),
    sa.Column('health_trust', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('diagnosis', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('subgroup', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('treatment_line', sa.Integer(), nullable=True),
    sa.Column('treatment_stop', sa.Date(), nullable=True),
    sa.Column('stop_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('progression_date', sa.Date(), nullable=True),
    sa.Column('death_date', sa.Date(), nullable=True),
    sa.Column('best_response', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('entry_date', sa.Date(), nullable=True),
    sa.Column('os_days', sa.Integer(), nullable=False),
    sa.Column('os_event', sa.SmallInteger(), nullable=False),
    sa.Column('pfs_days', sa.Integer(), nullable=False),
    sa.Column('pfs_event', sa.SmallInteger(), nullable=False),
    sa.Column('ttd_days', sa.Integer(), nullable=False),
    sa.Column('ttd_event', sa.SmallInteger(), nullable=False),
    sa.Column('entry_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('delivery_id', 'row_no')
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION feed_delivery_delete_records() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN DELETE FROM feed_record WHERE delivery_id = OLD.id; RETURN OLD; END $$"
        )
        op.execute(
            "CREATE TRIGGER feed_delivery_delete_records AFTER DELETE ON feed_delivery "
            "FOR EACH ROW EXECUTE FUNCTION feed_delivery_delete_records()"
        )
    else:
        op.execute(
            "CREATE TRIGGER feed_delivery_delete_records AFTER DELETE ON feed_delivery "
            "FOR EACH ROW BEGIN DELETE FROM feed_record WHERE delivery_id = OLD.id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS feed_delivery_delete_records ON feed_delivery")
        op.execute("DROP FUNCTION IF EXISTS feed_delivery_delete_records()")
    else:
        op.execute("DROP TRIGGER IF EXISTS feed_delivery_delete_records")
    op.drop_table('feed_record')
    with op.batch_alter_table('feed_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_delivery_introduction_id'))
        batch_op.drop_index(batch_op.f('ix_feed_delivery_data_source_id'))
    op.drop_table('feed_delivery')
