"""One visit time over HTTP (issue #11): the team leader or a clerk fixes or changes it; the team, its departments
and staff read it; a leader lists the visits to schedule, a clerk the visits still without a time."""
from __future__ import annotations

from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.openapi import answers
from shared.schemas import BaseSchema, List, Nested, String, Text, length
from shared.web import current_runtime, handle

from . import response_schemas as rs
from . import views
from .batch_answers import batch_answer
from .commands import ScheduleVisit
from .commands_batches import ScheduleVisits
from .queries import GetVisitSchedule, MyVisitsToSchedule, UnscheduledVisits
from .schemas import BATCH_SIZE

api = Blueprint("draw_schedule", __name__, url_prefix="/draw/api/v1", description="检查时间")
STAFF = ("clerk", "admin", "approver", "detachment")


class ScheduleSchema(BaseSchema):
    time = String(required=True, validate=length(min=1, max=20), metadata={"example": "2026-12-03 09:30"})
    reason = Text(load_default="", validate=length(max=500))


class ScheduleItemSchema(ScheduleSchema):
    inspection_id = String(required=True, validate=length(min=1, max=36))


class TimetableSchema(BaseSchema):
    """调度表: many visit times in one submission; each item is judged on its own."""
    items = List(Nested(ScheduleItemSchema), required=True, validate=BATCH_SIZE)


def shown(schedule) -> dict:
    return views.schedule_view(schedule, current_runtime().clock.tz)


@api.put("/inspections/<inspection_id>/schedule")
@answers(200, rs.ScheduleView)
@require("inspector", "clerk", "admin")
@api.arguments(ScheduleSchema)
def schedule_visit(body, inspection_id):
    """Fix the visit time (Beijing time, "YYYY-MM-DD HH:MM") within the window; a change needs `reason`."""
    return shown(handle(ScheduleVisit(inspection_id, body["time"], current_principal(), body["reason"])))


@api.put("/schedules")
@answers(200, rs.SCHEDULE_BATCH)
@require("inspector", "clerk", "admin")
@api.arguments(TimetableSchema)
def schedule_visits(body):
    """调度表: fix up to 1,000 visit times in one submission, each by the rules of the single PUT (an officer only
    for visits they lead). A refused item fails alone: the answer lists each item, `ok` with its schedule or with
    the error the single PUT would give."""
    by = current_principal()
    items = tuple(ScheduleVisit(i["inspection_id"], i["time"], by, i["reason"]) for i in body["items"])
    return batch_answer(handle(ScheduleVisits(items)), "schedule", shown)


@api.get("/inspections/<inspection_id>/schedule")
@answers(200, rs.ScheduleView)
@require()
def get_schedule(inspection_id):
    return shown(handle(GetVisitSchedule(inspection_id, current_principal())))


@api.get("/schedules/mine")
@answers(200, rs.SCHEDULES)
@require("inspector")
def my_visits():
    """The visits the logged-in officer leads, those still without a time first."""
    return {"items": [shown(s) for s in handle(MyVisitsToSchedule(current_principal().subject))]}


@api.get("/schedules/unscheduled")
@answers(200, rs.SCHEDULES)
@require(*STAFF)
def unscheduled_visits():
    return {"items": [shown(s) for s in handle(UnscheduledVisits())]}
