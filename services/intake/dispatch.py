"""Closing intake: each visit of a plan is emitted exactly once as `inspection.ready` (S6, S12), by the lead
department, a clerk, or automatically once the intake deadline has passed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from shared.errors import Forbidden, NotFound
from shared.uow import UnitOfWork

from .adapters.db import Department, Inspection, Item, JointTask, Plan
from .domain.visit import Window, order_departments, visit_window

SYSTEM = "system:intake"


def dispatch_plan(plan_id: str, actor: str, department: str | None, uow: UnitOfWork) -> list[str]:
    """A second dispatch emits nothing: only visits still collecting are sent. The plan row is locked (on
    PostgreSQL) so two dispatchers — a clerk and the deadline job — cannot both send the same visit."""
    session = uow.session
    plan = session.execute(select(Plan).where(Plan.id == plan_id).with_for_update()).scalar()
    if plan is None:
        raise NotFound("抽查计划不存在")
    if department is not None and department != plan.lead_department:
        raise Forbidden("只有牵头部门或综合科可以派发该计划")
    pending = session.execute(select(Inspection).where(Inspection.plan_id == plan.id,
                                                       Inspection.status == "collecting")
                              .order_by(Inspection.created_at, Inspection.id)).scalars().all()
    for inspection in pending:
        payload = inspection_payload(session, plan, inspection)
        inspection.status, inspection.dispatched_at = "ready", uow.now
        uow.emit("inspection.ready", payload, subject=inspection.id)
    if plan.status == "open":
        plan.status, plan.dispatched_at = "dispatched", uow.now
    uow.audit(actor, "plan.dispatched", f"plan:{plan.id}", after={"inspections": [i.id for i in pending]})
    return [inspection.id for inspection in pending]


def dispatch_due_plans(uow: UnitOfWork, today: date) -> list[str]:
    """The deadline job: every open plan whose intake deadline has passed is dispatched."""
    due = list(uow.session.execute(select(Plan.id).where(Plan.status == "open",
                                                         Plan.intake_deadline < today)).scalars())
    for plan_id in due:
        dispatch_plan(plan_id, SYSTEM, None, uow)
    return due


def inspection_payload(session, plan: Plan, inspection: Inspection) -> dict:
    """The visit as the other services receive it: items grouped by department, lead first (S12, N5)."""
    tasks = session.execute(select(JointTask).where(JointTask.inspection_id == inspection.id,
                                                    JointTask.status == "accepted")).scalars().all()
    windows = [Window(t.window_start, t.window_end) for t in tasks if t.window_start and t.window_end]
    window = visit_window(plan.period_start, plan.period_end, windows) or Window(plan.period_start, plan.period_end)
    by_department: dict[str, list[str]] = {}
    for task in tasks:
        codes = by_department.setdefault(task.department_code, [])
        codes += [c for c in task.items if c not in codes]
    return {
        "inspection_id": inspection.id,
        "plan": {"id": plan.id, "number": plan.number, "name": plan.name, "module": plan.module},
        "company": {"uscc": inspection.company_uscc, "name": inspection.company_name,
                    "address": inspection.company_address},
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "lead_department": plan.lead_department,
        "departments": [_department_part(session, plan, code, by_department[code], tasks)
                        for code in order_departments(plan.lead_department, set(by_department))],
    }


def _department_part(session, plan: Plan, code: str, item_codes: list[str], tasks: list[JointTask]) -> dict:
    items = {item.code: item for item in session.execute(select(Item).where(Item.code.in_(item_codes))).scalars()}
    return {"code": code, "name": session.get(Department, code).name, "lead": code == plan.lead_department,
            "task_ids": [t.id for t in tasks if t.department_code == code],
            "upstream_draw_refs": sorted({t.upstream_draw_ref for t in tasks
                                          if t.department_code == code and t.upstream_draw_ref}),
            "items": [item_view(items[c]) for c in item_codes]}


def item_view(item: Item) -> dict:
    return {"code": item.code, "department": item.department_code, "name": item.name, "target": item.target,
            "key_points": item.key_points, "method": item.method, "class": item.item_class, "basis": item.basis,
            "version": item.version}
