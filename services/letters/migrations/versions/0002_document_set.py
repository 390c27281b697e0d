"""the document set: one number per letter, shared by its notice, checklist and field record

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.drop_constraint("uq_document_number", type_="unique")
        batch_op.create_unique_constraint("uq_document_number_kind", ["issuer_code", "year", "seq", "kind"])


def downgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.drop_constraint("uq_document_number_kind", type_="unique")
        batch_op.create_unique_constraint("uq_document_number", ["issuer_code", "year", "seq"])
