"""Changing an accepted task's fate: withdrawal before dispatch (N5) and the clerk's USCC override (N9)."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from shared.errors import Conflict, NotFound, found
from shared.uow import UnitOfWork

from ..adapters.db import Inspection, JointTask, Plan, Rejection
from ..commands import OverrideUscc, UnreadableTask, WithdrawTask
from ..parsing import parse_task
from .tasks import TaskAnswer, accept


def withdraw_task(cmd: WithdrawTask, uow: UnitOfWork) -> JointTask:
    """N5: a department may withdraw its own task before dispatch; a visit left with no task is withdrawn too."""
    task = uow.get(JointTask, cmd.task_id)
    if task is None or (cmd.department is not None and task.department_code != cmd.department):
        raise NotFound("任务不存在")
    if task.status == "withdrawn":
        return task
    if uow.get(Plan, task.plan_id).status in ("dispatching", "dispatched"):
        raise Conflict("计划已派发，检查事项已固定，任务不能撤回", code="plan_closed")
    task.status, task.withdrawn_at, task.withdrawal_reason = "withdrawn", uow.now, cmd.reason
    uow.session.flush()
    remaining = uow.session.execute(select(func.count()).select_from(JointTask).where(
        JointTask.inspection_id == task.inspection_id, JointTask.status == "accepted")).scalar_one()
    if remaining == 0:
        uow.get(Inspection, task.inspection_id).status = "withdrawn"
    uow.audit(cmd.actor, "task.withdrawn", f"joint_task:{task.id}", reason=cmd.reason,
              before={"status": "accepted"}, after={"status": "withdrawn"})
    return task


def override_uscc(cmd: OverrideUscc, uow: UnitOfWork) -> TaskAnswer:
    """N9: some real codes fail the check; a clerk may accept such a task with a reason, audited. Only a
    refusal for the USCC alone qualifies, and only once."""
    rejection = found(uow.get(Rejection, cmd.rejection_id), "拒收记录不存在")
    if rejection.resolved_task_id:
        raise Conflict("该拒收记录已处理")
    if set(rejection.fields) != {"company.uscc"}:
        raise Conflict("只有仅因统一社会信用代码校验未通过而拒收的任务可以人工放行", code="not_overridable")
    parsed = parse_task(rejection.body, rejection.department_code, cmd.actor, rejection.channel)
    if isinstance(parsed, UnreadableTask):
        raise Conflict("该任务格式本身有误，不能人工放行，请部门重新提交", code="not_overridable")
    command = replace(parsed, external_id=rejection.external_id or parsed.external_id,
                      uscc_override_reason=cmd.reason)
    task, created = accept(command, uow)
    rejection.resolved_task_id, rejection.resolved_by, rejection.resolution_reason = task.id, cmd.actor, cmd.reason
    return TaskAnswer(task, created)
