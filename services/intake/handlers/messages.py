"""The AMQP task path: a department publishes `task.submitted` as its own broker user; intake answers on
`task.accepted.<dept>` or `task.rejected.<dept>` with the field-level reasons. Reached from an event, so every
expected refusal is answered here, never raised (a raised error would mean retry / dead letter)."""
from __future__ import annotations

import logging

from sqlalchemy import select

from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Department
from ..commands import ReceiveTask
from ..parsing import parse_task
from .tasks import attempt

log = logging.getLogger(__name__)


def receive_task(cmd: ReceiveTask, uow: UnitOfWork) -> None:
    department = uow.session.execute(select(Department).where(Department.broker_user == cmd.sender)).scalar() \
        if cmd.sender else None
    if department is None:
        uow.audit(f"broker:{cmd.sender}", "task.refused", f"event:{cmd.event_id}", after={"body": cmd.body},
                  reason="发送者不是已登记的部门消息账号，无法确认身份")  # the body is kept: nothing is lost
        log.warning("task.submitted %s from unknown sender %r refused", cmd.event_id, cmd.sender)
        return
    code = department.code
    answer = attempt(parse_task(cmd.body, code, f"department:{code}", "amqp"), uow)
    if answer.error is not None:
        body = cmd.body if isinstance(cmd.body, dict) else {}
        uow.emit("task.rejected", payloads.task_rejected(body, cmd.event_id, answer.error), subject=None,
                 department=code)
        return
    uow.emit("task.accepted", payloads.task_accepted(answer.task, answer.created), subject=answer.task.inspection_id,
             department=code)
