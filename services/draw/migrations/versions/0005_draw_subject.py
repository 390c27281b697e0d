"""draw records say what they were for: subject_kind / subject_id

Inspector draws were keyed by `inspection_id`; target draws stored their target draw's id in that column.
Now every record names its subject ('inspection' or 'target_draw') and `inspection_id` is set only for
inspector draws.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.String(length=36), nullable=True))
        batch_op.alter_column('inspection_id', existing_type=sa.String(length=36), nullable=True)
    op.execute("UPDATE draw_record SET subject_kind = 'inspection', subject_id = inspection_id "
               "WHERE purpose = 'inspectors'")
    op.execute("UPDATE draw_record SET subject_kind = 'target_draw', subject_id = inspection_id, "
               "inspection_id = NULL WHERE purpose <> 'inspectors'")
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.alter_column('subject_kind', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('subject_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_constraint('uq_draw_inspection_purpose', type_='unique')
        batch_op.create_unique_constraint('uq_draw_subject_purpose', ['subject_kind', 'subject_id', 'purpose'])
        batch_op.create_index(batch_op.f('ix_draw_record_subject_id'), ['subject_id'], unique=False)


def downgrade() -> None:
    op.execute("UPDATE draw_record SET inspection_id = subject_id WHERE inspection_id IS NULL")
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_record_subject_id'))
        batch_op.drop_constraint('uq_draw_subject_purpose', type_='unique')
        batch_op.create_unique_constraint('uq_draw_inspection_purpose', ['inspection_id', 'purpose'])
        batch_op.alter_column('inspection_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_kind')
