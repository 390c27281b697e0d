"""intake's plan API: plans (public once published, N8), dispatch, and the visits a plan holds."""
from __future__ import annotations

from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.masking import mask_value
from shared.openapi import answers, optional_login
from shared.schemas import PageQuery
from shared.web import handle

from . import response_schemas as rs
from .commands import CreatePlan, DispatchPlan, PublishPlan
from .queries import DispatchProgress, InspectionDetail, PlanById, Plans, PlanVisits
from .schemas import PlanSchema
from .views import inspection_view, plan_view

api = Blueprint("intake_plans", __name__, url_prefix="/intake/api/v1", description="抽查计划")
STAFF = ("clerk", "admin")


def _staff() -> bool:
    principal = current_principal()
    return bool(principal and principal.role in STAFF)


def _public(body: dict) -> dict:
    """What others than clerks read of a plan: free text with ID-card and mobile numbers masked (issue 13)."""
    return body if _staff() else mask_value(body)


def _acting_department() -> str | None:
    principal = current_principal()
    return principal.department if principal.role == "department" else None


@api.post("/plans")
@answers(201, rs.PlanView)
@require("clerk", "admin", "department")
@api.arguments(PlanSchema)
def create_plan(body):
    """A clerk, or the lead department's own system, opens a plan (抽查计划)."""
    plan = handle(CreatePlan(
        number=body["number"], name=body["name"], module=body["module"], lead_department=body["lead_department"],
        partners=tuple(body["partners"]), period_start=body["period_start"], period_end=body["period_end"],
        intake_deadline=body["intake_deadline"], publish=body["publish"], actor=current_principal().actor,
        acting_department=_acting_department()))
    return plan_view(plan), 201


@api.post("/plans/<plan_id>/publish")
@answers(200, rs.PlanView)
@require(*STAFF)
def publish_plan(plan_id):
    return plan_view(handle(PublishPlan(plan_id, current_principal().actor)))


@api.get("/plans")
@answers(200, rs.PLANS)
@optional_login()
@api.arguments(PageQuery, location="query")
def list_plans(query):
    """Published plans are public (N8); drafts only to clerks."""
    page = handle(Plans(include_drafts=_staff(), page=query["page"], per_page=query["per_page"]))
    return _public({"items": [plan_view(p) for p in page.plans], "total": page.total, "page": query["page"]})


@api.get("/plans/<plan_id>")
@answers(200, rs.PlanView)
@optional_login()
def get_plan(plan_id):
    """With its dispatch progress: a large plan is dispatched in the background (issue 15)."""
    plan = plan_view(handle(PlanById(plan_id, include_drafts=_staff())))
    return _public({**plan, "progress": _progress(*handle(DispatchProgress(plan_id)))})


def _progress(dispatched: int, total: int) -> dict:
    return {"dispatched": dispatched, "total": total}


@api.post("/plans/<plan_id>/dispatch")
@answers(200, rs.Dispatched, description="全部检查已派发")
@answers(202, rs.Dispatched, description="计划较大：首批检查已派发，其余在后台分批继续派发")
@require("department", "clerk", "admin")
def dispatch(plan_id):
    """Close intake: each visit of the plan is emitted once as `inspection.ready` (S6, S12). 200: every visit is
    dispatched. 202: the plan is larger than one chunk (`DISPATCH_CHUNK` visits); the first chunk is dispatched,
    the rest follows in the background — `progress` says how far, and the plan's GET follows it."""
    step = handle(DispatchPlan(plan_id, current_principal().actor, _acting_department()))
    body = {"plan_id": plan_id, "dispatched": list(step.inspection_ids), "status": step.status,
            "progress": _progress(step.dispatched, step.total)}
    return body, 200 if step.finished else 202


@api.get("/plans/<plan_id>/inspections")
@answers(200, rs.PlanInspections)
@require(*STAFF)
def plan_inspections(plan_id):
    """The clerk's view of a plan: every visit with each department's items and its status."""
    review = handle(PlanVisits(plan_id))
    return {"plan": plan_view(review.plan), "items": [inspection_view(v) for v in review.visits]}


@api.get("/inspections/<inspection_id>")
@answers(200, rs.InspectionView)
@require("clerk", "admin", "department")
def get_inspection(inspection_id):
    return inspection_view(handle(InspectionDetail(inspection_id, _acting_department())))
