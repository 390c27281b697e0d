"""evidence corrections rectifications publication

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 02:28:33.353758

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('draft',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('inspector_id', sa.String(length=40), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id', 'inspector_id')
    )
    op.create_table('evidence',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('correction',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('result_id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('application_sha256', sa.String(length=64), nullable=False),
    sa.Column('requested_by', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['result_id'], ['result.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_result_id'), ['result_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('result_id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('department', sa.String(length=20), nullable=False),
    sa.Column('department_name', sa.String(length=200), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('company_uscc', sa.String(length=18), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('plan_name', sa.String(length=200), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['result.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_company_name'), ['company_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_company_uscc'), ['company_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_result_id'), ['result_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_visit_date'), ['visit_date'], unique=False)

    op.create_table('rectification',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('result_id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('department', sa.String(length=20), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('company', sa.JSON(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['result.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_result_id'), ['result_id'], unique=False)

    op.create_table('result_void',
    sa.Column('result_id', sa.String(length=36), nullable=False),
    sa.Column('correction_id', sa.String(length=36), nullable=False),
    sa.Column('voided_by', sa.String(length=100), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['result.id'], ),
    sa.PrimaryKeyConstraint('result_id')
    )
    op.create_table('rectification_progress',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rectification_id', sa.String(length=36), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('delay_reason', sa.Text(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rectification_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_progress_rectification_id'), ['rectification_id'],
                              unique=False)

    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publication_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('published_late', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_column('published_late')
        batch_op.drop_column('publication_due')

    with op.batch_alter_table('rectification_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_progress_rectification_id'))

    op.drop_table('rectification_progress')
    op.drop_table('result_void')
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_result_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_department'))
        batch_op.drop_index(batch_op.f('ix_rectification_deadline'))

    op.drop_table('rectification')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_visit_date'))
        batch_op.drop_index(batch_op.f('ix_publication_result_id'))
        batch_op.drop_index(batch_op.f('ix_publication_plan_id'))
        batch_op.drop_index(batch_op.f('ix_publication_department'))
        batch_op.drop_index(batch_op.f('ix_publication_company_uscc'))
        batch_op.drop_index(batch_op.f('ix_publication_company_name'))

    op.drop_table('publication')
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correction_result_id'))
        batch_op.drop_index(batch_op.f('ix_correction_inspection_id'))

    op.drop_table('correction')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_inspection_id'))

    op.drop_table('evidence')
    op.drop_table('draft')
