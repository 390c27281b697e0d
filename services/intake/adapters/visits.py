"""Reading one visit (inspection) with what its payload needs: the accepted tasks, their items, department names."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .db import Department, Inspection, Item, JointTask, Plan


@dataclass(frozen=True)
class Visit:
    plan: Plan
    inspection: Inspection
    tasks: tuple[JointTask, ...]       # accepted tasks only
    items: dict[str, Item]             # code → item, for every item the tasks name
    department_names: dict[str, str]   # code → name, for every department with a task
    departments: dict[str, Department] | None = None  # code → department: its letter issuer and staffing


def load_visit(session, plan: Plan, inspection: Inspection) -> Visit:
    tasks = tuple(session.execute(select(JointTask).where(JointTask.inspection_id == inspection.id,
                                                          JointTask.status == "accepted")).scalars())
    codes = {code for task in tasks for code in task.items}
    items = {item.code: item for item in session.execute(select(Item).where(Item.code.in_(codes))).scalars()} \
        if codes else {}
    departments = {task.department_code for task in tasks}
    rows = {d.code: d for d in session.execute(select(Department)
                                               .where(Department.code.in_(departments))).scalars()} \
        if departments else {}
    return Visit(plan, inspection, tasks, items, {code: d.name for code, d in rows.items()}, rows)


def load_visits(session, plan: Plan) -> list[Visit]:
    rows = session.execute(select(Inspection).where(Inspection.plan_id == plan.id)
                           .order_by(Inspection.created_at)).scalars().all()
    return [load_visit(session, plan, inspection) for inspection in rows]
