"""department API tokens known by hash (department.token_rotated)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:10:00

"""
from typing import Sequence, Union

from shared.migrations import create_department_token_table_v1, drop_department_token_table_v1

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_department_token_table_v1()


def downgrade() -> None:
    drop_department_token_table_v1()
