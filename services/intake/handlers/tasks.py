"""Accepting departments' tasks (N5, S3, S6, N9): one at a time, in a batch, or from a message. A refused task
leaves nothing of itself behind, only a rejection with its reasons. The judging and writing is set-based
(`acceptance`); here each channel's answer, and the rejections and audit entries in the order of the rows."""
from __future__ import annotations

import json

from shared.errors import DomainError, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import JointTask, Rejection
from ..commands import SubmitBatch, SubmitTask, UnreadableTask
from .acceptance import TaskAnswer, accept_all

__all__ = ["TaskAnswer", "accept", "attempt", "submit_batch", "submit_task", "record_rejection"]


def submit_task(cmd: SubmitTask, uow: UnitOfWork) -> TaskAnswer:
    """Record the refusal, then raise: a refused task rolls back; its rejection row commits on its own. A new
    task costs one read and two writes, plus the audit chain's append at the commit (≤ 6 statements)."""
    answer = accept_all([cmd], uow, replays_first=False)[0]
    if answer.error is not None:
        refusal = answer.error
        uow.refuse(lambda u: record_rejection(u, cmd.department, cmd.channel, cmd.body, refusal, cmd.plan_id,
                                              cmd.external_id))
        raise refusal
    audit_acceptance(uow, cmd, answer)
    return answer


def submit_batch(cmd: SubmitBatch, uow: UnitOfWork) -> list[TaskAnswer]:
    """One transaction, set-based (issue 15): a refused task fails alone, the batch commits once."""
    return answer_rows(list(cmd.rows), uow, replays_first=True)


def attempt(row: SubmitTask | UnreadableTask, uow: UnitOfWork) -> TaskAnswer:
    """One task whose refusal is answered and recorded in the same transaction (the AMQP path)."""
    return answer_rows([row], uow, replays_first=False)[0]


def answer_rows(rows: list[SubmitTask | UnreadableTask], uow: UnitOfWork, replays_first: bool) -> list[TaskAnswer]:
    """Judge and write the readable rows together, then record refusals and audit acceptances in row order."""
    readable = [row for row in rows if isinstance(row, SubmitTask)]
    judged = iter(accept_all(readable, uow, replays_first) if readable else ())
    answers = []
    for row in rows:
        if isinstance(row, UnreadableTask):
            error = Invalid("任务内容校验未通过", fields=row.fields)
            record_rejection(uow, row.department, row.channel, row.body, error, row.plan_id, row.external_id)
            answers.append(TaskAnswer(error=error))
            continue
        answer = next(judged)
        if answer.error is not None:
            record_rejection(uow, row.department, row.channel, row.body, answer.error, row.plan_id,
                             row.external_id)
        else:
            audit_acceptance(uow, row, answer)
        answers.append(answer)
    return answers


def accept(cmd: SubmitTask, uow: UnitOfWork) -> tuple[JointTask, bool]:
    """One task, refusal raised (the clerk's USCC override): (task, created)."""
    answer = accept_all([cmd], uow, replays_first=False)[0]
    if answer.error is not None:
        raise answer.error
    audit_acceptance(uow, cmd, answer)
    return answer.task, answer.created


def audit_acceptance(uow: UnitOfWork, cmd: SubmitTask, answer: TaskAnswer) -> None:
    """A created task is audited (after its visit's opening, when it opened it); a replay changed nothing."""
    if not answer.created:
        return
    task = answer.task
    if answer.opened_visit:
        uow.audit(cmd.actor, "inspection.opened", f"inspection:{task.inspection_id}",
                  after={"plan": task.plan_id, "uscc": cmd.company_uscc})
    uow.audit(cmd.actor, "task.accepted", f"joint_task:{task.id}", reason=cmd.uscc_override_reason,
              after={"plan": task.plan_id, "inspection": task.inspection_id, "items": list(cmd.items),
                     "uscc": cmd.company_uscc, "channel": cmd.channel})


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
