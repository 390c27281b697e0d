"""results' event entrypoints (queues `results.<event>`)."""
from . import handlers

HANDLERS = {"inspectors.assigned": handlers.record_assignment,
            "inspectors.replaced": handlers.record_replacement}
