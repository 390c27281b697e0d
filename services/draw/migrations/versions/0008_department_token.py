"""department API tokens known by hash (department.token_rotated)

draw honours a department's API token too (naming its officers, its naming tasks): it keeps the current hash per
department, as letters and results do.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 16:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('department_token',
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('department'),
    sa.UniqueConstraint('token_hash')
    )


def downgrade() -> None:
    op.drop_table('department_token')
