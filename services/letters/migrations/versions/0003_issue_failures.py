"""issue failures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 21:28:40.399236

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('issue_failure',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('issue_failure')
