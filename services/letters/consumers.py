"""letters' event entrypoints (queues `letters.<event>`): each event becomes the command that handles it."""
from __future__ import annotations

from shared.events import Event

from .commands import IssueJointLetter, ReissueAfterReplacement


def inspectors_assigned(event: Event) -> IssueJointLetter:
    data = event.data
    return IssueJointLetter(data["inspection_id"], data["inspection"], data["inspectors"])


def inspectors_replaced(event: Event) -> ReissueAfterReplacement:
    data = event.data
    return ReissueAfterReplacement(data["inspection_id"], data["inspection"], data["inspectors"],
                                   old_name=data["old"]["name"], new_name=data["new"]["name"], reason=data["reason"])


CONSUMERS = {"inspectors.assigned": inspectors_assigned, "inspectors.replaced": inspectors_replaced}
