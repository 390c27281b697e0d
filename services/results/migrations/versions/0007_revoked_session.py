"""login sessions ended by logout or a password change (account.sessions_revoked, issue 13)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:50:00

"""
from typing import Sequence, Union

from shared.migrations import create_revoked_session_table_v1, drop_revoked_session_table_v1

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_revoked_session_table_v1()


def downgrade() -> None:
    drop_revoked_session_table_v1()
