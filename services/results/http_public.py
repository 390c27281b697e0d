"""N8 "tasks (after the visit)" under `/results/api/v1/public`: the visits whose fixed time has passed. results
holds the fixed time (`visit.scheduled`) and the visit (`inspectors.assigned`), so the list lives here, not in
intake, which never learns the time: before it, a visit is in no public list (N4: nobody is warned)."""
from __future__ import annotations

from flask_smorest import Blueprint

from shared.openapi import answers
from shared.schemas import PageQuery
from shared.web import handle

from . import response_schemas as rs
from .queries import PublicVisits
from .views_public import public_visit_view

api = Blueprint("results_public_visits", __name__, url_prefix="/results/api/v1/public", description="检查任务公示")


@api.get("/visits")
@answers(200, rs.PublicVisits)
@api.arguments(PageQuery, location="query")
def public_visits(query):
    """Visits after their fixed time, newest first: company, credit code, plan, date, each department's items and
    whether its result is public yet."""
    visits, total = handle(PublicVisits(query["page"], query["per_page"]))
    return {"items": [public_visit_view(v) for v in visits], "total": total, "page": query["page"],
            "per_page": query["per_page"]}
