"""`jointinspect migrate` in distributed mode also declares each service's queues and bindings (issue 14).

A topic exchange drops what no queue is bound to yet. A worker declares its queues when it starts, so an event
committed before the consuming service's worker ever ran — the department token an operator issues during setup,
before starting the processes — would be published into nothing and lost. Declared up front, it waits in the
queue. Same function and arguments as the consumer's own declaration, so the two never disagree."""
from __future__ import annotations

from shared.amqp import close_quietly, connect
from shared.config import Settings
from shared.topology import declare_service, parse_delays


def declare_queues(name: str, settings: Settings) -> int:
    """Idempotent; answers how many consumer queues the service has."""
    from .. import registry
    runtime = registry.bootstrap(name, settings)
    try:
        events = list(runtime.consumers)
    finally:
        runtime.dispose()
    connection = connect(settings.amqp_url, f"{name}-migrate")
    try:
        declare_service(connection.channel(), name, events, settings.delivery_limit,
                        parse_delays(settings.retry_delays) if events else ())
    finally:
        close_quietly(connection)
    return len(events)
