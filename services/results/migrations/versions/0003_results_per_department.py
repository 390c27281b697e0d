"""results per department (issue 11): each department's result, the team's parts, the fixed visit time, the
company's one confirmation, the detachment's correction decision.

Existing data: a visit-level result (one per visit and round, all departments' items, one category) is SPLIT into
one result per department. The lead department's row keeps the old id (corrections, voids and the partners'
`supersedes` name it) with the lead's items; every other department gets a new row (a deterministic id from the old
id and its code) with its own items. Each row's category is the old one where it agrees with that department's items,
else the one its items give (a department that found nothing is never recorded as having found something). Each
department's public record and rectifications move to its own row; a voided result voids every row split from it;
the company's confirmation becomes one confirmation record per visit and round. Corrections decided before the
detachment's step existed were final when approved: they become `confirmed`.

Revision ID: 0003
Revises: 0002
"""
import uuid
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UTC = sa.DateTime(timezone=True)

assignment_t = sa.table('assignment', sa.column('inspection_id', sa.String), sa.column('inspector_ids', sa.JSON),
                        sa.column('inspection', sa.JSON), sa.column('parts', sa.JSON),
                        sa.column('leader_id', sa.String))
result_t = sa.table('result', sa.column('id', sa.String), sa.column('inspection_id', sa.String),
                    sa.column('department', sa.String), sa.column('round', sa.Integer),
                    sa.column('status', sa.String), sa.column('category', sa.String),
                    sa.column('visit_date', sa.Date), sa.column('items', sa.JSON),
                    sa.column('company_confirmation', sa.JSON), sa.column('confirmation_id', sa.String),
                    sa.column('submitted_by', sa.String), sa.column('submitted_at', UTC),
                    sa.column('publication_due', sa.Date), sa.column('published_late', sa.Boolean))
void_t = sa.table('result_void', sa.column('result_id', sa.String), sa.column('correction_id', sa.String),
                  sa.column('voided_by', sa.String), sa.column('voided_at', UTC))
publication_t = sa.table('publication', sa.column('result_id', sa.String), sa.column('department', sa.String),
                         sa.column('category', sa.String))
rectification_t = sa.table('rectification', sa.column('result_id', sa.String), sa.column('department', sa.String))
correction_t = sa.table('correction', sa.column('result_id', sa.String), sa.column('department', sa.String),
                        sa.column('status', sa.String))
confirmation_t = sa.table('confirmation', sa.column('id', sa.String), sa.column('inspection_id', sa.String),
                          sa.column('scope', sa.String), sa.column('body', sa.JSON),
                          sa.column('recorded_by', sa.String), sa.column('recorded_at', UTC))
draft_t = sa.table('draft', sa.column('inspection_id', sa.String), sa.column('department', sa.String),
                   sa.column('inspector_id', sa.String), sa.column('body', sa.JSON), sa.column('saved_at', UTC))


def _category(category: str, outcomes: list[str]) -> str:
    """The old category where it agrees with the department's items, else what its items say."""
    found = "发现问题" in outcomes
    if found == category.startswith("发现问题"):
        return category
    if found:
        return "发现问题待后续处理"
    if outcomes and all(o == "不涉及" for o in outcomes):
        return "未发现开展本次抽查涉及的经营活动"
    return "未发现问题"


