"""intake's pages (Chinese): the public catalog and plans (N1, N8); the clerk's plans, visits and rejections."""
from __future__ import annotations

from flask import Blueprint, render_template

from shared.pages import require_page
from shared.web import handle

from .queries import CatalogItems, Departments, Plans, PlanVisits, Rejections, VisitCounts
from .views import STATUS, department_names, visit_card

pages = Blueprint("intake_pages", __name__, url_prefix="/intake")


def _departments() -> dict[str, str]:
    return department_names(handle(Departments()))


@pages.get("/public/items")
def public_items():
    return render_template("intake/items.html", items=handle(CatalogItems()), departments=_departments())


@pages.get("/public/plans")
def public_plans():
    return render_template("intake/public_plans.html", plans=handle(Plans()).plans, departments=_departments(),
                           status=STATUS)


@pages.get("/clerk/plans")
@require_page("clerk", "admin")
def clerk_plans():
    return render_template("intake/clerk_plans.html", plans=handle(Plans(include_drafts=True)).plans,
                           counts=handle(VisitCounts()), departments=_departments(), status=STATUS)


@pages.get("/clerk/plans/<plan_id>")
@require_page("clerk", "admin")
def clerk_plan(plan_id):
    review = handle(PlanVisits(plan_id))
    return render_template("intake/clerk_plan.html", plan=review.plan, visits=[visit_card(v) for v in review.visits],
                           withdrawn=review.withdrawn,
                           departments=_departments(), status=STATUS)


@pages.get("/clerk/rejections")
@require_page("clerk", "admin")
def clerk_rejections():
    return render_template("intake/clerk_rejections.html", rejections=handle(Rejections()),
                           departments=_departments())
