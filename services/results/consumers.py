"""results' event entrypoints (queues `results.<event>`): each event becomes the command that handles it."""
from __future__ import annotations

from shared.department_tokens import CONSUMERS_ENTRY as DEPARTMENT_TOKENS
from shared.events import Event
from shared.sessions import CONSUMERS_ENTRY as REVOKED_SESSIONS

from .commands import RecordAssignment, RecordReplacement, RecordSchedule


def inspectors_assigned(event: Event) -> RecordAssignment:
    data = event.data
    return RecordAssignment(inspection_id=data["inspection_id"], draw_id=data["draw_id"],
                            inspectors=tuple(data["inspectors"]), inspection=data["inspection"],
                            leader_id=data.get("leader_id"), parts=tuple(data.get("parts") or ()))


def inspectors_replaced(event: Event) -> RecordReplacement:
    data = event.data
    return RecordReplacement(inspection_id=data["inspection_id"], draw_id=data["draw_id"],
                             inspectors=tuple(data["inspectors"]), inspection=data["inspection"],
                             old_inspector=data["old"]["id"], new_inspector=data["new"]["id"])


def visit_scheduled(event: Event) -> RecordSchedule:
    data = event.data
    return RecordSchedule(inspection_id=data["inspection_id"], scheduled_at=data["scheduled_at"],
                          local_time=data["local_time"], version=int(data["version"]),
                          scheduled_by=data.get("scheduled_by") or "")


CONSUMERS = {**DEPARTMENT_TOKENS, **REVOKED_SESSIONS,
             "inspectors.assigned": inspectors_assigned, "inspectors.replaced": inspectors_replaced,
             "visit.scheduled": visit_scheduled}
