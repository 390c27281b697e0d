"""Embedded transport (design §3.7): the same outbox rows, delivered in-process to the same handlers
through the same inbox. Only the transport differs from distributed mode.

A row is marked published once every queue bound to its routing key has processed it or dead-lettered it.
A handler that keeps failing goes to the consumer's `dead_letter` table after the delivery limit, as it would
go to `<queue>.dead` on the broker.
"""
from __future__ import annotations

import logging
import threading
import traceback

from sqlalchemy import select, update

from . import events, metrics
from .runtime import ServiceRuntime
from .topology import topic_matches

log = logging.getLogger(__name__)


class EmbeddedBus:
    def __init__(self, runtimes: list[ServiceRuntime], delivery_limit: int = 5, poll_seconds: float = 0.5):
        self.runtimes = runtimes
        self.delivery_limit = delivery_limit
        self.poll_seconds = poll_seconds
        self._wakeup = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], int] = {}
        self._thread: threading.Thread | None = None
        self._parts: list[threading.Thread] = []
        for runtime in runtimes:
            runtime.listeners.append(self._wakeup.set)

    def bindings(self, routing_key: str) -> list[tuple[ServiceRuntime, str]]:
        return [(rt, queue) for rt in self.runtimes for queue, event in rt.queues().items()
                if topic_matches(event, routing_key)]

    def drain(self, max_rounds: int = 1000) -> int:
        """Deliver until no outbox has anything pending; returns the number of rows delivered."""
        total = 0
        with self._lock:
            for _ in range(max_rounds):
                moved = sum(self._drain_one(rt) for rt in self.runtimes)
                total += moved
                if not moved and not self._failures:
                    break
        return total

    def _drain_one(self, producer: ServiceRuntime) -> int:
        """Read the pending rows, deliver each, then mark it in a short transaction of its own: the producer's
        database is never held while a consumer works (a letter takes a third of a second to typeset)."""
        outbox = producer.models["Outbox"]
        with producer.unit_of_work(read_only=True) as uow:
            rows = uow.session.execute(select(outbox).where(outbox.published_at.is_(None))
                                       .order_by(outbox.seq).limit(200)).scalars().all()
        done = 0
        for row in rows:
            if not self._deliver_everywhere(row):
                break  # keep order: a row that will be retried holds back the rows after it
            with producer.unit_of_work() as uow:
                uow.session.execute(update(outbox).where(outbox.seq == row.seq)
                                    .values(published_at=producer.clock.now()))
                uow.commit()
            metrics.published(producer.name, [row.event_type])
            done += 1
        return done

    def _deliver_everywhere(self, row) -> bool:
        try:
            event = events.parse(row.body)
        except ValueError as exc:
            log.error("embedded: poison outbox row %s: %s", row.event_id, exc)
            return True
        settled = True
        for consumer, queue in self.bindings(row.routing_key):
            settled &= self._deliver(consumer, queue, event, row.body)
        return settled

    def _deliver(self, consumer: ServiceRuntime, queue: str, event, body: bytes) -> bool:
        key = (queue, event.id)
        try:
            consumer.deliver(queue, event)
        except Exception:
            attempts = self._failures.get(key, 0) + 1
            self._failures[key] = attempts
            log.exception("embedded: %s failed on %s (attempt %d)", queue, event.id, attempts)
            if attempts < self.delivery_limit:
                return False
            self._dead_letter(consumer, queue, event, body, attempts, traceback.format_exc())
        self._failures.pop(key, None)
        return True

    def _dead_letter(self, consumer: ServiceRuntime, queue: str, event, body: bytes, attempts: int, error: str):
        dead = consumer.models["DeadLetter"]
        with consumer.unit_of_work() as uow:
            uow.add(dead(queue=queue, event_id=event.id, body=body, error=error[-4000:],
                         attempts=attempts, created_at=consumer.clock.now()))
            uow.commit()
        log.error("embedded: %s dead-lettered %s after %d attempts", queue, event.id, attempts)
        metrics.dead_lettered(consumer.name, event.name)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="embedded-bus", daemon=True)
        self._thread.start()
        for runtime in self.runtimes:  # the services' own parts (letters: its render loop), as a worker runs them
            for label, run in runtime.parts:
                part = threading.Thread(target=self._run_part, args=(label, run), name=label, daemon=True)
                part.start()
                self._parts.append(part)

    def _run_part(self, label: str, run) -> None:
        try:
            run(self._stop)
        except Exception:
            log.critical("embedded: %s ended with an error; restart the process", label, exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._wakeup.set()
        for thread in [self._thread, *self._parts]:
            if thread:
                thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wakeup.wait(self.poll_seconds)
            self._wakeup.clear()
            try:
                self.drain()
            except Exception:
                log.exception("embedded bus: drain failed; retrying")