def upgrade() -> None:
    op.create_table('visit_schedule',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('local_time', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scheduled_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id')
    )
    op.create_table('confirmation',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspection_id', 'scope', name='uq_confirmation_inspection_scope')
    )
    with op.batch_alter_table('confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_confirmation_inspection_id'), ['inspection_id'], unique=False)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('parts', sa.JSON(), nullable=True))
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('confirmation_id', sa.String(length=36), nullable=True))
        batch_op.drop_constraint('uq_result_inspection_round', type_='unique')
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('detachment_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('detachment_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('detachment_note', sa.Text(), nullable=True))

    inspections = _migrate_assignments()
    _split_results(inspections)
    _migrate_drafts(inspections)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.alter_column('parts', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('round')
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.alter_column('department', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_unique_constraint('uq_result_inspection_department_round',
                                          ['inspection_id', 'department', 'round'])
        batch_op.create_index(batch_op.f('ix_result_department'), ['department'], unique=False)
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.alter_column('department', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_index(batch_op.f('ix_correction_department'), ['department'], unique=False)


def _migrate_assignments() -> dict[str, dict]:
    """Every member counted for every department (as the old team was), its first member leading."""
    bind, inspections = op.get_bind(), {}
    for row in bind.execute(sa.select(assignment_t)).mappings().all():
        inspection, members = row['inspection'], list(row['inspector_ids'])
        inspections[row['inspection_id']] = inspection
        parts = [{"department": d["code"], "via": "draw", "draw_id": None, "inspector_ids": members}
                 for d in inspection["departments"]]
        bind.execute(assignment_t.update().where(assignment_t.c.inspection_id == row['inspection_id'])
                     .values(parts=parts, leader_id=members[0] if members else None))
    return inspections


def _split_results(inspections: dict[str, dict]) -> None:
    bind = op.get_bind()
    voids = {v['result_id']: dict(v) for v in bind.execute(sa.select(void_t)).mappings().all()}
    confirmations: dict[tuple[str, str], str] = {}
    for old in bind.execute(sa.select(result_t)).mappings().all():
        old = dict(old)
        inspection = inspections.get(old['inspection_id'])
        departments = inspection["departments"] if inspection else []
        lead = (inspection or {}).get("lead_department") or (departments[0]["code"] if departments else "")
        answers = {item["item_code"]: item for item in old['items']}
        for department in departments or [{"code": lead, "items": []}]:
            code = department["code"]
            own = [answers[i["code"]] for i in department["items"] if i["code"] in answers] or \
                (old['items'] if code == lead else [])
            if not own:
                continue
            scope = "visit" if old['round'] == 1 else f"{code}#{old['round']}"
            confirmation_id = None
            if old['company_confirmation']:
                key = (old['inspection_id'], scope)
                if key not in confirmations:
                    confirmations[key] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"confirmation/{old['id']}/{scope}"))
                    bind.execute(confirmation_t.insert().values(
                        id=confirmations[key], inspection_id=old['inspection_id'], scope=scope,
                        body=old['company_confirmation'], recorded_by=old['submitted_by'],
                        recorded_at=old['submitted_at']))
                confirmation_id = confirmations[key]
            category = _category(old['category'], [a.get("outcome") for a in own])
            if code == lead:
                new_id = old['id']
                bind.execute(result_t.update().where(result_t.c.id == old['id']).values(
                    department=code, items=own, category=category, confirmation_id=confirmation_id))
            else:
                new_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"result/{old['id']}/{code}"))
                bind.execute(result_t.insert().values(**{**old, "id": new_id, "department": code, "items": own,
                                                         "category": category,
                                                         "confirmation_id": confirmation_id}))
                if old['id'] in voids:
                    bind.execute(void_t.insert().values(**{**voids[old['id']], "result_id": new_id}))
                bind.execute(rectification_t.update().where(rectification_t.c.result_id == old['id'],
                                                            rectification_t.c.department == code)
                             .values(result_id=new_id))
            bind.execute(publication_t.update().where(publication_t.c.result_id == old['id'],
                                                      publication_t.c.department == code)
                         .values(result_id=new_id, category=category))
        bind.execute(correction_t.update().where(correction_t.c.result_id == old['id']).values(department=lead))
    bind.execute(correction_t.update().where(correction_t.c.status == "approved").values(status="confirmed"))


def _migrate_drafts(inspections: dict[str, dict]) -> None:
    """A draft was the whole visit's: it becomes the lead department's draft of its writer."""
    bind = op.get_bind()
    old_draft = sa.table('draft', sa.column('inspection_id', sa.String), sa.column('inspector_id', sa.String),
                         sa.column('body', sa.JSON), sa.column('saved_at', UTC))
    drafts = [dict(row) for row in bind.execute(sa.select(old_draft)).mappings().all()]
    op.drop_table('draft')
    op.create_table('draft',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('department', sa.String(length=20), nullable=False),
    sa.Column('inspector_id', sa.String(length=40), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id', 'department', 'inspector_id')
    )
    for draft in drafts:
        inspection = inspections.get(draft['inspection_id']) or {}
        lead = inspection.get("lead_department") or next(iter(d["code"] for d in inspection.get("departments", [])),
                                                         "")
        bind.execute(draft_t.insert().values(**draft, department=lead))


def downgrade() -> None:
    """Structure only: results split per department cannot be merged back into one visit-level row."""
    op.drop_table('draft')
    op.create_table('draft',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('inspector_id', sa.String(length=40), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id', 'inspector_id')
    )
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correction_department'))
        batch_op.drop_column('detachment_note')
        batch_op.drop_column('detachment_at')
        batch_op.drop_column('detachment_by')
        batch_op.drop_column('department')
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_department'))
        batch_op.drop_constraint('uq_result_inspection_department_round', type_='unique')
        batch_op.create_unique_constraint('uq_result_inspection_round', ['inspection_id', 'round'])
        batch_op.drop_column('confirmation_id')
        batch_op.drop_column('department')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_column('parts')
        batch_op.drop_column('leader_id')
    with op.batch_alter_table('confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confirmation_inspection_id'))
    op.drop_table('confirmation')
    op.drop_table('visit_schedule')
