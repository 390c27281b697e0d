"""inspector periods, conflicts, recusal, teams, replacements, public numbers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 20:32:56.266855

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
    op.create_table('public_numbers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('numbers', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.String(length=200), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('inspector_conflict',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspector_id', sa.String(length=36), nullable=False),
    sa.Column('company_uscc', sa.String(length=18), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspector_id', 'company_uscc', name='uq_conflict_inspector_company')
    )
    with op.batch_alter_table('inspector_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_conflict_company_uscc'), ['company_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspector_conflict_inspector_id'), ['inspector_id'], unique=False)

    op.create_table('inspector_status_period',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspector_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspector_status_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_status_period_inspector_id'), ['inspector_id'], unique=False)

    op.create_table('recusal_application',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('company_uscc', sa.String(length=18), nullable=False),
    sa.Column('company_name', sa.String(length=300), nullable=False),
    sa.Column('inspector_id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recusal_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_application_company_uscc'), ['company_uscc'], unique=False)

    op.create_table('replacement',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('draw_id', sa.String(length=36), nullable=False),
    sa.Column('inspector_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_text', sa.Text(), nullable=True),
    sa.Column('replacement_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['draw_id'], ['draw_record.id'], ),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], ),
    sa.ForeignKeyConstraint(['replacement_id'], ['inspector.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('replacement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replacement_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('team_member',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('inspector_id', sa.String(length=36), nullable=False),
    sa.Column('visit_start', sa.Date(), nullable=False),
    sa.Column('visit_end', sa.Date(), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_member_inspector_id'), ['inspector_id'], unique=False)

    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jurisdiction', sa.String(length=12), nullable=False, server_default='370211'))
        batch_op.add_column(sa.Column('expertise', sa.JSON(), nullable=False, server_default='[]'))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.drop_column('expertise')
        batch_op.drop_column('jurisdiction')

    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_team_member_inspection_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('replacement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replacement_inspection_id'))

    op.drop_table('replacement')
    with op.batch_alter_table('recusal_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusal_application_company_uscc'))

    op.drop_table('recusal_application')
    with op.batch_alter_table('inspector_status_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_status_period_inspector_id'))

    op.drop_table('inspector_status_period')
    with op.batch_alter_table('inspector_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_conflict_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_inspector_conflict_company_uscc'))

    op.drop_table('inspector_conflict')
    op.drop_table('public_numbers')
