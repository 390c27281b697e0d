"""Unit of work: state, events and audit entries commit together or not at all (design §3.1)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import audit, events

if TYPE_CHECKING:
    from .runtime import ServiceRuntime


class UnitOfWork:
    def __init__(self, runtime: "ServiceRuntime", correlation_id: str | None = None):
        self.runtime = runtime
        self.session = runtime.db.session
        self.correlation_id = correlation_id
        self.emitted: list[str] = []

    @property
    def now(self):
        return self.runtime.clock.now()

    def emit(self, name: str, data: dict, subject: str | None, department: str | None = None) -> str:
        """Queue an event in the outbox; partner-facing events carry `.<dept>` in their routing key."""
        event_id, body = events.build(self.runtime.name, name, data, subject, self.now, self.correlation_id)
        routing_key = f"{name}.{department}" if department else name
        outbox = self.runtime.models["Outbox"]
        self.session.add(outbox(event_id=event_id, event_type=events.event_type(name), routing_key=routing_key,
                                body=body, created_at=self.now, published_at=None))
        self.emitted.append(event_id)
        return event_id

    def audit(self, actor: str, action: str, obj: str, before: dict | None = None,
              after: dict | None = None, reason: str | None = None):
        return audit.record(self.session, self.runtime.models["AuditEntry"], actor, action, obj, self.now,
                            before=before, after=after, reason=reason)

    def commit(self) -> None:
        self.session.commit()
        if self.emitted:
            self.runtime.outbox_committed()
            self.emitted = []

    def rollback(self) -> None:
        self.session.rollback()
        self.emitted = []
