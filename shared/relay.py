"""Outbox relay (design §3.2): publish pending rows in order with publisher confirms; mark them sent only
after the broker confirmed them; wait out a broker that is away; compete safely with other relays.

Confirms are pipelined (issue 15, P3): up to `relay_window` messages are unconfirmed at once
(shared/relay_confirms.py) and each window of confirmed rows is marked with one UPDATE, instead of one
blocking round trip per event."""
from __future__ import annotations

import logging
import threading

import pika
from sqlalchemy import func, select, text, update

from . import metrics
from .amqp import RECOVERABLE, Backoff
from .clock import utc
from .db import advisory_key
from .events import CONTENT_TYPE
from .outages import DATABASE_ERRORS, Outage, is_database_outage
from .relay_confirms import ConfirmingPublisher
from .runtime import ServiceRuntime

log = logging.getLogger(__name__)


def message_properties(row) -> pika.BasicProperties:
    return pika.BasicProperties(
        content_type=CONTENT_TYPE, message_id=row.event_id, type=row.event_type,
        delivery_mode=2, timestamp=int(utc(row.created_at).timestamp()),
    )


def relay_lock_key(service: str) -> int:
    """The advisory lock one service's relays take turns on; distinct per service even if two services ever
    shared a database."""
    return advisory_key(f"jointinspect.relay.{service}")


