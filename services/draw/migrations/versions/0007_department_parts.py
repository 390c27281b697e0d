"""each participating department's part of a visit's team

A visit's team is now put together department by department (`team_assembly`, `department_part`); a draw record
names the department whose officers it drew; officers a department only named for a visit are kept apart from the
library (`inspector.source`). The visits that could not be drawn (`draw_blocked`) become blocked parts, retried
automatically; the teams already drawn or matched become complete parts, so replacements keep working.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 16:00:00

"""
import uuid
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WAITING_FOR_MATCHING = "综合执法模块：执法人员由支队直接匹配，待综合科匹配"
blocked = sa.table('draw_blocked', sa.column('inspection_id', sa.String), sa.column('reason', sa.Text),
                   sa.column('inspection', sa.JSON), sa.column('created_at', sa.DateTime(timezone=True)))
records = sa.table('draw_record', sa.column('id', sa.String), sa.column('inspection_id', sa.String),
                   sa.column('purpose', sa.String), sa.column('selected', sa.JSON),
                   sa.column('inspectors', sa.JSON), sa.column('inspection', sa.JSON),
                   sa.column('created_at', sa.DateTime(timezone=True)), sa.column('department', sa.String))
matchings = sa.table('matching', sa.column('inspection_id', sa.String), sa.column('inspector_ids', sa.JSON),
                     sa.column('inspection', sa.JSON), sa.column('matched_by', sa.String),
                     sa.column('matched_at', sa.DateTime(timezone=True)))
assemblies = sa.table('team_assembly', sa.column('inspection_id', sa.String), sa.column('inspection', sa.JSON),
                      sa.column('created_at', sa.DateTime(timezone=True)),
                      sa.column('assigned_at', sa.DateTime(timezone=True)))
parts = sa.table('department_part', *(sa.column(c, sa.String) for c in (
    'id', 'inspection_id', 'department', 'department_name', 'staffing', 'status', 'reason', 'via', 'draw_id',
    'completed_by')), sa.column('position', sa.Integer), sa.column('lead', sa.Boolean),
    sa.column('inspector_ids', sa.JSON), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('completed_at', sa.DateTime(timezone=True)))


def upgrade() -> None:
    op.create_table('team_assembly',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('inspection', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('inspection_id')
    )
    op.create_table('department_part',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('department', sa.String(length=20), nullable=False),
    sa.Column('department_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lead', sa.Boolean(), nullable=False),
    sa.Column('staffing', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('via', sa.String(length=20), nullable=True),
    sa.Column('draw_id', sa.String(length=36), nullable=True),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('naming_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_by', sa.String(length=200), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['team_assembly.inspection_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspection_id', 'department', name='uq_part_inspection_department')
    )
    with op.batch_alter_table('department_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_part_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_part_status'), ['status'], unique=False)
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), server_default='library', nullable=False))
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=20), nullable=True))
        batch_op.drop_constraint('uq_draw_subject_purpose', type_='unique')
        batch_op.create_unique_constraint('uq_draw_subject_purpose_department',
                                          ['subject_kind', 'subject_id', 'purpose', 'department'])
    _carry_over(op.get_bind())
    op.drop_table('draw_blocked')


def _carry_over(connection) -> None:
    """Blocked visits → blocked parts (one per department); drawn and matched teams → complete parts."""
    for row in connection.execute(sa.select(blocked)).all():
        connection.execute(assemblies.insert().values(inspection_id=row.inspection_id, inspection=row.inspection,
                                                      created_at=row.created_at, assigned_at=None))
        matching = row.reason == WAITING_FOR_MATCHING
        for n, department in enumerate(row.inspection.get('departments') or []):
            _part(connection, row.inspection_id, n, department, row.inspection, row.created_at,
                  staffing='match' if matching else 'library', status='waiting' if matching else 'blocked',
                  reason=row.reason)
    for row in connection.execute(sa.select(records).where(records.c.purpose == 'inspectors')).all():
        department = next((p.get('department') for p in row.inspectors or []), None)
        _complete(connection, row.inspection_id, row.inspection, row.created_at, department, 'draw', row.id,
                  row.selected, 'system:draw')
        connection.execute(records.update().where(records.c.id == row.id).values(department=department))
    for row in connection.execute(sa.select(matchings)).all():
        _complete(connection, row.inspection_id, row.inspection, row.matched_at, None, 'match', None,
                  row.inspector_ids, row.matched_by)


def _complete(connection, inspection_id, inspection, at, department, via, draw_id, ids, actor) -> None:
    connection.execute(assemblies.insert().values(inspection_id=inspection_id, inspection=inspection,
                                                  created_at=at, assigned_at=at))
    departments = inspection.get('departments') or [{'code': department, 'name': department, 'lead': True}]
    lead = next((d for d in departments if d.get('lead')), departments[0])
    _part(connection, inspection_id, departments.index(lead), {**lead, 'code': department or lead['code']},
          inspection, at, staffing='match' if via == 'match' else 'library', status='complete', via=via,
          draw_id=draw_id, inspector_ids=ids, completed_by=actor, completed_at=at)


def _part(connection, inspection_id, position, department, inspection, at, **values) -> None:
    code = department.get('code') or ''
    connection.execute(parts.insert().values(
        id=str(uuid.uuid4()), inspection_id=inspection_id, department=code,
        department_name=department.get('name') or code, position=position,
        lead=code == inspection.get('lead_department') or bool(department.get('lead')),
        inspector_ids=values.pop('inspector_ids', []), created_at=at, **values))


def downgrade() -> None:
    op.create_table('draw_blocked',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('inspection', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('inspection_id')
    )
    connection = op.get_bind()
    waiting = sa.select(assemblies, parts.c.reason).join(parts, parts.c.inspection_id == assemblies.c.inspection_id) \
        .where(assemblies.c.assigned_at.is_(None), parts.c.status != 'complete')
    seen = set()
    for row in connection.execute(waiting).all():
        if row.inspection_id not in seen:
            seen.add(row.inspection_id)
            connection.execute(blocked.insert().values(inspection_id=row.inspection_id, reason=row.reason or '',
                                                       inspection=row.inspection, created_at=row.created_at))
    # one inspector draw per visit before: a partner department's record keeps its department in its purpose
    connection.execute(sa.text("UPDATE draw_record SET purpose = 'inspectors:' || department WHERE id IN "
                               "(SELECT draw_id FROM department_part WHERE lead = :no AND draw_id IS NOT NULL)"),
                       {"no": False})
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.drop_constraint('uq_draw_subject_purpose_department', type_='unique')
        batch_op.create_unique_constraint('uq_draw_subject_purpose', ['subject_kind', 'subject_id', 'purpose'])
        batch_op.drop_column('department')
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('department_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_part_status'))
        batch_op.drop_index(batch_op.f('ix_department_part_inspection_id'))
    op.drop_table('department_part')
    op.drop_table('team_assembly')
