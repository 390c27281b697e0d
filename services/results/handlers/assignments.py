"""The read model of the draw: who may record results for which visit and department, and when the visit is
(from draw's `inspectors.assigned`, `inspectors.replaced` and `visit.scheduled`)."""
from __future__ import annotations

from datetime import datetime

from shared.errors import NotYet
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, VisitSchedule
from ..commands import RecordAssignment, RecordReplacement, RecordSchedule
from ..domain.team import parts_of, replace_member


def record_assignment(cmd: RecordAssignment, uow: UnitOfWork) -> None:
    """On `inspectors.assigned`: remember the team, each department's part and what it covers (once)."""
    if uow.get(Assignment, cmd.inspection_id) is not None:
        return
    inspectors = list(cmd.inspectors)
    uow.add(Assignment(inspection_id=cmd.inspection_id, draw_id=cmd.draw_id,
                       leader_id=cmd.leader_id or (inspectors[0]["id"] if inspectors else None),
                       inspector_ids=[i["id"] for i in inspectors], inspectors=inspectors,
                       parts=parts_of(cmd.inspection, inspectors, list(cmd.parts)), inspection=cmd.inspection,
                       created_at=uow.now))


def record_replacement(cmd: RecordReplacement, uow: UnitOfWork) -> None:
    """On `inspectors.replaced` (S13): from now on the new member records for the old member's departments.
    Before the assignment is known (its event travels on another queue) it waits: built from the replacement
    alone, the assignment would lose its leader and how each department's members came (issue 14)."""
    assignment = uow.get(Assignment, cmd.inspection_id)
    if assignment is None:
        raise NotYet(f"inspection {cmd.inspection_id} has no assignment yet")
    assignment.inspector_ids = [i["id"] for i in cmd.inspectors]
    assignment.inspectors = list(cmd.inspectors)
    assignment.parts = replace_member(assignment.parts, cmd.old_inspector, cmd.new_inspector)
    if assignment.leader_id == cmd.old_inspector:
        assignment.leader_id = cmd.new_inspector
    uow.audit("system:results", "assignment.replaced", f"inspection:{cmd.inspection_id}",
              before={"inspector": cmd.old_inspector}, after={"inspector": cmd.new_inspector})


def record_schedule(cmd: RecordSchedule, uow: UnitOfWork) -> None:
    """On `visit.scheduled`: the fixed time; an older version arriving late changes nothing."""
    schedule = uow.get(VisitSchedule, cmd.inspection_id)
    if schedule is not None and schedule.version >= cmd.version:
        return
    if schedule is None:
        schedule = VisitSchedule(inspection_id=cmd.inspection_id)
        uow.add(schedule)
    schedule.scheduled_at = datetime.fromisoformat(cmd.scheduled_at.replace("Z", "+00:00"))
    schedule.local_time, schedule.version = cmd.local_time, cmd.version
    schedule.scheduled_by, schedule.updated_at = cmd.scheduled_by, uow.now
