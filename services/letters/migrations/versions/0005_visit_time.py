"""the visit letters waits on (team and fixed time), and why a revoked document was revoked

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('visit',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('inspection', sa.JSON(), nullable=True),
    sa.Column('inspectors', sa.JSON(), nullable=True),
    sa.Column('schedule', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id')
    )
    with op.batch_alter_table('document') as batch_op:
        batch_op.add_column(sa.Column('revoked_reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document') as batch_op:
        batch_op.drop_column('revoked_reason')
    op.drop_table('visit')
