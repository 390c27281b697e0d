"""One visit time (issue #11; S12: all items in one visit). Draw keeps each visit's team from its own announcements
(`inspectors.assigned`, `inspectors.replaced`); the team leader or a clerk fixes the date and time within the window;
every change needs a reason, is audited and announced again with the next version — to letters and results
(`visit.scheduled`) and to each participating department with its own members (`visit.scheduled.<dept>`)."""
from __future__ import annotations

from datetime import date, timezone

from shared.clock import iso, utc
from shared.errors import Forbidden, Invalid, found
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.schedules import VisitSchedule, led_by, unscheduled
from ..commands import RecordTeamForScheduling, ScheduleVisit
from ..domain.visit_time import (
    TIME_FORMAT,
    WorkingHours,
    check_visit_time,
    choose_leader,
    ensure_may_schedule,
    may_read,
    parse_local,
)
from ..queries import GetVisitSchedule, MyVisitsToSchedule, UnscheduledVisits

NO_TEAM = "该检查尚未确定检查组，暂不能安排检查时间"
TEAM_FIELDS = ("id", "name", "certificate_no", "department", "department_name", "unit")


def record_team(command: RecordTeamForScheduling, uow: UnitOfWork) -> VisitSchedule | None:
    """Keep the newest team and who leads it; the time, its version and history stay. Reached from an event, so
    nothing here refuses: a stale announcement is simply not applied."""
    inspection = command.inspection
    schedule = uow.get(VisitSchedule, inspection["inspection_id"])
    if schedule is not None and utc(schedule.team_as_of) > utc(command.as_of):
        return None
    team = [{k: p[k] for k in TEAM_FIELDS if k in p} | {"leader": bool(p.get("leader"))} for p in command.team]
    leader = choose_leader(team, inspection.get("lead_department"), command.leader_id,
                           schedule.leader_id if schedule else None)
    team = sorted(({**p, "leader": p["id"] == leader} for p in team), key=lambda p: not p["leader"])
    if schedule is None:
        schedule = VisitSchedule(inspection_id=inspection["inspection_id"], version=0, history=[])
        uow.add(schedule)
    elif schedule.leader_id != leader:
        uow.audit("system:draw", "visit.leader_changed", f"inspection:{schedule.inspection_id}",
                  before={"leader": schedule.leader_id}, after={"leader": leader})
    schedule.leader_id, schedule.team, schedule.team_as_of = leader, team, command.as_of
    schedule.departments = [{"code": d["code"], "name": d.get("name", d["code"]), "lead": bool(d.get("lead"))}
                            for d in inspection.get("departments", [])]
    schedule.plan, schedule.company = inspection["plan"], inspection["company"]
    schedule.window_start = date.fromisoformat(inspection["window"]["start"])
    schedule.window_end = date.fromisoformat(inspection["window"]["end"])
    return schedule


def schedule_visit(command: ScheduleVisit, uow: UnitOfWork) -> VisitSchedule:
    """Fix or change the time. The same time again is no change (a repeated form or PUT answers as before)."""
    schedule = found(uow.get(VisitSchedule, command.inspection_id), NO_TEAM)
    ensure_may_schedule(schedule.leader_id, command.by)
    local = parse_local(command.local_time, uow.clock.tz)
    check_visit_time(local, schedule.window_start, schedule.window_end, WorkingHours.from_settings(uow.settings))
    at = local.astimezone(timezone.utc)
    previous = utc(schedule.scheduled_at) if schedule.scheduled_at else None
    if previous == at:
        return schedule
    reason = command.reason.strip() or None
    if previous is not None and reason is None:
        raise Invalid("更改检查时间须说明理由", fields={"reason": ["请填写更改理由"]})
    actor = command.by.actor
    schedule.scheduled_at, schedule.scheduled_by, schedule.version = at, actor, schedule.version + 1
    entry = {"version": schedule.version, "scheduled_at": iso(at), "local_time": local.strftime(TIME_FORMAT),
             "previous_at": iso(previous) if previous else None, "reason": reason, "by": actor,
             "by_name": command.by.name or actor,
             "recorded_at": iso(uow.now)}
    schedule.history = [*schedule.history, entry]
    uow.audit(actor, "visit.rescheduled" if previous else "visit.scheduled", f"inspection:{schedule.inspection_id}",
              before={"scheduled_at": entry["previous_at"], "version": schedule.version - 1} if previous else None,
              after={"scheduled_at": entry["scheduled_at"], "version": schedule.version}, reason=reason)
    _announce(uow, schedule, entry)
    return schedule


def _announce(uow: UnitOfWork, schedule: VisitSchedule, entry: dict) -> None:
    """Letters and results get the whole team; each participating department its own members."""
    def body(department=None):
        return payloads.visit_scheduled(schedule, entry["local_time"], entry["previous_at"], entry["reason"],
                                        department)
    uow.emit("visit.scheduled", body(), subject=schedule.inspection_id)
    for department in schedule.departments:
        uow.emit("visit.scheduled", body(department["code"]), subject=schedule.inspection_id,
                 department=department["code"])


def get_visit_schedule(query: GetVisitSchedule, uow: UnitOfWork) -> VisitSchedule:
    schedule = found(uow.get(VisitSchedule, query.inspection_id), NO_TEAM)
    if not may_read(schedule.team, schedule.departments, query.viewer):
        raise Forbidden("无权查看该检查的安排")
    return schedule


def my_visits_to_schedule(query: MyVisitsToSchedule, uow: UnitOfWork) -> list[VisitSchedule]:
    return led_by(uow.session, query.inspector_id)


def unscheduled_visits(query: UnscheduledVisits, uow: UnitOfWork) -> list[VisitSchedule]:
    return unscheduled(uow.session)
