"""letters' event entrypoints (queues `letters.<event>`): each event becomes the command that handles it."""
from __future__ import annotations

from shared.department_tokens import CONSUMERS_ENTRY as DEPARTMENT_TOKENS
from shared.events import Event
from shared.sessions import CONSUMERS_ENTRY as REVOKED_SESSIONS

from .commands import IssueJointLetter, RecordVisitTime, ReissueAfterReplacement


def inspectors_assigned(event: Event) -> IssueJointLetter:
    data = event.data
    return IssueJointLetter(data["inspection_id"], data["inspection"], data["inspectors"], data.get("leader_id"))


def visit_scheduled(event: Event) -> RecordVisitTime:
    data = event.data
    return RecordVisitTime(data["inspection_id"], data["scheduled_at"], int(data["version"]), data.get("reason"),
                           data.get("scheduled_by") or "")


def inspectors_replaced(event: Event) -> ReissueAfterReplacement:
    data = event.data
    return ReissueAfterReplacement(data["inspection_id"], data["inspection"], data["inspectors"],
                                   old_name=data["old"]["name"], new_name=data["new"]["name"], reason=data["reason"])


CONSUMERS = {**DEPARTMENT_TOKENS, **REVOKED_SESSIONS,
             "inspectors.assigned": inspectors_assigned, "visit.scheduled": visit_scheduled,
             "inspectors.replaced": inspectors_replaced}
