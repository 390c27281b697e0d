"""intake catalog versions, rejections, withdrawals, broker users

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 20:11:52.184196

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('item_version',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', 'version')
    )
    op.create_table('rejection',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=True),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_task_id', sa.String(length=36), nullable=True),
    sa.Column('resolved_by', sa.String(length=200), nullable=True),
    sa.Column('resolution_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rejection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejection_department_code'), ['department_code'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_rotated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('broker_user', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint('uq_department_broker_user', ['broker_user'])

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('joint_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=False, server_default='http'))
        batch_op.add_column(sa.Column('uscc_override_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('joint_task', schema=None) as batch_op:
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('uscc_override_reason')
        batch_op.drop_column('channel')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint('uq_department_broker_user', type_='unique')
        batch_op.drop_column('broker_user')
        batch_op.drop_column('token_rotated_at')

    with op.batch_alter_table('rejection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejection_department_code'))

    op.drop_table('rejection')
    op.drop_table('item_version')
