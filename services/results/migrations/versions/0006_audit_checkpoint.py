"""signed checkpoints of the audit chain head (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 18:20:00

"""
from typing import Sequence, Union

from shared.migrations import create_audit_checkpoint_table_v1, drop_audit_checkpoint_table_v1

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_audit_checkpoint_table_v1()


def downgrade() -> None:
    drop_audit_checkpoint_table_v1()
