"""intake's event entrypoints (queues `intake.<event>`): the AMQP task path.

A department publishes `task.submitted` with the same body as `POST /joint-tasks`; the broker authenticates it
(AMQP `user_id` must equal the connection's user, RabbitMQ checks this), and intake answers on
`task.accepted.<dept>` or `task.rejected.<dept>` with the field-level reasons."""
from __future__ import annotations

import logging

from marshmallow import ValidationError
from sqlalchemy import select

from shared.errors import DomainError, Invalid, flatten_fields
from shared.events import Event
from shared.uow import UnitOfWork

from . import handlers
from .adapters.db import Department
from .http import task_view
from .schemas import JointTaskSchema

log = logging.getLogger(__name__)


def on_task_submitted(event: Event, uow: UnitOfWork) -> None:
    department = uow.session.execute(select(Department).where(Department.broker_user == event.sender)).scalar() \
        if event.sender else None
    if department is None:
        uow.audit(f"broker:{event.sender}", "task.refused", f"event:{event.id}", after={"body": event.data},
                  reason="发送者不是已登记的部门消息账号，无法确认身份")  # the body is kept: nothing is lost
        log.warning("task.submitted %s from unknown sender %r refused", event.id, event.sender)
        return
    code, body = department.code, event.data
    try:
        task_body = JointTaskSchema().load(body)
    except ValidationError as error:
        return _reject(uow, code, body, Invalid("任务内容校验未通过", fields=flatten_fields({"json": error.messages})),
                       event)
    command = handlers.command_from(task_body, code, f"department:{code}", "amqp")
    today = uow.runtime.clock.today_local()
    try:
        task, created = handlers.attempt(command, uow, today, body)
    except DomainError as error:
        return _answer_rejected(uow, code, body, error, event)
    uow.emit("task.accepted", {**task_view(task), "created": created}, subject=task.inspection_id, department=code)


def _reject(uow: UnitOfWork, code: str, body: dict, error: DomainError, event: Event) -> None:
    handlers.record_rejection(uow, code, "amqp", body, error, str(body.get("plan_id", ""))[:36] or None,
                              str(body.get("external_id", ""))[:100] or None)
    _answer_rejected(uow, code, body, error, event)


def _answer_rejected(uow: UnitOfWork, code: str, body: dict, error: DomainError, event: Event) -> None:
    uow.emit("task.rejected", {"external_id": body.get("external_id"), "plan_id": body.get("plan_id"),
                               "event_id": event.id, "code": error.code, "message": error.message,
                               "fields": error.fields}, subject=None, department=code)


def on_targets_drawn(event: Event, uow: UnitOfWork) -> None:
    """S6/S12: companies drawn from the target library become tasks of the drawing department in the plan, each
    carrying its stratum draw as the upstream reference; a refused one is kept as a rejection for the clerk."""
    data, today = event.data, uow.runtime.clock.today_local()
    for target in data["targets"]:
        body = {"plan_id": data["plan_id"], "external_id": f"{target['draw_id']}:{target['uscc']}",
                "company": {"uscc": target["uscc"], "name": target["name"], "address": target.get("address", "")},
                "items": data["items"], "upstream_draw_ref": target["draw_id"]}
        command = handlers.command_from(body, data["department"], "system:draw", "draw")
        try:
            handlers.attempt(command, uow, today, body)
        except DomainError:
            continue  # recorded by attempt() as a rejection with its reasons


HANDLERS = {"task.submitted": on_task_submitted, "targets.drawn": on_targets_drawn}
