"""intake's task API: submit (one or a batch), read, withdraw; rejections and the clerk's USCC override."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.openapi import answers
from shared.web import handle

from . import response_schemas as rs
from .commands import OverrideUscc, SubmitBatch, WithdrawTask
from .parsing import command_from, parse_task
from .queries import Rejections, TaskById
from .schemas import BatchSchema, JointTaskSchema, ReasonSchema
from .views import batch_view, rejection_view, task_view

api = Blueprint("intake_tasks", __name__, url_prefix="/intake/api/v1", description="联合抽查任务受理")


def _own_department() -> str | None:
    """A department acts on its own tasks only; staff (None) on any."""
    principal = current_principal()
    return principal.department if principal.role == "department" else None


@api.post("/joint-tasks")
@answers(201, rs.TaskView, description="新任务（已受理）")
@answers(200, rs.TaskView, description="同一 external_id / Idempotency-Key 的原答复")
@require("department")
@api.arguments(JointTaskSchema)
def submit_joint_task(body):
    """A department submits one joint task; tasks for the same (plan, company) share one visit (N5).
    Replaying the same `external_id` (or `Idempotency-Key`) returns the original answer."""
    principal = current_principal()
    answer = handle(command_from(body, principal.department, principal.actor, "http",
                                 request.headers.get("Idempotency-Key")))
    return task_view(answer.task), answer.status


@api.post("/joint-tasks/batch")
@answers(200, rs.BatchView)
@require("department")
@api.arguments(BatchSchema)
def submit_batch(body):
    """Up to 1,000 tasks (BATCH_LIMIT) in one request, answered per task in order; one transaction, written
    set-based (a refused task fails alone): a full batch is a few statements, far inside the worker timeout."""
    principal = current_principal()
    rows = tuple(parse_task(raw, principal.department, principal.actor, "batch") for raw in body["tasks"])
    return batch_view(handle(SubmitBatch(rows)))


@api.get("/joint-tasks/<task_id>")
@answers(200, rs.TaskView)
@require("department", "clerk", "admin")
def get_joint_task(task_id):
    return task_view(handle(TaskById(task_id, _own_department())))


@api.post("/joint-tasks/<task_id>/withdraw")
@answers(200, rs.TaskView)
@require("department", "clerk", "admin")
@api.arguments(ReasonSchema)
def withdraw(body, task_id):
    """N5: withdraw a task before dispatch (the department its own, a clerk any)."""
    return task_view(handle(WithdrawTask(task_id, _own_department(), current_principal().actor, body["reason"])))


@api.get("/rejections")
@answers(200, rs.REJECTIONS)
@require("department", "clerk", "admin")
def list_rejections():
    """Refused tasks with their reasons: a department sees its own, a clerk all."""
    return {"items": [rejection_view(r) for r in handle(Rejections(_own_department()))]}


@api.post("/rejections/<rejection_id>/override")
@answers(201, rs.TaskView)
@require("clerk", "admin")
@api.arguments(ReasonSchema)
def override_uscc(body, rejection_id):
    """N9: some real codes fail the check; a clerk may accept such a task with a reason, audited."""
    answer = handle(OverrideUscc(rejection_id, current_principal().actor, body["reason"]))
    return task_view(answer.task), 201
