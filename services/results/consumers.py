"""results' event entrypoints (queues `results.<event>`): each event becomes the command that handles it."""
from __future__ import annotations

from shared.events import Event

from .commands import RecordAssignment, RecordReplacement


def inspectors_assigned(event: Event) -> RecordAssignment:
    data = event.data
    return RecordAssignment(inspection_id=data["inspection_id"], draw_id=data["draw_id"],
                            inspectors=tuple(data["inspectors"]), inspection=data["inspection"])


def inspectors_replaced(event: Event) -> RecordReplacement:
    data = event.data
    return RecordReplacement(inspection_id=data["inspection_id"], draw_id=data["draw_id"],
                             inspectors=tuple(data["inspectors"]), inspection=data["inspection"],
                             old_inspector=data["old"]["id"], new_inspector=data["new"]["id"])


CONSUMERS = {"inspectors.assigned": inspectors_assigned, "inspectors.replaced": inspectors_replaced}
