"""intake's plan API: plans (public once published, N8), dispatch, and the visits a plan holds."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Conflict, Forbidden, Invalid, NotFound, found
from shared.ids import new_id
from shared.legacy import current_uow
from shared.schemas import PageQuery, page_of

from . import dispatch as dispatching
from .adapters.db import Department, Inspection, JointTask, Plan, db
from .schemas import PlanSchema

api = Blueprint("intake_plans", __name__, url_prefix="/intake/api/v1", description="抽查计划")
STAFF = ("clerk", "admin")
PLAN_MISSING = "抽查计划不存在"


@api.post("/plans")
@require("clerk", "admin", "department")
@api.arguments(PlanSchema)
def create_plan(body):
    """A clerk, or the lead department's own system, opens a plan (抽查计划)."""
    principal = current_principal()
    if principal.role == "department" and body["lead_department"] != principal.department:
        raise Forbidden("部门只能创建由本部门牵头的抽查计划", fields={"lead_department": ["应为本部门"]})
    _check_plan(body)
    publish = body.pop("publish")
    uow = current_uow()
    plan = Plan(id=new_id(), status="open" if publish else "draft", created_at=uow.now, **body)
    db.session.add(plan)
    uow.audit(principal.actor, "plan.created", f"plan:{plan.id}", after={"number": plan.number, "status": plan.status})
    uow.commit()
    return plan_view(plan), 201


def _check_plan(body: dict) -> None:
    problems = {}
    if body["period_start"] > body["period_end"]:
        problems["period_end"] = ["结束日期不能早于开始日期"]
    if body["intake_deadline"] > body["period_end"]:
        problems["intake_deadline"] = ["受理截止日期不能晚于计划结束日期"]
    missing = [c for c in [body["lead_department"], *body["partners"]] if db.session.get(Department, c) is None]
    if missing:
        problems["partners"] = [f"部门 {c} 不存在" for c in missing]
    if db.session.execute(select(Plan.id).where(Plan.number == body["number"])).first():
        problems["number"] = ["该计划编号已存在"]
    if problems:
        raise Invalid("抽查计划校验未通过", fields=problems)


@api.post("/plans/<plan_id>/publish")
@require(*STAFF)
def publish_plan(plan_id):
    plan = found(db.session.get(Plan, plan_id), PLAN_MISSING)
    if plan.status != "draft":
        raise Conflict("只有草稿状态的计划可以发布")
    uow = current_uow()
    plan.status = "open"
    uow.audit(current_principal().actor, "plan.published", f"plan:{plan.id}")
    uow.commit()
    return plan_view(plan)


@api.get("/plans")
@api.arguments(PageQuery, location="query")
def list_plans(query):
    """Published plans are public (N8); drafts only to clerks."""
    principal = current_principal()
    statement = select(Plan).order_by(Plan.created_at.desc())
    if not (principal and principal.role in STAFF):
        statement = statement.where(Plan.status != "draft")
    rows, total = page_of(statement, query["page"], query["per_page"], db.session)
    return {"items": [plan_view(p) for p in rows], "total": total, "page": query["page"]}


@api.get("/plans/<plan_id>")
def get_plan(plan_id):
    plan = db.session.get(Plan, plan_id)
    principal = current_principal()
    if plan is None or (plan.status == "draft" and not (principal and principal.role in STAFF)):
        raise NotFound("抽查计划不存在")
    return plan_view(plan)


def plan_view(plan: Plan) -> dict:
    return {"id": plan.id, "number": plan.number, "name": plan.name, "module": plan.module,
            "lead_department": plan.lead_department, "partners": plan.partners,
            "period_start": plan.period_start.isoformat(), "period_end": plan.period_end.isoformat(),
            "intake_deadline": plan.intake_deadline.isoformat(), "status": plan.status,
            "dispatched_at": iso(plan.dispatched_at) if plan.dispatched_at else None}


@api.post("/plans/<plan_id>/dispatch")
@require("department", "clerk", "admin")
def dispatch(plan_id):
    """Close intake: each visit of the plan is emitted once as `inspection.ready` (S6, S12)."""
    principal = current_principal()
    department = principal.department if principal.role == "department" else None
    uow = current_uow()
    ids = dispatching.dispatch_plan(plan_id, principal.actor, department, uow)
    uow.commit()
    return {"plan_id": plan_id, "dispatched": ids}


@api.get("/plans/<plan_id>/inspections")
@require(*STAFF)
def plan_inspections(plan_id):
    """The clerk's view of a plan: every visit with each department's items and its status."""
    plan = found(db.session.get(Plan, plan_id), PLAN_MISSING)
    rows = db.session.execute(select(Inspection).where(Inspection.plan_id == plan.id)
                              .order_by(Inspection.created_at)).scalars().all()
    return {"plan": plan_view(plan), "items": [inspection_view(plan, i) for i in rows]}


@api.get("/inspections/<inspection_id>")
@require("clerk", "admin", "department")
def get_inspection(inspection_id):
    inspection = found(db.session.get(Inspection, inspection_id), "检查（联合检查）不存在")
    principal = current_principal()
    if principal.role == "department":
        mine = db.session.execute(select(JointTask.id).where(JointTask.inspection_id == inspection.id,
                                                             JointTask.department_code == principal.department))
        if mine.first() is None:
            raise Forbidden("本部门未参与该检查")
    return inspection_view(db.session.get(Plan, inspection.plan_id), inspection)


def inspection_view(plan: Plan, inspection: Inspection) -> dict:
    return {**dispatching.inspection_payload(db.session, plan, inspection), "status": inspection.status}
