"""signed checkpoints of the audit chain head (issue 13)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:20:00

"""
from typing import Sequence, Union

from shared.migrations import create_audit_checkpoint_table_v1, drop_audit_checkpoint_table_v1

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_audit_checkpoint_table_v1()


def downgrade() -> None:
    drop_audit_checkpoint_table_v1()
