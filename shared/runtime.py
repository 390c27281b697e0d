"""One service as the messaging layer sees it: its app, database, models and event handlers."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

from .clock import Clock
from .config import Settings
from .events import Event
from .topology import queue_name
from .uow import UnitOfWork

log = logging.getLogger(__name__)
Handler = Callable[[Event, UnitOfWork], None]


class Outcome(Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"


@dataclass
class ServiceRuntime:
    name: str
    app: Flask
    db: SQLAlchemy
    models: dict
    handlers: dict[str, Handler]
    settings: Settings
    clock: Clock
    listeners: list[Callable[[], None]] = field(default_factory=list)
    deps: dict = field(default_factory=dict)  # service-specific dependencies wired by its factory

    def queues(self) -> dict[str, str]:
        """queue name → event name, for every event this service consumes."""
        return {queue_name(self.name, event): event for event in self.handlers}

    def outbox_committed(self) -> None:
        for listener in self.listeners:
            listener()

    def unit_of_work(self, correlation_id: str | None = None) -> UnitOfWork:
        return UnitOfWork(self, correlation_id)

    def deliver(self, queue: str, event: Event) -> Outcome:
        """Run the handler for `event` once per queue: the inbox row commits with the handler's effects,
        so a redelivery (broker retry, relay republish, competing consumer) has no second effect."""
        handler = self.handlers[self.queues()[queue]]
        inbox = self.models["Inbox"]
        with self.app.app_context():
            session = self.db.session
            if session.get(inbox, (queue, event.id)) is not None:
                session.rollback()
                return Outcome.DUPLICATE
            uow = self.unit_of_work(event.correlation_id)
            try:
                handler(event, uow)
                session.add(inbox(queue=queue, event_id=event.id, processed_at=self.clock.now()))
                uow.commit()
            except IntegrityError:
                uow.rollback()
                if session.get(inbox, (queue, event.id)) is not None:
                    return Outcome.DUPLICATE
                raise
            except Exception:
                uow.rollback()
                raise
        return Outcome.PROCESSED
