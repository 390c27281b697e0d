"""draw's event entrypoints (queues `draw.<event>`): each event translates into the command that handles it."""
from __future__ import annotations

from shared.department_tokens import CONSUMERS_ENTRY as DEPARTMENT_TOKENS
from shared.events import Event

from .commands import DrawInspectors, RecordTeamForScheduling


def inspection_ready(event: Event) -> DrawInspectors:
    return DrawInspectors(inspection=event.data)


def team_announced(event: Event) -> RecordTeamForScheduling:
    """Draw's own `inspectors.assigned` / `inspectors.replaced`: the team whose visit time is to be fixed. An
    `inspectors.assigned` without `leader_id` (the shape before issue #11) is led by its lead department's first."""
    data = event.data
    return RecordTeamForScheduling(inspection=data["inspection"], team=tuple(data["inspectors"]), as_of=event.time,
                                   leader_id=data.get("leader_id"))


CONSUMERS = {**DEPARTMENT_TOKENS, "inspection.ready": inspection_ready, "inspectors.assigned": team_announced,
             "inspectors.replaced": team_announced}
