"""The message bus (Architecture Patterns with Python, ch. 9–13): one entry point for every use case.

Views, pages, the CLI, periodic jobs and consumers build a command (or a query) and call `bus.handle`. The bus
opens a unit of work, runs the one handler for that message type with the dependencies it names, and commits
once. The transaction policy lives here and nowhere else:

- a `DomainError` rolls back the handler's changes, keeps what the refusal must record (`uow.refuse`), re-raises;
- a unique-constraint race (two requests with one idempotency key, two drafts at once) or a PostgreSQL
  serialisation failure runs the handler again on a fresh transaction, which then sees the winner's row and
  answers as the sequential case would (replay → the first answer, different body → 409), never a 500;
- a `Query` runs on a read-only unit of work that is closed, never committed.
"""
from __future__ import annotations

import inspect
import logging
from typing import Any, Callable

from sqlalchemy.exc import IntegrityError, OperationalError

from . import metrics
from .errors import DomainError
from .uow import UnitOfWork

log = logging.getLogger(__name__)
RACE_RETRIES = 3
_PG_RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class Query:
    """Marker base for read-only messages: handled on a read-only unit of work, never committed."""


def _retryable(error: Exception) -> bool:
    if isinstance(error, IntegrityError):
        return True
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, OperationalError) and code in _PG_RETRYABLE


class MessageBus:
    def __init__(self, uow_factory: Callable[..., UnitOfWork], handlers: dict[type, Callable], deps: dict,
                 service: str = ""):
        self.uow_factory, self.handlers, self.deps = uow_factory, dict(handlers), dict(deps)
        self.service = service  # the label of its latency metric
        self._wanted: dict[Callable, dict] = {}

    def handle(self, message, *, uow: UnitOfWork | None = None, correlation_id: str | None = None) -> Any:
        with metrics.handler_timer(self.service, type(message).__name__):  # by message type (issue 14)
            return self._handle(message, uow=uow, correlation_id=correlation_id)

    def _handle(self, message, *, uow: UnitOfWork | None = None, correlation_id: str | None = None) -> Any:
        """Run the message's handler. With `uow` the caller owns the transaction (a consumer commits the handler's
        effects with its inbox row); otherwise the bus opens, commits and closes one."""
        handler = self._handler(message)
        if uow is not None:
            return handler(message, uow, **self._deps(handler))
        if isinstance(message, Query):
            with self.uow_factory(correlation_id=correlation_id, read_only=True) as reading:
                return handler(message, reading, **self._deps(handler))
        for attempt in range(1, RACE_RETRIES + 1):
            with self.uow_factory(correlation_id=correlation_id) as work:
                try:
                    result = handler(message, work, **self._deps(handler))
                    work.commit()
                    return result
                except DomainError:
                    work.keep_refusals()
                    raise
                except (IntegrityError, OperationalError) as error:
                    if not _retryable(error) or attempt == RACE_RETRIES:
                        raise
                    log.info("%s: concurrent write on %s, running it again (attempt %d)",
                             type(message).__name__, error.__class__.__name__, attempt + 1)

    def _handler(self, message) -> Callable:
        try:
            return self.handlers[type(message)]
        except KeyError:
            raise LookupError(f"no handler for {type(message).__name__}") from None

    def _deps(self, handler: Callable) -> dict:
        """The dependencies a handler names after (message, uow), e.g. `settings`, `clock`, `render_documents`."""
        if handler not in self._wanted:
            names = list(inspect.signature(handler).parameters)[2:]
            missing = [n for n in names if n not in self.deps]
            if missing:
                raise LookupError(f"{handler.__name__} needs {missing}, not wired in bootstrap")
            self._wanted[handler] = names
        return {name: self.deps[name] for name in self._wanted[handler]}
