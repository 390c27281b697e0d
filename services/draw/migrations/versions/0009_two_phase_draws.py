"""two-phase draws: a commitment freezes its pool; public randomness entered afterwards draws it (issue 13)

A seed commitment is now made for one draw (its subject, purpose, department, count), and its pool is frozen right
after it; the public randomness entry records the lottery's issue and draw time; a draw record keeps the randomness
that made it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 18:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COMMITMENT_COLUMNS = (
    ('subject_kind', sa.String(length=20)), ('subject_id', sa.String(length=36)), ('purpose', sa.String(length=60)),
    ('department', sa.String(length=20)), ('algorithm', sa.String(length=20)), ('count', sa.Integer()),
    ('pool', sa.JSON()), ('pool_hash', sa.String(length=128)), ('pool_frozen_at', sa.DateTime(timezone=True)),
    ('excluded', sa.JSON()), ('context', sa.JSON()), ('randomness_id', sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table('seed_commitment', schema=None) as batch_op:
        for name, type_ in COMMITMENT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index(batch_op.f('ix_seed_commitment_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seed_commitment_randomness_id'), ['randomness_id'], unique=False)
    with op.batch_alter_table('public_numbers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issue', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('randomness', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.drop_column('randomness')
    with op.batch_alter_table('public_numbers', schema=None) as batch_op:
        batch_op.drop_column('drawn_at')
        batch_op.drop_column('issue')
    with op.batch_alter_table('seed_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seed_commitment_randomness_id'))
        batch_op.drop_index(batch_op.f('ix_seed_commitment_subject_id'))
        for name, _type in reversed(COMMITMENT_COLUMNS):
            batch_op.drop_column(name)
