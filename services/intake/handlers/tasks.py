"""Accepting departments' tasks (N5, S3, S6, N9): one at a time, in a batch, or from a message. A refused task
leaves nothing of itself behind, only a rejection with its reasons."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shared.errors import Conflict, DomainError, Forbidden, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import Inspection, Item, JointTask, Plan, Rejection
from ..commands import SubmitBatch, SubmitTask, UnreadableTask
from ..domain.task_rules import PlanFacts, closed_problem, field_problems, participation_problem


@dataclass(frozen=True)
class TaskAnswer:
    """One task's outcome: the task (created or replayed), or the refusal."""
    task: JointTask | None = None
    created: bool = False
    error: DomainError | None = None
    external_id: str | None = None  # of a refused task whose body could be read

    @property
    def status(self) -> int:
        return self.error.status if self.error else (201 if self.created else 200)


def submit_task(cmd: SubmitTask, uow: UnitOfWork) -> TaskAnswer:
    """Record the refusal, then raise: a refused task rolls back; its rejection row commits on its own."""
    try:
        task, created = accept(cmd, uow)
    except DomainError as error:
        refusal = error  # the except clause unbinds `error`; the record runs after the rollback
        uow.refuse(lambda u: record_rejection(u, cmd.department, cmd.channel, cmd.body, refusal, cmd.plan_id,
                                              cmd.external_id))
        raise
    return TaskAnswer(task, created)


def submit_batch(cmd: SubmitBatch, uow: UnitOfWork) -> list[TaskAnswer]:
    """One transaction, one savepoint per task: a refused task fails alone, the batch commits once."""
    return [attempt(row, uow) for row in cmd.rows]


def attempt(row: SubmitTask | UnreadableTask, uow: UnitOfWork) -> TaskAnswer:
    """Submit inside a savepoint; a refusal is answered and recorded in the same transaction."""
    if isinstance(row, UnreadableTask):
        error = Invalid("任务内容校验未通过", fields=row.fields)
        record_rejection(uow, row.department, row.channel, row.body, error, row.plan_id, row.external_id)
        return TaskAnswer(error=error)
    try:
        with uow.savepoint():
            task, created = accept(row, uow)
    except DomainError as error:
        record_rejection(uow, row.department, row.channel, row.body, error, row.plan_id, row.external_id)
        return TaskAnswer(error=error, external_id=row.external_id)
    return TaskAnswer(task, created)


def accept(cmd: SubmitTask, uow: UnitOfWork) -> tuple[JointTask, bool]:
    """Accept one department's task into the (plan, company) visit (N5). Returns (task, created); a replay of
    the same task returns the original, a different body under the same id is a conflict. Under a concurrent
    replay the loser's insert fails on the unique key and the bus runs this again: it then finds the row."""
    existing = uow.session.execute(select(JointTask).where(JointTask.department_code == cmd.department,
                                                           JointTask.external_id == cmd.external_id)).scalar()
    if existing is not None:
        if existing.request_hash != cmd.request_hash:
            raise Conflict("同一任务编号（external_id）已提交过不同的内容", code="idempotency_conflict",
                           fields={"external_id": ["该编号已用于另一份任务内容"]})
        return existing, False
    plan = _check(uow, cmd)
    inspection = _visit_for(uow, plan, cmd)
    task = JointTask(id=new_id(), plan_id=plan.id, inspection_id=inspection.id, department_code=cmd.department,
                     external_id=cmd.external_id, request_hash=cmd.request_hash, items=list(cmd.items),
                     window_start=cmd.window_start, window_end=cmd.window_end, channel=cmd.channel,
                     upstream_draw_ref=cmd.upstream_draw_ref, uscc_override_reason=cmd.uscc_override_reason,
                     status="accepted", created_at=uow.now)
    uow.add(task)
    uow.audit(cmd.actor, "task.accepted", f"joint_task:{task.id}", reason=cmd.uscc_override_reason,
              after={"plan": plan.id, "inspection": inspection.id, "items": list(cmd.items),
                     "uscc": cmd.company_uscc, "channel": cmd.channel})
    return task, True


def _check(uow: UnitOfWork, cmd: SubmitTask) -> Plan:
    plan = uow.get(Plan, cmd.plan_id)
    if plan is None:
        raise Invalid("抽查计划不存在", fields={"plan_id": ["找不到该抽查计划"]})
    facts = PlanFacts(plan.status, plan.lead_department, tuple(plan.partners), plan.period_start, plan.period_end,
                      plan.intake_deadline)
    if problem := participation_problem(facts, cmd.department):
        raise Forbidden(problem, fields={"plan_id": [problem]})
    if problem := closed_problem(facts, uow.today()):
        raise Conflict(problem, code="plan_closed", fields={"plan_id": [problem]})
    owners = dict(uow.session.execute(select(Item.code, Item.department_code)
                                      .where(Item.code.in_(cmd.items), Item.active.is_(True))).all())
    window = (cmd.window_start, cmd.window_end) if cmd.window_start and cmd.window_end else None
    problems = field_problems(facts, cmd.department, cmd.company_uscc, list(cmd.items), owners, window,
                              uscc_overridden=cmd.uscc_override_reason is not None)
    if problems:
        raise Invalid("任务内容校验未通过：" + "；".join(f"{k} {v[0]}" for k, v in problems.items()),
                      fields=problems)
    return plan


def _visit_for(uow: UnitOfWork, plan: Plan, cmd: SubmitTask) -> Inspection:
    """Get or create the one visit for (plan, company). Two departments arriving at once both end up in the
    same row: the unique constraint decides inside a savepoint, the loser re-reads (N5)."""
    query = select(Inspection).where(Inspection.plan_id == plan.id, Inspection.company_uscc == cmd.company_uscc)
    inspection = uow.session.execute(query).scalar()
    if inspection is None:
        try:
            with uow.savepoint():
                inspection = Inspection(id=new_id(), plan_id=plan.id, company_uscc=cmd.company_uscc,
                                        company_name=cmd.company_name, company_address=cmd.company_address,
                                        status="collecting", created_at=uow.now)
                uow.add(inspection)
            uow.audit(cmd.actor, "inspection.opened", f"inspection:{inspection.id}",
                      after={"plan": plan.id, "uscc": cmd.company_uscc})
        except IntegrityError:
            inspection = uow.session.execute(query).scalar_one()
    if inspection.status == "withdrawn":
        inspection.status = "collecting"  # every earlier task was withdrawn; a new one revives the visit
    return inspection


def record_rejection(uow: UnitOfWork, department: str, channel: str, body: dict, error: DomainError,
                     plan_id: str | None = None, external_id: str | None = None) -> Rejection:
    rejection = Rejection(id=new_id(), department_code=department, plan_id=plan_id, external_id=external_id,
                          channel=channel, body=_jsonable(body), code=error.code, message=error.message,
                          fields=error.fields, created_at=uow.now)
    uow.add(rejection)
    uow.audit(f"department:{department}", "task.rejected", f"rejection:{rejection.id}",
              after={"code": error.code, "fields": error.fields})
    return rejection


def _jsonable(body) -> dict:
    return json.loads(json.dumps(body if isinstance(body, dict) else {"body": body}, default=str))
