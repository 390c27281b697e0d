"""The events intake publishes, one builder each (docs/asyncapi.yaml is the contract). Independent of the HTTP
serialisers in views.py on purpose: an API change must not silently change what partner agencies parse."""
from __future__ import annotations

from shared.clock import iso
from shared.errors import DomainError

from .adapters.db import Item, JointTask
from .adapters.visits import Visit
from .domain.visit import Window, order_departments, visit_window


def task_accepted(task: JointTask, created: bool) -> dict:
    """`task.accepted.<dept>`: the task and the visit it joined; `created` is false for a replay."""
    return {"task_id": task.id, "inspection_id": task.inspection_id, "plan_id": task.plan_id,
            "department": task.department_code, "external_id": task.external_id, "items": list(task.items),
            "status": task.status, "channel": task.channel, "created_at": iso(task.created_at), "created": created}


def task_rejected(body: dict, event_id: str, error: DomainError) -> dict:
    """`task.rejected.<dept>`: why the message was refused, field by field (Chinese)."""
    return {"external_id": body.get("external_id"), "plan_id": body.get("plan_id"), "event_id": event_id,
            "code": error.code, "message": error.message, "fields": error.fields}


def inspection_ready(visit: Visit) -> dict:
    """`inspection.ready`: the visit as the other services receive it, items grouped by department, lead first
    (S12, N5)."""
    plan, inspection, tasks = visit.plan, visit.inspection, visit.tasks
    windows = [Window(t.window_start, t.window_end) for t in tasks if t.window_start and t.window_end]
    window = visit_window(plan.period_start, plan.period_end, windows) or Window(plan.period_start, plan.period_end)
    by_department: dict[str, list[str]] = {}
    for task in tasks:
        codes = by_department.setdefault(task.department_code, [])
        codes += [c for c in task.items if c not in codes]
    return {
        "inspection_id": inspection.id,
        "plan": {"id": plan.id, "number": plan.number, "name": plan.name, "module": plan.module},
        "company": {"uscc": inspection.company_uscc, "name": inspection.company_name,
                    "address": inspection.company_address},
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "lead_department": plan.lead_department,
        "departments": [_department_part(visit, code, by_department[code])
                        for code in order_departments(plan.lead_department, set(by_department))],
    }


def _department_part(visit: Visit, code: str, item_codes: list[str]) -> dict:
    mine = [t for t in visit.tasks if t.department_code == code]
    department = (visit.departments or {}).get(code)
    issuer = {"name": (department and department.issuer_name) or visit.department_names[code],
              "code": (department and department.issuer_code) or ""}
    return {"code": code, "name": visit.department_names[code], "lead": code == visit.plan.lead_department,
            "issuer": issuer, "staffing": (department and department.staffing) or "library",
            "task_ids": [t.id for t in mine],
            "upstream_draw_refs": sorted({t.upstream_draw_ref for t in mine if t.upstream_draw_ref}),
            "items": [_item(visit.items[c]) for c in item_codes]}


def _item(item: Item) -> dict:
    return {"code": item.code, "department": item.department_code, "name": item.name, "target": item.target,
            "key_points": item.key_points, "method": item.method, "class": item.item_class, "basis": item.basis,
            "version": item.version}


def department_token_rotated(code: str, token_hash: str, rotated_at) -> dict:
    """`department.token_rotated` (internal, intake → draw, letters, results): a department's API token was issued or
    rotated. Only the SHA-256 of the token travels, never the token; the newest `rotated_at` replaces the older."""
    return {"department": code, "token_hash": token_hash, "rotated_at": iso(rotated_at)}
