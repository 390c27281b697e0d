"""intake's use cases as plain functions (style §3): they change state through the unit of work and leave
events in the outbox in the same commit. No Flask, no pika. Callers commit (one task, a batch, or a
delivered event each end in exactly one commit)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shared.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import Inspection, Item, JointTask, Plan, Rejection
from .domain.task_rules import PlanFacts, closed_problem, field_problems, participation_problem


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
    channel: str = "http"
    uscc_override_reason: str | None = None


def command_from(body: dict, department: str, actor: str, channel: str, idempotency_key: str | None = None,
                 uscc_override_reason: str | None = None) -> SubmitTask:
    """One translation from a validated task body (HTTP, batch or AMQP) to the command."""
    window = body.get("window") or {}
    return SubmitTask(
        department=department, plan_id=body["plan_id"], external_id=idempotency_key or body["external_id"],
        company_uscc=body["company"]["uscc"], company_name=body["company"]["name"],
        company_address=body["company"].get("address", ""), items=tuple(body["items"]),
        window_start=window.get("start"), window_end=window.get("end"),
        upstream_draw_ref=body.get("upstream_draw_ref"), request_hash=request_hash(body), actor=actor,
        channel=channel, uscc_override_reason=uscc_override_reason)


def request_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit_task(cmd: SubmitTask, uow: UnitOfWork, today: date) -> tuple[JointTask, bool]:
    """Accept one department's task and merge it into the (plan, company) visit (N5). Returns (task, created);
    a replay of the same task returns the original, a different body under the same id is a conflict."""
    session = uow.session
    existing = session.execute(select(JointTask).where(JointTask.department_code == cmd.department,
                                                       JointTask.external_id == cmd.external_id)).scalar()
    if existing is not None:
        if existing.request_hash != cmd.request_hash:
            raise Conflict("同一任务编号（external_id）已提交过不同的内容", code="idempotency_conflict",
                           fields={"external_id": ["该编号已用于另一份任务内容"]})
        return existing, False
    plan = _check(session, cmd, today)
    inspection = _visit_for(session, plan, cmd, uow)
    task = JointTask(id=new_id(), plan_id=plan.id, inspection_id=inspection.id, department_code=cmd.department,
                     external_id=cmd.external_id, request_hash=cmd.request_hash, items=list(cmd.items),
                     window_start=cmd.window_start, window_end=cmd.window_end, channel=cmd.channel,
                     upstream_draw_ref=cmd.upstream_draw_ref, uscc_override_reason=cmd.uscc_override_reason,
                     status="accepted", created_at=uow.now)
    session.add(task)
    uow.audit(cmd.actor, "task.accepted", f"joint_task:{task.id}", reason=cmd.uscc_override_reason,
              after={"plan": plan.id, "inspection": inspection.id, "items": list(cmd.items),
                     "uscc": cmd.company_uscc, "channel": cmd.channel})
    return task, True


def _check(session, cmd: SubmitTask, today: date) -> Plan:
    plan = session.get(Plan, cmd.plan_id)
    if plan is None:
        raise Invalid("抽查计划不存在", fields={"plan_id": ["找不到该抽查计划"]})
    facts = PlanFacts(plan.status, plan.lead_department, tuple(plan.partners), plan.period_start, plan.period_end,
                      plan.intake_deadline)
    if problem := participation_problem(facts, cmd.department):
        raise Forbidden(problem, fields={"plan_id": [problem]})
    if problem := closed_problem(facts, today):
        raise Conflict(problem, code="plan_closed", fields={"plan_id": [problem]})
    owners = dict(session.execute(select(Item.code, Item.department_code)
                                  .where(Item.code.in_(cmd.items), Item.active.is_(True))).all())
    window = (cmd.window_start, cmd.window_end) if cmd.window_start and cmd.window_end else None
    problems = field_problems(facts, cmd.department, cmd.company_uscc, list(cmd.items), owners, window,
                              uscc_overridden=cmd.uscc_override_reason is not None)
    if problems:
        raise Invalid("任务内容校验未通过：" + "；".join(f"{k} {v[0]}" for k, v in problems.items()),
                      fields=problems)
    return plan


def _visit_for(session, plan: Plan, cmd: SubmitTask, uow: UnitOfWork) -> Inspection:
    """Get or create the one visit for (plan, company). Two departments arriving at once both end up in the
    same row: the unique constraint decides, the loser re-reads (N5)."""
    query = select(Inspection).where(Inspection.plan_id == plan.id, Inspection.company_uscc == cmd.company_uscc)
    inspection = session.execute(query).scalar()
    if inspection is None:
        try:
            with session.begin_nested():
                inspection = Inspection(id=new_id(), plan_id=plan.id, company_uscc=cmd.company_uscc,
                                        company_name=cmd.company_name, company_address=cmd.company_address,
                                        status="collecting", created_at=uow.now)
                session.add(inspection)
            uow.audit(cmd.actor, "inspection.opened", f"inspection:{inspection.id}",
                      after={"plan": plan.id, "uscc": cmd.company_uscc})
        except IntegrityError:
            inspection = session.execute(query).scalar_one()
    if inspection.status == "withdrawn":
        inspection.status = "collecting"  # every earlier task was withdrawn; a new one revives the visit
    return inspection


def attempt(cmd: SubmitTask, uow: UnitOfWork, today: date, body: dict) -> tuple[JointTask, bool]:
    """Submit inside a savepoint; a refusal leaves nothing of the task behind but is itself recorded."""
    try:
        with uow.session.begin_nested():
            return submit_task(cmd, uow, today)
    except DomainError as error:
        record_rejection(uow, cmd.department, cmd.channel, body, error, cmd.plan_id, cmd.external_id)
        raise


def record_rejection(uow: UnitOfWork, department: str, channel: str, body: dict, error: DomainError,
                     plan_id: str | None = None, external_id: str | None = None) -> Rejection:
    rejection = Rejection(id=new_id(), department_code=department, plan_id=plan_id, external_id=external_id,
                          channel=channel, body=_jsonable(body), code=error.code, message=error.message,
                          fields=error.fields, created_at=uow.now)
    uow.session.add(rejection)
    uow.audit(f"department:{department}", "task.rejected", f"rejection:{rejection.id}",
              after={"code": error.code, "fields": error.fields})
    return rejection


def _jsonable(body) -> dict:
    return json.loads(json.dumps(body if isinstance(body, dict) else {"body": body}, default=str))


def withdraw_task(task_id: str, department: str | None, actor: str, reason: str, uow: UnitOfWork) -> JointTask:
    """N5: a department may withdraw its own task before dispatch; a visit left with no task is withdrawn too."""
    session = uow.session
    task = session.get(JointTask, task_id)
    if task is None or (department is not None and task.department_code != department):
        raise NotFound("任务不存在")
    if task.status == "withdrawn":
        return task
    if session.get(Plan, task.plan_id).status == "dispatched":
        raise Conflict("计划已派发，检查事项已固定，任务不能撤回（S6）", code="plan_closed")
    task.status, task.withdrawn_at, task.withdrawal_reason = "withdrawn", uow.now, reason
    session.flush()
    remaining = session.execute(select(func.count()).select_from(JointTask).where(
        JointTask.inspection_id == task.inspection_id, JointTask.status == "accepted")).scalar_one()
    if remaining == 0:
        session.get(Inspection, task.inspection_id).status = "withdrawn"
    uow.audit(actor, "task.withdrawn", f"joint_task:{task.id}", reason=reason,
              before={"status": "accepted"}, after={"status": "withdrawn"})
    return task
