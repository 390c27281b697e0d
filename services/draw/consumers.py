"""draw's event entrypoints: event name → handler (queues `draw.<event>`)."""
from . import handlers

HANDLERS = {"inspection.ready": handlers.draw_inspectors}
