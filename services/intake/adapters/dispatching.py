"""Reading what one dispatch chunk sends, set-based (issue 15): the chunk's visits, then all their accepted tasks,
their items and their departments in one IN query each — four statements per chunk, where reading visit by visit
(`visits.load_visit`) took three per visit. Also the plan's dispatch progress, counted in the database."""
from __future__ import annotations

from sqlalchemy import func, select

from .db import Department, Inspection, Item, JointTask, Plan
from .visits import Visit

TO_DISPATCH = ("collecting", "ready")  # a withdrawn visit is neither sent nor counted


def collecting(session, plan_id: str, limit: int) -> list[Inspection]:
    """The plan's next visits still collecting, oldest first (the order `inspection.ready` is emitted in)."""
    return list(session.execute(select(Inspection).where(Inspection.plan_id == plan_id,
                                                         Inspection.status == "collecting")
                                .order_by(Inspection.created_at, Inspection.id).limit(limit)).scalars())


def load_visits(session, plan: Plan, inspections: list[Inspection]) -> list[Visit]:
    """Each inspection as a `Visit` (what `payloads.inspection_ready` reads), in the order given."""
    if not inspections:
        return []
    tasks = list(session.execute(select(JointTask).where(JointTask.inspection_id.in_([i.id for i in inspections]),
                                                         JointTask.status == "accepted")).scalars())
    codes = {code for task in tasks for code in task.items}
    items = {item.code: item for item in session.execute(select(Item).where(Item.code.in_(codes))).scalars()} \
        if codes else {}
    codes_of_departments = {task.department_code for task in tasks}
    departments = {d.code: d for d in session.execute(select(Department).where(
        Department.code.in_(codes_of_departments))).scalars()} if codes_of_departments else {}
    by_inspection: dict[str, list[JointTask]] = {}
    for task in tasks:
        by_inspection.setdefault(task.inspection_id, []).append(task)
    return [_visit(plan, inspection, tuple(by_inspection.get(inspection.id, ())), items, departments)
            for inspection in inspections]


def _visit(plan: Plan, inspection: Inspection, tasks: tuple[JointTask, ...], items: dict[str, Item],
           departments: dict[str, Department]) -> Visit:
    """The same `Visit` `visits.load_visit` builds, cut from the chunk's shared reads."""
    mine = {task.department_code for task in tasks}
    rows = {code: departments[code] for code in mine if code in departments}
    named = {code for task in tasks for code in task.items}
    return Visit(plan, inspection, tasks, {c: items[c] for c in named if c in items},
                 {code: d.name for code, d in rows.items()}, rows)


def progress(session, plan_id: str) -> tuple[int, int]:
    """(visits dispatched, visits to dispatch in all) of the plan: one grouped count."""
    counts = dict(session.execute(select(Inspection.status, func.count()).where(
        Inspection.plan_id == plan_id, Inspection.status.in_(TO_DISPATCH)).group_by(Inspection.status)).all())
    return counts.get("ready", 0), counts.get("ready", 0) + counts.get("collecting", 0)
