"""Each department's part of a visit's team: what is missing and why (clerks, the detachment), the clerk's
重新抽取, and a department naming its own officers (匹配) by its deadline."""
from __future__ import annotations

from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.openapi import answers
from shared.web import handle

from . import response_schemas as rs
from . import views
from .batch_answers import batch_answer
from .commands import NameOfficers, RetryDraw
from .commands_batches import NameOfficersForVisits
from .queries import GetTeamParts, ListMissingParts, ListNamingTasks
from .schemas import NamingBatchSchema, NamingSchema

api = Blueprint("draw_parts", __name__, url_prefix="/draw/api/v1", description="各部门检查人员")
STAFF = ("clerk", "admin", "approver", "detachment")


@api.get("/inspections/<inspection_id>/parts")
@answers(200, rs.TeamParts)
@require(*STAFF)
def team_parts(inspection_id):
    """Each participating department's part of the visit's team, as it stands."""
    return {"inspection_id": inspection_id, "parts": [views.part_view(p) for p in handle(GetTeamParts(inspection_id))]}


@api.post("/inspections/<inspection_id>/retry")
@answers(200, rs.TeamParts)
@require("clerk", "admin")
def retry_draw(inspection_id):
    """重新抽取: draws the departments that have no draw yet; 409 when every part already has one (N4)."""
    parts = handle(RetryDraw(inspection_id, current_principal().actor))
    return {"inspection_id": inspection_id, "parts": [views.part_view(p) for p in parts]}


@api.get("/parts/missing")
@answers(200, rs.PENDING_PARTS)
@require(*STAFF)
def missing_parts():
    """Departments that have not named their officers by the deadline (for the clerk and the reports)."""
    return {"items": [views.blocked_view(p) for p in handle(ListMissingParts())]}


@api.get("/parts/naming")
@answers(200, rs.PENDING_PARTS)
@require("department")
def naming_tasks():
    """The calling department's visits still waiting for its officers."""
    return {"items": [views.blocked_view(p) for p in handle(ListNamingTasks(current_principal().department or ""))]}


@api.post("/inspections/<inspection_id>/parts/<department>/officers")
@answers(201, rs.PartView)
@require("department", "clerk", "admin")
@api.arguments(NamingSchema)
def name_officers(body, inspection_id, department):
    """A department names at least two officers with valid certificates (匹配, not a draw); a clerk may record
    what a department sent."""
    principal = current_principal()
    part = handle(NameOfficers(inspection_id, department, tuple(body["officers"]), principal.actor,
                               principal.role, principal.department))
    return views.part_view(part), 201


@api.post("/parts/<department>/officers")
@answers(200, rs.NAMING_BATCH)
@require("department", "clerk", "admin")
@api.arguments(NamingBatchSchema)
def name_officers_for_visits(body, department):
    """A department names officers for up to 1,000 of its waiting visits in one submission (a clerk may record it
    on its behalf), each by the rules of the single naming; a department only for itself (403). A refused item
    fails alone: the answer lists each item, `ok` with the department's part or with the error."""
    principal = current_principal()
    items = tuple(NameOfficers(i["inspection_id"], department, tuple(i["officers"]), principal.actor, principal.role,
                               principal.department) for i in body["items"])
    outcomes = handle(NameOfficersForVisits(department, items, principal.actor, principal.role, principal.department))
    return batch_answer(outcomes, "part", views.part_view)
