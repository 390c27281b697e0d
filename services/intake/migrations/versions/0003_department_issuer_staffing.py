"""departments: the issuer of letters they lead (name, 机关代字) and how they staff a visit (S12, N2)

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('department') as batch:
        batch.add_column(sa.Column('issuer_name', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('issuer_code', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('staffing', sa.String(length=20), server_default='library', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('department') as batch:
        batch.drop_column('staffing')
        batch.drop_column('issuer_code')
        batch.drop_column('issuer_name')
