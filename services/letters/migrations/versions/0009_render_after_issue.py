"""rendering after issue (issue 15): when and from what each PDF was rendered, and cached batch prints

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 21:45:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('document_file') as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_document_file_content_hash', ['content_hash'])
    op.create_table('rendered_batch',
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('content_hash')
    )
    op.create_index('ix_rendered_batch_rendered_at', 'rendered_batch', ['rendered_at'])


def downgrade() -> None:
    op.drop_index('ix_rendered_batch_rendered_at', table_name='rendered_batch')
    op.drop_table('rendered_batch')
    with op.batch_alter_table('document_file') as batch_op:
        batch_op.drop_index('ix_document_file_content_hash')
        batch_op.drop_column('rendered_at')
        batch_op.drop_column('content_hash')
