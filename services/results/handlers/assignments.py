"""The read model of the draw: who may record results for which visit (from draw's events)."""
from __future__ import annotations

from shared.uow import UnitOfWork

from ..adapters.db import Assignment
from ..commands import RecordAssignment, RecordReplacement


def record_assignment(cmd: RecordAssignment, uow: UnitOfWork) -> None:
    """On `inspectors.assigned`: remember who may record results for the visit and what it covers (once)."""
    if uow.get(Assignment, cmd.inspection_id) is not None:
        return
    uow.add(Assignment(inspection_id=cmd.inspection_id, draw_id=cmd.draw_id,
                       inspector_ids=[i["id"] for i in cmd.inspectors], inspectors=list(cmd.inspectors),
                       inspection=cmd.inspection, round=1, created_at=uow.now))


def record_replacement(cmd: RecordReplacement, uow: UnitOfWork) -> None:
    """On `inspectors.replaced` (S13): from now on the new team may record the results, the old member not."""
    assignment = uow.get(Assignment, cmd.inspection_id)
    if assignment is None:
        return record_assignment(RecordAssignment(cmd.inspection_id, cmd.draw_id, cmd.inspectors, cmd.inspection),
                                 uow)
    assignment.inspector_ids = [i["id"] for i in cmd.inspectors]
    assignment.inspectors = list(cmd.inspectors)
    uow.audit("system:results", "assignment.replaced", f"inspection:{cmd.inspection_id}",
              before={"inspector": cmd.old_inspector}, after={"inspector": cmd.new_inspector})
