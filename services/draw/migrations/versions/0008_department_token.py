"""department API tokens known by hash (department.token_rotated)

draw honours a department's API token too (naming its officers, its naming tasks): it keeps the current hash per
department, as letters and results do.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 16:40:00

"""
from typing import Sequence, Union

from shared.migrations import create_department_token_table_v1, drop_department_token_table_v1

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_department_token_table_v1()


def downgrade() -> None:
    drop_department_token_table_v1()
