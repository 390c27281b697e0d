"""login throttling and revoked login sessions (issue 13)

draw counts failed logins per account and address (login_throttle) and, like every service, keeps the login sessions
that logout or a password change ended (revoked_session, `account.sessions_revoked`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 18:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_revoked_session_table_v1, drop_revoked_session_table_v1

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_revoked_session_table_v1()
    op.create_table('login_throttle',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'key')
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
    drop_revoked_session_table_v1()
