"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 19:39:41.855096

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    create_messaging_tables_v1()
    op.create_table('account',
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=True),
    sa.Column('inspector_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('draw_blocked',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('inspection', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id')
    )
    op.create_table('draw_record',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('pool', sa.JSON(), nullable=False),
    sa.Column('pool_hash', sa.String(length=128), nullable=False),
    sa.Column('excluded', sa.JSON(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=False),
    sa.Column('visit_start', sa.Date(), nullable=False),
    sa.Column('inspectors', sa.JSON(), nullable=False),
    sa.Column('inspection', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspection_id', 'purpose', name='uq_draw_inspection_purpose')
    )
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_record_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('inspector',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('department_name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('certificate_no', sa.String(length=40), nullable=False),
    sa.Column('certificate_issuer', sa.String(length=200), nullable=False),
    sa.Column('certificate_expiry', sa.Date(), nullable=True),
    sa.Column('on_duty', sa.Boolean(), nullable=False),
    sa.Column('established', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('certificate_no')
    )
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_department_code'), ['department_code'], unique=False)

    op.create_table('seed_commitment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('seed_hash', sa.String(length=64), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seed_hash'),
    sa.UniqueConstraint('used_by')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('seed_commitment')
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_department_code'))

    op.drop_table('inspector')
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_record_inspection_id'))

    op.drop_table('draw_record')
    op.drop_table('draw_blocked')
    op.drop_table('account')
    drop_messaging_tables_v1()
