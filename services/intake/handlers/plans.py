"""Plans (抽查计划): opened by a clerk or the lead department, public once published (N8), and closed by
dispatch (handlers/dispatch.py): each visit is emitted exactly once as `inspection.ready` (S6, S12)."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Conflict, Forbidden, Invalid, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import Department, Plan
from ..commands import CreatePlan, PublishPlan

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
