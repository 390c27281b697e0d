"""intake's HTTP and page serialisers: pure functions, object → dict. Event payloads live in payloads.py and
never call these."""
from __future__ import annotations

from shared.clock import iso

from . import payloads
from .adapters.db import Item, ItemVersion, JointTask, Plan, Rejection
from .adapters.visits import Visit

STATUS = {"draft": "草稿", "open": "受理中", "dispatching": "派发中", "dispatched": "已派发", "collecting": "受理中",
          "ready": "已派发", "withdrawn": "已撤回", "accepted": "已受理"}


def task_view(task: JointTask) -> dict:
    return {"task_id": task.id, "inspection_id": task.inspection_id, "plan_id": task.plan_id,
            "department": task.department_code, "external_id": task.external_id, "items": task.items,
            "status": task.status, "channel": task.channel, "created_at": iso(task.created_at)}


def error_view(error) -> dict:
    return {"code": error.code, "message": error.message, "fields": error.fields}


def batch_view(answers) -> dict:
    """Each task answered in order: its status and the task, or the refusal with its reasons."""
    results = []
    for index, answer in enumerate(answers):
        if answer.error is None:
            results.append({"index": index, "status": answer.status, "task": task_view(answer.task)})
            continue
        result = {"index": index, "status": answer.status}
        if answer.external_id is not None:
            result["external_id"] = answer.external_id
        results.append({**result, "error": error_view(answer.error)})
    accepted = sum(1 for a in answers if a.error is None)
    return {"accepted": accepted, "rejected": len(answers) - accepted, "results": results}


def rejection_view(rejection: Rejection) -> dict:
    return {"id": rejection.id, "department": rejection.department_code, "plan_id": rejection.plan_id,
            "external_id": rejection.external_id, "channel": rejection.channel, "code": rejection.code,
            "message": rejection.message, "fields": rejection.fields, "created_at": iso(rejection.created_at),
            "resolved_task_id": rejection.resolved_task_id, "resolution_reason": rejection.resolution_reason}


def plan_view(plan: Plan) -> dict:
    return {"id": plan.id, "number": plan.number, "name": plan.name, "module": plan.module,
            "lead_department": plan.lead_department, "partners": plan.partners,
            "period_start": plan.period_start.isoformat(), "period_end": plan.period_end.isoformat(),
            "intake_deadline": plan.intake_deadline.isoformat(), "status": plan.status,
            "dispatched_at": iso(plan.dispatched_at) if plan.dispatched_at else None}


def inspection_view(visit: Visit) -> dict:
    """The visit as the other services receive it (its `inspection.ready` body), plus where it stands now."""
    return {**payloads.inspection_ready(visit), "status": visit.inspection.status}


def visit_card(visit: Visit) -> dict:
    """A visit on the clerk's page: its body plus the labels decided here, not in the template."""
    view = inspection_view(visit)
    departments = [{**d, "role": "牵头" if d["lead"] else "配合"} for d in view["departments"]]
    return {**view, "departments": departments, "status_label": STATUS[visit.inspection.status]}


def item_view(item: Item) -> dict:
    return {"code": item.code, "department": item.department_code, "name": item.name, "target": item.target,
            "key_points": item.key_points, "method": item.method, "class": item.item_class, "basis": item.basis,
            "version": item.version}


def item_version_view(row: ItemVersion) -> dict:
    return {**row.snapshot, "changed_by": row.changed_by, "reason": row.reason, "changed_at": iso(row.changed_at)}


def department_view(department) -> dict:
    return {"code": department.code, "name": department.name, "kind": department.kind,
            "contact": department.contact}


def department_names(departments) -> dict[str, str]:
    return {d.code: d.name for d in departments}
