"""One visit time, on a phone (issue #11): the team leader sees the visits they lead, a clerk the visits still
without a time; either fixes or changes a time on the visit's page. A refused form keeps what was entered."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from shared.auth import current_principal
from shared.errors import DomainError
from shared.pages import require_page
from shared.web import current_runtime, handle

from . import views
from .commands import ScheduleVisit
from .domain.visit_time import WorkingHours, may_schedule
from .queries import GetVisitSchedule, MyVisitsToSchedule, UnscheduledVisits

pages = Blueprint("draw_schedule_pages", __name__, url_prefix="/draw")
ROLES = ("inspector", "clerk", "admin", "approver", "detachment")


def shown(schedule) -> dict:
    return views.schedule_view(schedule, current_runtime().clock.tz)


@pages.get("/visits/schedule")
@require_page(*ROLES)
def visit_list():
    """The leader's visits (to schedule first), or for staff the visits without a time yet."""
    principal = current_principal()
    leading = principal.role == "inspector"
    rows = handle(MyVisitsToSchedule(principal.subject) if leading else UnscheduledVisits())
    return render_template("draw/schedule_list.html", visits=[shown(s) for s in rows], leading=leading)


@pages.route("/visits/<inspection_id>/schedule", methods=["GET", "POST"])
@require_page(*ROLES)
def visit_schedule(inspection_id):
    principal = current_principal()
    form, error, status = {}, None, 200
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("date", "time", "reason")}
        try:
            handle(ScheduleVisit(inspection_id, f"{form['date']} {form['time']}", principal, form["reason"]))
            return redirect(f"/draw/visits/{inspection_id}/schedule?saved=1")
        except DomainError as failure:
            error, status = _message(failure), failure.status
    try:
        visit = shown(handle(GetVisitSchedule(inspection_id, principal)))
    except DomainError as failure:
        return render_template("error.html", status=failure.status, message=failure.message), failure.status
    if not form and visit["local_time"]:
        form = dict(zip(("date", "time"), visit["local_time"].split(" ")))
    hours = WorkingHours.from_settings(current_runtime().settings)
    return render_template("draw/schedule.html", visit=visit, form=form, error=error, hours=hours,
                           editable=may_schedule(visit["leader_id"], principal),
                           saved=request.args.get("saved") == "1"), status


def _message(failure: DomainError) -> str:
    details = [m for messages in failure.fields.values() for m in messages]
    return failure.message + (f"：{'；'.join(details)}" if details else "")
