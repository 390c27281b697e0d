"""Unit of work (design §3.1): state, events and audit entries commit together or not at all.

It owns its session (from the service's session factory, never Flask's request scope), so handlers run the same
from a view, a consumer, the relay, the CLI or a test with no app context. Handlers never commit: the message bus
commits once when the handler returns. "Record the refusal, then raise" is `refuse()`: the handler's changes are
rolled back, what the refusal itself must leave behind (a rejection row, an audit entry) commits, and the error
reaches the caller.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from . import audit, events
from .clock import Clock
from .config import Settings


class UnitOfWork:
    def __init__(self, service: str, sessions: sessionmaker, models: dict, clock: Clock, settings: Settings,
                 on_commit: Callable[[], None] | None = None, correlation_id: str | None = None):
        self.service, self.models, self.clock, self.settings = service, models, clock, settings
        self._sessions, self._on_commit = sessions, on_commit
        self.correlation_id = correlation_id
        self.session: Session | None = None
        self.emitted: list[str] = []
        self._refusal_records: list[Callable[["UnitOfWork"], None]] = []

    def __enter__(self) -> "UnitOfWork":
        if self.session is None:
            self.session = self._sessions()
            self.session.info["clock"] = self.clock  # the one clock, also for entries a flush hook writes
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        """Closing (not rolling back) releases the connection without expiring what was loaded, so an answer
        read here stays readable for the view that presents it; anything uncommitted is discarded."""
        if exc_type is not None:
            self.rollback()
        self.session.close()
        self.emitted = []

    @property
    def now(self):
        return self.clock.now()

    def today(self):
        return self.clock.today_local()

    def get(self, model, key):
        return self.session.get(model, key)

    def add(self, row) -> None:
        self.session.add(row)

    def savepoint(self):
        """A nested transaction: one task of a batch fails alone; on SQLite it is a real savepoint (db.make_engine)."""
        return self.session.begin_nested()

    def emit(self, name: str, data: dict, subject: str | None, department: str | None = None) -> str:
        """Queue an event in the outbox; partner-facing events carry `.<dept>` in their routing key."""
        event_id, body = events.build(self.service, name, data, subject, self.now, self.correlation_id)
        routing_key = f"{name}.{department}" if department else name
        outbox = self.models["Outbox"]
        self.session.add(outbox(event_id=event_id, event_type=events.event_type(name), routing_key=routing_key,
                                body=body, created_at=self.now, published_at=None))
        self.emitted.append(event_id)
        return event_id

    def audit(self, actor: str, action: str, obj: str, before: dict | None = None,
              after: dict | None = None, reason: str | None = None) -> None:
        """Collect an entry; the chain is appended once, at the commit, under its lock (`shared.audit`)."""
        audit.record(self.session, self.models["AuditEntry"], actor, action, obj, self.now,
                            before=before, after=after, reason=reason)

    def refuse(self, record: Callable[["UnitOfWork"], None]) -> None:
        """Keep `record(uow)` for when the handler raises: it runs in a fresh transaction after the rollback and
        commits, so a refusal is on file even though nothing of the refused change is."""
        self._refusal_records.append(record)

    def commit(self) -> None:
        """Only the message bus (and adapters that own a process, like the relay) call this: once per message."""
        self.session.commit()
        if self.emitted:
            self.emitted = []
            if self._on_commit:
                self._on_commit()

    def rollback(self) -> None:
        if self.session is not None:
            self.session.rollback()
        self.emitted = []

    def keep_refusals(self) -> None:
        """After a refused handler: roll back its changes, then commit what the refusal must leave behind."""
        records, self._refusal_records = self._refusal_records, []
        self.rollback()
        if not records:
            return
        for record in records:
            record(self)
        self.commit()