class OutboxRelay:
    def __init__(self, runtime: ServiceRuntime, amqp_url: str, batch: int = 200, idle_seconds: float = 0.2,
                 window: int | None = None):
        self.runtime, self.amqp_url, self.batch, self.idle_seconds = runtime, amqp_url, batch, idle_seconds
        self.window = window or runtime.settings.relay_window
        self.published = 0
        self.unroutable: set[str] = set()  # routing keys already logged as bound to no queue
        self.standing_by = False  # PostgreSQL: another relay of the service held the relay lock at the last try
        self.database = Outage(f"{runtime.name} relay", "database", log)

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop`: a broker or database outage is logged once, waited out with backoff and logged once
        more when over (issue 14); any other error ends the thread, and the worker then exits to be restarted."""
        name = f"{self.runtime.name} relay"
        broker, connected_once = Outage(name, "broker", log), False
        reconnect = Backoff()
        log.info("%s: started (batch %d, window %d)", name, self.batch, self.window)
        while not stop.is_set():
            publisher = ConfirmingPublisher(self.amqp_url, f"{self.runtime.name}-relay", self.window, self._returned)
            try:
                publisher.open()
                if not connected_once:
                    log.info("%s: connected to the broker", name)
                    connected_once = True
                self._relay(publisher, stop, broker, reconnect)
            except RECOVERABLE as exc:
                delay = reconnect.next()
                broker.failed(exc, delay)
                stop.wait(delay)
            finally:
                publisher.close()
        log.info("%s: stopped after publishing %d events", name, self.published)

    def _relay(self, publisher: ConfirmingPublisher, stop: threading.Event, broker: Outage,
               reconnect: Backoff) -> None:
        """Publish while connected; while the database is away, keep the broker connection alive (heartbeats)
        and try again with backoff — the pool's pre-ping replaces connections the restart broke. The broker
        counts as back only once a batch went through (or there was nothing to send): a broker that accepts the
        connection but nacks every message is one outage, retried with growing delays, not a flapping one."""
        backoff, database = Backoff(), self.database
        while not stop.is_set():
            try:
                published = self.publish_batch(publisher)
            except DATABASE_ERRORS as exc:
                if not is_database_outage(exc):
                    raise
                delay = backoff.next()
                database.failed(exc, delay)
                publisher.wait(delay)
                continue
            backoff.reset()
            database.recovered()
            reconnect.reset()
            broker.recovered()
            if not published:
                publisher.wait(self.idle_seconds)  # keeps heartbeats alive

    def publish_batch(self, publisher: ConfirmingPublisher) -> int:
        """Publish one batch; rows confirmed before a failure are still marked, the rest wait for the retry.
        On PostgreSQL a batch is published only by the relay holding the service's relay lock (a transaction-level
        advisory lock, `relay_lock_key`): several relays of one service take turns, batch by batch, and never
        publish at the same time, so the broker receives the outbox in `seq` order and an inspection's
        `inspectors.replaced` never overtakes its `inspectors.assigned` (issue 14). Before, rows claimed FOR UPDATE
        SKIP LOCKED by two relays at once were published concurrently, in either order. The cost: a service
        publishes at one relay's rate, not the sum of its relays' (bench/relay_throughput.py); the others stand
        by and take over at once if it dies, as the lock ends with its transaction or connection. Extra relays
        buy availability, not throughput. A connection lost after the publish and before the mark republishes the
        batch, in order; the inbox absorbs the copies. On SQLite (one process, embedded mode or one worker) the
        rows are read without the write lock and marked in a short transaction afterwards: a broker that is slow
        to confirm must never hold up the service's own writers (a SQLite database has one writer at a time).

        Within a batch up to `window` messages are unconfirmed at once. A nack (the broker could not take a
        message) ends the batch: the rows before the nacked one are marked, the nacked row and every row after it
        stay unsent and are published again, in order, after a reconnect with backoff. Rows after it that the
        broker had already stored are then delivered twice, and their first copies went out before the nacked
        row's second: after a nack a consumer may see an inspection's later event first. The inbox absorbs the
        copies and the consumers' ordering guard (shared.errors.NotYet) defers an event that came too early; a
        nack never loses an event. A row no queue is bound for (`mandatory`, `basic.return`) is confirmed all
        the same: counted as unroutable, logged once per routing key, marked sent, never retried."""
        outbox = self.runtime.models["Outbox"]
        query = (select(outbox.seq, outbox.event_id, outbox.event_type, outbox.routing_key, outbox.body,
                        outbox.created_at)
                 .where(outbox.published_at.is_(None)).order_by(outbox.seq).limit(self.batch))
        postgres = self.runtime.engine.dialect.name == "postgresql"
        with self.runtime.unit_of_work(read_only=not postgres) as uow:
            if postgres:
                if not uow.session.execute(select(func.pg_try_advisory_xact_lock(relay_lock_key(self.runtime.name)))
                                           ).scalar_one():
                    self.standing_by = True
                    return 0  # another relay of this service is publishing: wait for its batch to be marked
                self.standing_by = False
                rows = uow.session.execute(query.with_for_update()).all()
                confirmed, error = self._publish_marking(publisher, rows, uow)
            else:
                rows = uow.session.execute(query).all()
        if not postgres and rows:
            confirmed, error = self._publish(publisher, rows)  # outside any transaction: SQLite has one writer
            with self.runtime.unit_of_work() as uow:
                self._mark(rows[:confirmed], uow)
                self._committed(rows[:confirmed], uow)
        if not rows:
            return 0
        if error is not None:
            raise error
        return confirmed

    @staticmethod
    def _publish(publisher: ConfirmingPublisher, rows, progress=None) -> tuple[int, BaseException | None]:
        return publisher.publish([(row.routing_key, row.body, message_properties(row)) for row in rows], progress)

    def _publish_marking(self, publisher: ConfirmingPublisher, rows, uow) -> tuple[int, BaseException | None]:
        """PostgreSQL, under the relay lock: each window of confirmed rows is marked with one UPDATE while the
        next window is with the broker, and the batch is committed once. The commit does not wait for its WAL
        flush (`synchronous_commit` off for this transaction only): a mark lost in a database crash republishes
        rows the broker already has, which the inbox absorbs like any redelivery."""
        if not rows:
            return 0, None
        uow.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        marked = 0

        def mark(confirmed: int) -> None:
            nonlocal marked
            self._mark(rows[marked:confirmed], uow)
            marked = confirmed

        confirmed, error = self._publish(publisher, rows, mark)
        mark(confirmed)
        self._committed(rows[:confirmed], uow)
        return confirmed, error

    def _mark(self, rows, uow) -> None:
        """One UPDATE for a run of confirmed rows (a window, or a SQLite batch): never one per message."""
        if rows:
            outbox = self.runtime.models["Outbox"]
            uow.session.execute(update(outbox).where(outbox.seq.in_([row.seq for row in rows]))
                                .values(published_at=self.runtime.clock.now()))

    def _committed(self, rows, uow) -> None:
        if rows:
            uow.commit()
            self.published += len(rows)
            metrics.published(self.runtime.name, [row.event_type for row in rows])

    def _returned(self, routing_key: str, properties: pika.BasicProperties) -> None:
        """`basic.return`: no queue is bound for `routing_key` (e.g. a partner key of a department without a
        partner queue). Legitimate, so counted and said once per key, never retried."""
        metrics.unroutable(self.runtime.name, properties.type or routing_key)
        if routing_key not in self.unroutable:
            self.unroutable.add(routing_key)
            log.info("%s relay: no queue is bound for %s; such events are counted as unroutable and marked sent",
                     self.runtime.name, routing_key)
