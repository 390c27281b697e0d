"""intake's use cases as plain functions (style §3): they change state through the unit of work and
leave events in the outbox in the same commit. No Flask, no pika."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork
from shared.uscc import validation_error

from .adapters.db import Department, Inspection, Item, JointTask, Plan
from .domain.visit import Window, order_departments, visit_window


@dataclass(frozen=True)
class SubmitTask:
    department: str
    plan_id: str
    external_id: str
    company_uscc: str
    company_name: str
    company_address: str
    items: tuple[str, ...]
    window_start: date | None
    window_end: date | None
    upstream_draw_ref: str | None
    request_hash: str
    actor: str


@dataclass(frozen=True)
class DispatchPlan:
    plan_id: str
    actor: str
    department: str | None  # None: a clerk; else the department that asks


def submit_task(cmd: SubmitTask, uow: UnitOfWork) -> tuple[JointTask, bool]:
    """Accept one department's task and merge it into the (plan, company) visit (N5).
    Returns (task, created); a replay of the same task returns the original (idempotency)."""
    session = uow.session
    existing = session.execute(select(JointTask).where(JointTask.department_code == cmd.department,
                                                       JointTask.external_id == cmd.external_id)).scalar()
    if existing is not None:
        if existing.request_hash != cmd.request_hash:
            raise Conflict("同一任务编号（external_id）已提交过不同的内容", code="idempotency_conflict",
                           fields={"external_id": ["该编号已用于另一份任务内容"]})
        return existing, False
    plan = _open_plan_for(session, cmd)
    _check_items(session, cmd)
    inspection = _visit_for(session, plan, cmd, uow)
    task = JointTask(id=new_id(), plan_id=plan.id, inspection_id=inspection.id, department_code=cmd.department,
                     external_id=cmd.external_id, request_hash=cmd.request_hash, items=list(cmd.items),
                     window_start=cmd.window_start, window_end=cmd.window_end,
                     upstream_draw_ref=cmd.upstream_draw_ref, status="accepted", created_at=uow.now)
    session.add(task)
    uow.audit(cmd.actor, "task.accepted", f"joint_task:{task.id}",
              after={"plan": plan.id, "inspection": inspection.id, "items": list(cmd.items)})
    uow.commit()
    return task, True


def _open_plan_for(session, cmd: SubmitTask) -> Plan:
    plan = session.get(Plan, cmd.plan_id)
    if plan is None:
        raise Invalid("抽查计划不存在", fields={"plan_id": ["找不到该抽查计划"]})
    if plan.status != "open":
        raise Conflict("该抽查计划已派发，检查事项已固定，不再接收任务（S6）", code="plan_closed",
                       fields={"plan_id": ["计划已派发"]})
    if cmd.department != plan.lead_department and cmd.department not in plan.partners:
        raise Forbidden("本部门不是该抽查计划的参与部门", fields={"plan_id": ["非参与部门"]})
    problems = {}
    error = validation_error(cmd.company_uscc)
    if error:
        problems["company.uscc"] = [error]
    for label, value in (("window.start", cmd.window_start), ("window.end", cmd.window_end)):
        if value and not plan.period_start <= value <= plan.period_end:
            problems[label] = [f"应在计划期间 {plan.period_start} 至 {plan.period_end} 之内"]
    if cmd.window_start and cmd.window_end and cmd.window_start > cmd.window_end:
        problems["window.end"] = ["结束日期不能早于开始日期"]
    if problems:
        raise Invalid("任务内容校验未通过", fields=problems)
    return plan


def _check_items(session, cmd: SubmitTask) -> None:
    """N1/S3: a department may only ask for items of its own catalog."""
    known = dict(session.execute(select(Item.code, Item.department_code)
                                 .where(Item.code.in_(cmd.items))).all())
    unknown = [code for code in cmd.items if code not in known]
    foreign = [code for code in cmd.items if code in known and known[code] != cmd.department]
    messages = [f"事项 {code} 不存在" for code in unknown] + \
               [f"事项 {code} 不属于本部门的抽查事项清单" for code in foreign]
    if messages:
        raise Invalid("检查事项校验未通过", fields={"items": messages})


def _visit_for(session, plan: Plan, cmd: SubmitTask, uow: UnitOfWork) -> Inspection:
    """Get or create the one visit for (plan, company). Two departments arriving at once both end up in the
    same row: the unique constraint decides, the loser re-reads (N5)."""
    query = select(Inspection).where(Inspection.plan_id == plan.id, Inspection.company_uscc == cmd.company_uscc)
    inspection = session.execute(query).scalar()
    if inspection is not None:
        return inspection
    try:
        with session.begin_nested():
            inspection = Inspection(id=new_id(), plan_id=plan.id, company_uscc=cmd.company_uscc,
                                    company_name=cmd.company_name, company_address=cmd.company_address,
                                    status="collecting", created_at=uow.now)
            session.add(inspection)
        uow.audit(cmd.actor, "inspection.opened", f"inspection:{inspection.id}",
                  after={"plan": plan.id, "uscc": cmd.company_uscc})
        return inspection
    except IntegrityError:
        return session.execute(query).scalar_one()


def dispatch_plan(cmd: DispatchPlan, uow: UnitOfWork) -> list[str]:
    """Close intake and emit `inspection.ready` once per visit; a second dispatch emits nothing (S6)."""
    session = uow.session
    plan = session.get(Plan, cmd.plan_id)
    if plan is None:
        raise NotFound("抽查计划不存在")
    if cmd.department is not None and cmd.department != plan.lead_department:
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
    uow.audit(cmd.actor, "plan.dispatched", f"plan:{plan.id}", after={"inspections": [i.id for i in pending]})
    uow.commit()
    return [inspection.id for inspection in pending]


def inspection_payload(session, plan: Plan, inspection: Inspection) -> dict:
    """The visit as the other services receive it: items grouped by department, lead first (S12, N5)."""
    tasks = session.execute(select(JointTask).where(JointTask.inspection_id == inspection.id,
                                                    JointTask.status == "accepted")).scalars().all()
    window = visit_window(plan.period_start, plan.period_end,
                          [Window(t.window_start, t.window_end) for t in tasks if t.window_start and t.window_end])
    window = window or Window(plan.period_start, plan.period_end)
    by_department: dict[str, list[str]] = {}
    for task in tasks:
        by_department.setdefault(task.department_code, [])
        by_department[task.department_code] += [c for c in task.items if c not in by_department[task.department_code]]
    departments = []
    for code in order_departments(plan.lead_department, set(by_department)):
        department = session.get(Department, code)
        items = session.execute(select(Item).where(Item.code.in_(by_department[code]))).scalars().all()
        items_by_code = {item.code: item for item in items}
        departments.append({
            "code": code, "name": department.name, "lead": code == plan.lead_department,
            "task_ids": [t.id for t in tasks if t.department_code == code],
            "items": [item_view(items_by_code[c]) for c in by_department[code]],
        })
    return {
        "inspection_id": inspection.id,
        "plan": {"id": plan.id, "number": plan.number, "name": plan.name, "module": plan.module},
        "company": {"uscc": inspection.company_uscc, "name": inspection.company_name,
                    "address": inspection.company_address},
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "lead_department": plan.lead_department,
        "departments": departments,
    }


def item_view(item: Item) -> dict:
    return {"code": item.code, "department": item.department_code, "name": item.name, "target": item.target,
            "key_points": item.key_points, "method": item.method, "class": item.item_class, "basis": item.basis}
