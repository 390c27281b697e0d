"""draw's event entrypoints (queues `draw.<event>`): each event translates into the command that handles it."""
from __future__ import annotations

from shared.events import Event

from .commands import DrawInspectors


def inspection_ready(event: Event) -> DrawInspectors:
    return DrawInspectors(inspection=event.data)


CONSUMERS = {"inspection.ready": inspection_ready}
