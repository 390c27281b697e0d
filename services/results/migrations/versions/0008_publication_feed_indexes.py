"""the public feed's indexes: its order (visit_date, id) and each filter with that order behind it (issue 15)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 21:40:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FEED = {"ix_publication_feed": ["visit_date", "id"],
        "ix_publication_department_feed": ["department", "visit_date", "id"],
        "ix_publication_plan_feed": ["plan_id", "visit_date", "id"]}
COUNTED_BY = ["result_id", "inspection_id"]  # PostgreSQL counts the feed from the index alone
SUPERSEDED = {"ix_publication_visit_date": ["visit_date"], "ix_publication_department": ["department"],
              "ix_publication_plan_id": ["plan_id"]}


def upgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        for name, columns in FEED.items():
            batch_op.create_index(name, columns, unique=False, postgresql_include=COUNTED_BY)
        batch_op.create_index('ix_publication_inspection_id', ['inspection_id'], unique=False)
        for name in SUPERSEDED:  # each is the leading column of a feed index
            batch_op.drop_index(name)


def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        for name, columns in SUPERSEDED.items():
            batch_op.create_index(name, columns, unique=False)
        batch_op.drop_index('ix_publication_inspection_id')
        for name in FEED:
            batch_op.drop_index(name)
