"""one visit time per visit: visit_schedule

Issue #11: the team leader (or a clerk) fixes the visit's date and time within its window; draw keeps the team as
announced, the fixed time (UTC), its version and the history of changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 15:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('visit_schedule',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('leader_id', sa.String(length=36), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('company', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('scheduled_by', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('team_as_of', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id')
    )
    with op.batch_alter_table('visit_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_schedule_leader_id'), ['leader_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visit_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_schedule_leader_id'))
    op.drop_table('visit_schedule')
