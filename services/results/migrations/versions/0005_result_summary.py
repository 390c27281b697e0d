"""public summaries of results, written and released by the department's approver (issue 13, N8)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('result_summary',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('result_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_by', sa.String(length=100), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_by', sa.String(length=100), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['result_id'], ['result.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('result_id', 'version', name='uq_result_summary_result_version')
    )
    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_summary_result_id'), ['result_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_summary_result_id'))
    op.drop_table('result_summary')
