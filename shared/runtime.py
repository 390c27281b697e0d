"""One service as everything outside its handlers sees it: settings, clock, database, bus and event entrypoints.

Built by the service's `bootstrap()` without Flask, so the relay, the consumers, the CLI and tests use the same
object; the web app wraps it (`shared.web.create_service_app`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, partial
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from . import metrics
from .bus import MessageBus
from .clock import Clock
from .common_handlers import COMMON_HANDLERS, checkpoint_job
from .config import Settings
from .db import advisory_key, make_engine, session_factories
from .errors import NotYet
from .events import Event
from .outages import is_database_outage
from .signing import signer_for
from .topology import queue_name
from .uow import UnitOfWork

log = logging.getLogger(__name__)
# An event entrypoint translates an event into the command(s) that handle it (parse → command, nothing else).
Translator = Callable[[Event], object]


class Outcome(Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"


@dataclass
class ServiceRuntime:
    name: str
    settings: Settings
    clock: Clock
    engine: Engine
    models: dict
    consumers: dict[str, Translator]
    periodic: list[tuple[float, Callable[["ServiceRuntime"], None]]] = field(default_factory=list)
    bus: MessageBus | None = None
    listeners: list[Callable[[], None]] = field(default_factory=list)
    # long-running parts besides relay and consumers, as (name, run(stop_event)): supervised by the worker and
    # started by the embedded bus (issue 15: letters' render loop)
    parts: list[tuple[str, Callable]] = field(default_factory=list)
    _writing: sessionmaker | None = None
    _reading: sessionmaker | None = None

    def __post_init__(self):
        self._writing, self._reading = session_factories(self.engine)

    def unit_of_work(self, correlation_id: str | None = None, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.name, self._reading if read_only else self._writing, self.models, self.clock,
                          self.settings, on_commit=self.outbox_committed, correlation_id=correlation_id)

    def queues(self) -> dict[str, str]:
        """queue name → event name, for every event this service consumes."""
        return {queue_name(self.name, event): event for event in self.consumers}

    def outbox_committed(self) -> None:
        for listener in self.listeners:
            listener()

    def deliver(self, queue: str, event: Event) -> Outcome:
        """`_deliver`, counted (issue 14): consumed, or failed when the handler raised — in both transports."""
        try:
            outcome = self._deliver(queue, event)  # bus.handle times each command it runs (metrics.HANDLER_SECONDS)
        except NotYet:
            raise  # deferred, not failed: its predecessor has not been handled yet (shared/consumer.py)
        except Exception as exc:
            if not is_database_outage(exc):  # an outage is waited out, not an attempt (shared/consumer.py)
                metrics.failed(self.name, event.name)
            raise
        metrics.consumed(self.name, event.name)
        return outcome

    def _deliver(self, queue: str, event: Event) -> Outcome:
        """Run the commands an event translates into, once per queue: the inbox row commits with their effects,
        so a redelivery (broker retry, relay republish, competing consumer) has no second effect."""
        translate = self.consumers[self.queues()[queue]]
        inbox = self.models["Inbox"]
        with self.unit_of_work(event.correlation_id) as uow:
            self._serialize(uow, event)
            if uow.get(inbox, (queue, event.id)) is not None:
                return Outcome.DUPLICATE
            try:
                for command in _as_list(translate(event)):
                    self.bus.handle(command, uow=uow)
                uow.add(inbox(queue=queue, event_id=event.id, processed_at=self.clock.now()))
                uow.commit()
            except IntegrityError:
                uow.rollback()
                if uow.get(inbox, (queue, event.id)) is not None:
                    return Outcome.DUPLICATE
                raise
        return Outcome.PROCESSED

    def _serialize(self, uow: UnitOfWork, event: Event) -> None:
        """One inspection's events are handled one at a time across this service's handler threads and worker
        processes (issue 14): on PostgreSQL the transaction first takes an advisory lock on the event's subject,
        held until it commits. Two concurrent handlers of one visit (`visit.scheduled` versions 2 and 3) would
        otherwise both read version 1 and the later commit win, stale or not; serialized, the second reads what
        the first committed and its version check decides. SQLite has one writer at a time already."""
        if event.subject and self.engine.dialect.name == "postgresql":
            uow.session.execute(select(func.pg_advisory_xact_lock(advisory_key(f"subject:{event.subject}"))))

    def dispose(self) -> None:
        self.engine.dispose()


def _as_list(commands) -> list:
    if commands is None:
        return []
    return list(commands) if isinstance(commands, (list, tuple)) else [commands]


def build_runtime(name: str, settings: Settings, clock: Clock | None, models: dict, handlers: dict, deps: dict,
                  consumers: dict[str, Translator] | None = None, periodic=()) -> ServiceRuntime:
    """Wire one service: its engine, its bus with `settings` and `clock` always available to handlers."""
    clock = clock or Clock(settings.tz)
    # every service signs its audit chain head periodically (issue 13); the key is read on first use
    periodic = [*periodic, (settings.audit_checkpoint_minutes * 60, checkpoint_job)]
    runtime = ServiceRuntime(name=name, settings=settings, clock=clock, engine=make_engine(settings.database_url),
                             models=models, consumers=dict(consumers or {}), periodic=periodic)
    runtime.bus = MessageBus(runtime.unit_of_work, {**COMMON_HANDLERS, **handlers},
                             {"settings": settings, "clock": clock,
                              "audit_signer": cache(partial(signer_for, settings)), **deps}, service=name)
    return runtime
