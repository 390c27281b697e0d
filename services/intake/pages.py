"""intake's pages (Chinese): the public catalog and plans (N1, N8); the clerk's plans, visits and rejections."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from shared.pages import require_page

from .adapters.db import Department, Inspection, Item, JointTask, Plan, Rejection, db
from .dispatch import inspection_payload

pages = Blueprint("intake_pages", __name__, url_prefix="/intake")
STATUS = {"draft": "草稿", "open": "受理中", "dispatched": "已派发", "collecting": "受理中", "ready": "已派发",
          "withdrawn": "已撤回", "accepted": "已受理"}


def _departments() -> dict[str, str]:
    return dict(db.session.execute(select(Department.code, Department.name)).all())


@pages.get("/public/items")
def public_items():
    items = db.session.execute(select(Item).where(Item.active.is_(True))
                               .order_by(Item.department_code, Item.code)).scalars().all()
    return render_template("intake/items.html", items=items, departments=_departments())


@pages.get("/public/plans")
def public_plans():
    plans = db.session.execute(select(Plan).where(Plan.status != "draft").order_by(Plan.created_at.desc())).scalars()
    return render_template("intake/public_plans.html", plans=list(plans), departments=_departments(), status=STATUS)


@pages.get("/clerk/plans")
@require_page("clerk", "admin")
def clerk_plans():
    counts = dict(db.session.execute(select(Inspection.plan_id, func.count()).group_by(Inspection.plan_id)).all())
    plans = db.session.execute(select(Plan).order_by(Plan.created_at.desc())).scalars().all()
    return render_template("intake/clerk_plans.html", plans=plans, counts=counts, departments=_departments(),
                           status=STATUS)


@pages.get("/clerk/plans/<plan_id>")
@require_page("clerk", "admin")
def clerk_plan(plan_id):
    plan = db.session.get(Plan, plan_id) or abort(404)
    inspections = db.session.execute(select(Inspection).where(Inspection.plan_id == plan.id)
                                     .order_by(Inspection.created_at)).scalars().all()
    visits = [(i, inspection_payload(db.session, plan, i)) for i in inspections]
    withdrawn = db.session.execute(select(JointTask).where(JointTask.plan_id == plan.id,
                                                           JointTask.status == "withdrawn")).scalars().all()
    return render_template("intake/clerk_plan.html", plan=plan, visits=visits, withdrawn=withdrawn,
                           departments=_departments(), status=STATUS)


@pages.get("/clerk/rejections")
@require_page("clerk", "admin")
def clerk_rejections():
    rows = db.session.execute(select(Rejection).order_by(Rejection.created_at.desc()).limit(500)).scalars().all()
    return render_template("intake/clerk_rejections.html", rejections=rows, departments=_departments())
