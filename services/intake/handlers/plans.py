"""Plans (抽查计划): opened by a clerk or the lead department, public once published (N8), and closed by
dispatch: each visit is emitted exactly once as `inspection.ready` (S6, S12), by the lead department, a clerk,
or automatically once the intake deadline has passed."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Conflict, Forbidden, Invalid, NotFound, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Department, Inspection, Plan
from ..adapters.visits import load_visit
from ..commands import CreatePlan, DispatchDuePlans, DispatchPlan, PublishPlan

SYSTEM = "system:intake"
PLAN_MISSING = "抽查计划不存在"


def create_plan(cmd: CreatePlan, uow: UnitOfWork) -> Plan:
    if cmd.acting_department is not None and cmd.lead_department != cmd.acting_department:
        raise Forbidden("部门只能创建由本部门牵头的抽查计划", fields={"lead_department": ["应为本部门"]})
    _check_plan(cmd, uow)
    plan = Plan(id=new_id(), number=cmd.number, name=cmd.name, module=cmd.module,
                lead_department=cmd.lead_department, partners=list(cmd.partners), period_start=cmd.period_start,
                period_end=cmd.period_end, intake_deadline=cmd.intake_deadline,
                status="open" if cmd.publish else "draft", created_at=uow.now)
    uow.add(plan)
    uow.audit(cmd.actor, "plan.created", f"plan:{plan.id}", after={"number": plan.number, "status": plan.status})
    return plan


def _check_plan(cmd: CreatePlan, uow: UnitOfWork) -> None:
    problems = {}
    if cmd.period_start > cmd.period_end:
        problems["period_end"] = ["结束日期不能早于开始日期"]
    if cmd.intake_deadline > cmd.period_end:
        problems["intake_deadline"] = ["受理截止日期不能晚于计划结束日期"]
    missing = [c for c in [cmd.lead_department, *cmd.partners] if uow.get(Department, c) is None]
    if missing:
        problems["partners"] = [f"部门 {c} 不存在" for c in missing]
    if uow.session.execute(select(Plan.id).where(Plan.number == cmd.number)).first():
        problems["number"] = ["该计划编号已存在"]
    if problems:
        raise Invalid("抽查计划校验未通过", fields=problems)


def publish_plan(cmd: PublishPlan, uow: UnitOfWork) -> Plan:
    plan = found(uow.get(Plan, cmd.plan_id), PLAN_MISSING)
    if plan.status != "draft":
        raise Conflict("只有草稿状态的计划可以发布")
    plan.status = "open"
    uow.audit(cmd.actor, "plan.published", f"plan:{plan.id}")
    return plan


def dispatch_plan(cmd: DispatchPlan, uow: UnitOfWork) -> list[str]:
    """A second dispatch emits nothing: only visits still collecting are sent. The plan row is locked (on
    PostgreSQL) so two dispatchers — a clerk and the deadline job — cannot both send the same visit."""
    plan = uow.session.execute(select(Plan).where(Plan.id == cmd.plan_id).with_for_update()).scalar()
    if plan is None:
        raise NotFound(PLAN_MISSING)
    if cmd.department is not None and cmd.department != plan.lead_department:
        raise Forbidden("只有牵头部门或综合科可以派发该计划")
    pending = uow.session.execute(select(Inspection).where(Inspection.plan_id == plan.id,
                                                           Inspection.status == "collecting")
                                  .order_by(Inspection.created_at, Inspection.id)).scalars().all()
    for inspection in pending:
        payload = payloads.inspection_ready(load_visit(uow.session, plan, inspection))
        inspection.status, inspection.dispatched_at = "ready", uow.now
        uow.emit("inspection.ready", payload, subject=inspection.id)
    if plan.status == "open":
        plan.status, plan.dispatched_at = "dispatched", uow.now
    uow.audit(cmd.actor, "plan.dispatched", f"plan:{plan.id}", after={"inspections": [i.id for i in pending]})
    return [inspection.id for inspection in pending]


def dispatch_due_plans(_cmd: DispatchDuePlans, uow: UnitOfWork) -> list[str]:
    """The deadline job: every open plan whose intake deadline has passed (Beijing time) is dispatched."""
    due = list(uow.session.execute(select(Plan.id).where(Plan.status == "open",
                                                         Plan.intake_deadline < uow.today())).scalars())
    for plan_id in due:
        dispatch_plan(DispatchPlan(plan_id, SYSTEM), uow)
    return due
