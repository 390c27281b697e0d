"""intake's task API: submit (one or a batch), read, withdraw; rejections and the clerk's USCC override."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Conflict, DomainError, Invalid, NotFound, flatten_fields, found
from shared.legacy import current_uow
from shared.web import current_runtime

from . import handlers
from .adapters.db import JointTask, Rejection, db
from .schemas import BatchSchema, JointTaskSchema, ReasonSchema

api = Blueprint("intake_tasks", __name__, url_prefix="/intake/api/v1", description="联合抽查任务受理")


def _today():
    return current_runtime().clock.today_local()


@api.post("/joint-tasks")
@require("department")
@api.arguments(JointTaskSchema)
def submit_joint_task(body):
    """A department submits one joint task; tasks for the same (plan, company) share one visit (N5).
    Replaying the same `external_id` (or `Idempotency-Key`) returns the original answer."""
    principal = current_principal()
    command = handlers.command_from(body, principal.department, principal.actor, "http",
                                    request.headers.get("Idempotency-Key"))
    uow = current_uow()
    try:
        task, created = handlers.attempt(command, uow, _today(), body)
    except DomainError:
        uow.commit()  # the record of the rejection
        raise
    uow.commit()
    return task_view(task), 201 if created else 200


@api.post("/joint-tasks/batch")
@require("department")
@api.arguments(BatchSchema)
def submit_batch(body):
    """Up to 1,000 tasks in one request, answered per task in order; one transaction, a savepoint each."""
    principal, uow, today = current_principal(), current_uow(), _today()
    answers = [_one_of_batch(index, raw, principal, uow, today) for index, raw in enumerate(body["tasks"])]
    uow.commit()
    accepted = sum(1 for a in answers if a["status"] in (200, 201))
    return {"accepted": accepted, "rejected": len(answers) - accepted, "results": answers}


def _one_of_batch(index: int, raw: dict, principal, uow, today) -> dict:
    try:
        task_body = JointTaskSchema().load(raw)
    except ValidationError as error:
        failure = Invalid("任务内容校验未通过", fields=flatten_fields({"json": error.messages}))
        handlers.record_rejection(uow, principal.department, "batch", raw, failure,
                                  str(raw.get("plan_id", ""))[:36] or None, str(raw.get("external_id", ""))[:100])
        return {"index": index, "status": 422, "error": _error(failure)}
    command = handlers.command_from(task_body, principal.department, principal.actor, "batch")
    try:
        task, created = handlers.attempt(command, uow, today, raw)
    except DomainError as failure:
        return {"index": index, "status": failure.status, "external_id": command.external_id,
                "error": _error(failure)}
    return {"index": index, "status": 201 if created else 200, "task": task_view(task)}


def _error(failure: DomainError) -> dict:
    return {"code": failure.code, "message": failure.message, "fields": failure.fields}


@api.get("/joint-tasks/<task_id>")
@require("department", "clerk", "admin")
def get_joint_task(task_id):
    return task_view(_own_task(task_id))


@api.post("/joint-tasks/<task_id>/withdraw")
@require("department", "clerk", "admin")
@api.arguments(ReasonSchema)
def withdraw(body, task_id):
    """N5: withdraw a task before dispatch (the department its own, a clerk any)."""
    principal = current_principal()
    department = principal.department if principal.role == "department" else None
    uow = current_uow()
    task = handlers.withdraw_task(task_id, department, principal.actor, body["reason"], uow)
    uow.commit()
    return task_view(task)


def _own_task(task_id: str) -> JointTask:
    task = db.session.get(JointTask, task_id)
    principal = current_principal()
    if task is None or (principal.role == "department" and task.department_code != principal.department):
        raise NotFound("任务不存在")  # another department's task is not even acknowledged
    return task


def task_view(task: JointTask) -> dict:
    return {"task_id": task.id, "inspection_id": task.inspection_id, "plan_id": task.plan_id,
            "department": task.department_code, "external_id": task.external_id, "items": task.items,
            "status": task.status, "channel": task.channel, "created_at": iso(task.created_at)}


@api.get("/rejections")
@require("department", "clerk", "admin")
def list_rejections():
    """Refused tasks with their reasons: a department sees its own, a clerk all."""
    principal = current_principal()
    query = select(Rejection).order_by(Rejection.created_at.desc()).limit(500)
    if principal.role == "department":
        query = query.where(Rejection.department_code == principal.department)
    return {"items": [rejection_view(r) for r in db.session.execute(query).scalars()]}


def rejection_view(rejection: Rejection) -> dict:
    return {"id": rejection.id, "department": rejection.department_code, "plan_id": rejection.plan_id,
            "external_id": rejection.external_id, "channel": rejection.channel, "code": rejection.code,
            "message": rejection.message, "fields": rejection.fields, "created_at": iso(rejection.created_at),
            "resolved_task_id": rejection.resolved_task_id, "resolution_reason": rejection.resolution_reason}


@api.post("/rejections/<rejection_id>/override")
@require("clerk", "admin")
@api.arguments(ReasonSchema)
def override_uscc(body, rejection_id):
    """N9: some real codes fail the check; a clerk may accept such a task with a reason, audited."""
    rejection = found(db.session.get(Rejection, rejection_id), "拒收记录不存在")
    if rejection.resolved_task_id:
        raise Conflict("该拒收记录已处理")
    if set(rejection.fields) != {"company.uscc"}:
        raise Conflict("只有仅因统一社会信用代码校验未通过而拒收的任务可以人工放行", code="not_overridable")
    principal, uow = current_principal(), current_uow()
    try:
        task_body = JointTaskSchema().load(rejection.body)
    except ValidationError:
        raise Conflict("该任务格式本身有误，不能人工放行，请部门重新提交", code="not_overridable") from None
    command = handlers.command_from(task_body, rejection.department_code, principal.actor, rejection.channel,
                                    rejection.external_id, uscc_override_reason=body["reason"])
    task, _ = handlers.submit_task(command, uow, _today())
    rejection.resolved_task_id, rejection.resolved_by, rejection.resolution_reason = \
        task.id, principal.actor, body["reason"]
    uow.commit()
    return task_view(task), 201
