"""intake's HTTP API (thin: parse → command → handler → response)."""
from __future__ import annotations

import hashlib
import json

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.schemas import PageQuery, page_of
from shared.web import runtime_of

from . import handlers
from .adapters.db import Department, Inspection, Item, JointTask, Plan, db
from .schemas import JointTaskSchema, PlanSchema

api = Blueprint("intake", __name__, url_prefix="/intake/api/v1", description="联合抽查任务受理")


def _uow():
    from flask import current_app
    return runtime_of(current_app).unit_of_work(request.headers.get("X-Correlation-Id"))


def _request_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@api.post("/joint-tasks")
@require("department")
@api.arguments(JointTaskSchema)
def submit_joint_task(body):
    """A department submits one joint task; tasks for the same (plan, company) share one visit (N5)."""
    principal = current_principal()
    external_id = request.headers.get("Idempotency-Key") or body["external_id"]
    window = body.get("window") or {}
    command = handlers.SubmitTask(
        department=principal.department, plan_id=body["plan_id"], external_id=external_id,
        company_uscc=body["company"]["uscc"], company_name=body["company"]["name"],
        company_address=body["company"].get("address", ""), items=tuple(body["items"]),
        window_start=window.get("start"), window_end=window.get("end"),
        upstream_draw_ref=body.get("upstream_draw_ref"), request_hash=_request_hash(body), actor=principal.actor)
    task, created = handlers.submit_task(command, _uow())
    return task_view(task), 201 if created else 200


@api.get("/joint-tasks/<task_id>")
@require("department", "clerk", "admin")
def get_joint_task(task_id):
    task = db.session.get(JointTask, task_id)
    principal = current_principal()
    if task is None or (principal.role == "department" and task.department_code != principal.department):
        raise NotFound("任务不存在")  # another department's task is not even acknowledged
    return task_view(task)


def task_view(task: JointTask) -> dict:
    return {"task_id": task.id, "inspection_id": task.inspection_id, "plan_id": task.plan_id,
            "department": task.department_code, "external_id": task.external_id, "items": task.items,
            "status": task.status, "created_at": iso(task.created_at)}


@api.post("/plans")
@require("clerk", "admin")
@api.arguments(PlanSchema)
def create_plan(body):
    """A clerk opens a plan (抽查计划)."""
    if body["period_start"] > body["period_end"]:
        raise Invalid("计划期间不合法", fields={"period_end": ["结束日期不能早于开始日期"]})
    codes = [body["lead_department"], *body["partners"]]
    missing = [c for c in codes if db.session.get(Department, c) is None]
    if missing:
        raise Invalid("部门不存在", fields={"partners": [f"部门 {c} 不存在" for c in missing]})
    uow = _uow()
    plan = Plan(id=new_id(), status="open", created_at=uow.now, **body)
    db.session.add(plan)
    uow.audit(current_principal().actor, "plan.created", f"plan:{plan.id}", after={"number": plan.number})
    uow.commit()
    return plan_view(plan), 201


@api.get("/plans")
@api.arguments(PageQuery, location="query")
def list_plans(query):
    """Plans are public (N8)."""
    rows, total = page_of(select(Plan).order_by(Plan.created_at.desc()), query["page"], query["per_page"], db.session)
    return {"items": [plan_view(p) for p in rows], "total": total, "page": query["page"]}


@api.get("/plans/<plan_id>")
def get_plan(plan_id):
    plan = db.session.get(Plan, plan_id) or _not_found("抽查计划不存在")
    inspections = db.session.execute(select(Inspection).where(Inspection.plan_id == plan.id)).scalars().all()
    return {**plan_view(plan), "inspections": [{"id": i.id, "status": i.status} for i in inspections]}


def plan_view(plan: Plan) -> dict:
    return {"id": plan.id, "number": plan.number, "name": plan.name, "module": plan.module,
            "lead_department": plan.lead_department, "partners": plan.partners,
            "period_start": plan.period_start.isoformat(), "period_end": plan.period_end.isoformat(),
            "intake_deadline": plan.intake_deadline.isoformat(), "status": plan.status}


@api.post("/plans/<plan_id>/dispatch")
@require("department", "clerk", "admin")
def dispatch(plan_id):
    """Close intake: each visit of the plan is emitted once as `inspection.ready` (S6, S12)."""
    principal = current_principal()
    department = principal.department if principal.role == "department" else None
    ids = handlers.dispatch_plan(handlers.DispatchPlan(plan_id, principal.actor, department), _uow())
    return {"plan_id": plan_id, "dispatched": ids}


@api.get("/inspections/<inspection_id>")
@require("clerk", "admin", "department")
def get_inspection(inspection_id):
    inspection = db.session.get(Inspection, inspection_id) or _not_found("检查（联合检查）不存在")
    principal = current_principal()
    payload = handlers.inspection_payload(db.session, db.session.get(Plan, inspection.plan_id), inspection)
    if principal.role == "department":
        if principal.department not in {d["code"] for d in payload["departments"]}:
            raise Forbidden("本部门未参与该检查")
    return {**payload, "status": inspection.status}


@api.get("/items")
def list_items():
    """The item catalog is public (N1, N8)."""
    items = db.session.execute(select(Item).order_by(Item.department_code, Item.code)).scalars().all()
    return {"items": [handlers.item_view(item) for item in items], "total": len(items)}


def _not_found(message: str):
    raise NotFound(message)
