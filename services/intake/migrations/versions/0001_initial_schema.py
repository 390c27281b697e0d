"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 19:39:40.765465

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
    op.create_table('department',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('code'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('item',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('key_points', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('item_class', sa.String(length=10), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_department_code'), ['department_code'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('module', sa.String(length=20), nullable=False),
    sa.Column('lead_department', sa.String(length=20), nullable=False),
    sa.Column('partners', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('intake_deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lead_department'], ['department.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_table('inspection',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('company_uscc', sa.String(length=18), nullable=False),
    sa.Column('company_name', sa.String(length=300), nullable=False),
    sa.Column('company_address', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'company_uscc', name='uq_inspection_plan_company')
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_id'), ['plan_id'], unique=False)

    op.create_table('joint_task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=True),
    sa.Column('window_end', sa.Date(), nullable=True),
    sa.Column('upstream_draw_ref', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], ),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('department_code', 'external_id', name='uq_task_department_external')
    )
    with op.batch_alter_table('joint_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_task_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_task_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('joint_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_joint_task_inspection_id'))

    op.drop_table('joint_task')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_id'))

    op.drop_table('inspection')
    op.drop_table('plan')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_department_code'))

    op.drop_table('item')
    op.drop_table('department')
    drop_messaging_tables_v1()
