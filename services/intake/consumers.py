"""intake's event entrypoints (queues `intake.<event>`): translators from an event to the command that handles it.

A department publishes `task.submitted` with the same body as `POST /joint-tasks`; the broker authenticates it
(AMQP `user_id` must equal the connection's user, RabbitMQ checks this) and the handler maps the broker user to
the department. Companies drawn from a target library (`targets.drawn`) become tasks of the drawing department."""
from __future__ import annotations

from shared.events import Event
from shared.partner_queues import BROADCAST_EVENTS
from shared.sessions import CONSUMERS_ENTRY as REVOKED_SESSIONS

from .commands import ReceiveTask, RecordBroadcastEvent, RecordPartnerEvent, SubmitBatch
from .parsing import command_from


def on_task_submitted(event: Event) -> ReceiveTask:
    return ReceiveTask(event_id=event.id, sender=event.sender, body=event.data)


def on_targets_drawn(event: Event) -> SubmitBatch:
    """S6/S12: each drawn company carries its stratum draw as the upstream reference; a refused one is kept as
    a rejection for the clerk (the batch answers it, never raises)."""
    data = event.data
    rows = []
    for target in data["targets"]:
        body = {"plan_id": data["plan_id"], "external_id": f"{target['draw_id']}:{target['uscc']}",
                "company": {"uscc": target["uscc"], "name": target["name"], "address": target.get("address", "")},
                "items": data["items"], "upstream_draw_ref": target["draw_id"]}
        rows.append(command_from(body, data["department"], "system:draw", "draw"))
    return SubmitBatch(tuple(rows))


def on_partner_event(event: Event) -> RecordPartnerEvent | None:
    """Issue #12: a partner-facing event goes into its department's log (the pull feed, the webhooks) exactly as
    received, so its `id` is the same by every way. The routing key's last word is not part of the event, so the
    department is the payload's `department`, which all five carry (the whole-team `visit.scheduled` has none and
    is not bound here)."""
    department = event.data.get("department")
    if not isinstance(department, str) or not department or event.body is None:
        return None
    return RecordPartnerEvent(department=department, event_id=event.id, event_type=event.type, body=event.body)


def on_broadcast_event(event: Event) -> RecordBroadcastEvent | None:
    """Issue 13: an event every department receives (a signed audit checkpoint of any service, this one included)
    goes into every department's log, as received."""
    if event.body is None:
        return None
    return RecordBroadcastEvent(event_id=event.id, event_type=event.type, body=event.body)


PARTNER_EVENTS = ("letter.issued.*", "visit.scheduled.*", "result.published.*", "result.voided.*",
                  "rectification.updated.*")
CONSUMERS = {**REVOKED_SESSIONS, "task.submitted": on_task_submitted, "targets.drawn": on_targets_drawn,
             **{pattern: on_partner_event for pattern in PARTNER_EVENTS},
             **{name: on_broadcast_event for name in BROADCAST_EVENTS}}
