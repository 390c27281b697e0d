"""indexes for the draw's pool read in SQL (issue 15, P6)

The pool query (adapters/pool.py) asks, for one visit, which team places and which status periods overlap its dates:
`visit_end >= start AND visit_start <= end`. Until now only `inspector_id` was indexed, so each draw read every team
place and every period ever recorded. Leading with the end date keeps the past (most rows, as the years go by) out
of the scan. Declared interests by company were indexed already (ix_inspector_conflict_company_uscc).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 21:30:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_team_member_visit_dates', 'team_member', ['visit_end', 'visit_start'], unique=False)
    op.create_index('ix_inspector_status_period_dates', 'inspector_status_period', ['end', 'start'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inspector_status_period_dates', table_name='inspector_status_period')
    op.drop_index('ix_team_member_visit_dates', table_name='team_member')
