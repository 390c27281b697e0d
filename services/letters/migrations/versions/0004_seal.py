"""seal images uploaded by the bureau

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 02:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('seal',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('issuer_code', sa.String(length=40), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_index('ix_seal_issuer_code', 'seal', ['issuer_code'])


def downgrade() -> None:
    op.drop_index('ix_seal_issuer_code', table_name='seal')
    op.drop_table('seal')
