"""Outbox relay (design §3.2): publish pending rows in order with publisher confirms; mark them sent only
after the broker confirmed them; wait out a broker that is away; compete safely with other relays."""
from __future__ import annotations

import logging
import threading

import pika
from sqlalchemy import func, select, update

from . import metrics
from .amqp import RECOVERABLE, Backoff, close_quietly, connect
from .clock import utc
from .db import advisory_key
from .events import CONTENT_TYPE
from .outages import DATABASE_ERRORS, Outage, is_database_outage
from .runtime import ServiceRuntime
from .topology import EXCHANGE, declare_exchanges

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
    def __init__(self, runtime: ServiceRuntime, amqp_url: str, batch: int = 200, idle_seconds: float = 0.2):
        self.runtime, self.amqp_url, self.batch, self.idle_seconds = runtime, amqp_url, batch, idle_seconds
        self.published = 0
        self.standing_by = False  # PostgreSQL: another relay of the service held the relay lock at the last try
        self.database = Outage(f"{runtime.name} relay", "database", log)

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop`: a broker or database outage is logged once, waited out with backoff and logged once
        more when over (issue 14); any other error ends the thread, and the worker then exits to be restarted."""
        name = f"{self.runtime.name} relay"
        broker, database = Outage(name, "broker", log), self.database
        backoff, connected_once = Backoff(), False
        log.info("%s: started (batch %d)", name, self.batch)
        while not stop.is_set():
            connection = None
            try:
                connection = connect(self.amqp_url, f"{self.runtime.name}-relay")
                channel = connection.channel()
                channel.confirm_delivery()
                declare_exchanges(channel)
                backoff.reset()
                broker.recovered()
                if not connected_once:
                    log.info("%s: connected to the broker", name)
                    connected_once = True
                self._relay(connection, channel, stop, database)
            except RECOVERABLE as exc:
                delay = backoff.next()
                broker.failed(exc, delay)
                stop.wait(delay)
            finally:
                close_quietly(connection)
        log.info("%s: stopped after publishing %d events", name, self.published)

    def _relay(self, connection, channel, stop: threading.Event, database: Outage) -> None:
        """Publish while connected; while the database is away, keep the broker connection alive (heartbeats)
        and try again with backoff — the pool's pre-ping replaces connections the restart broke."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                published = self.publish_batch(channel)
            except DATABASE_ERRORS as exc:
                if not is_database_outage(exc):
                    raise
                delay = backoff.next()
                database.failed(exc, delay)
                connection.process_data_events(time_limit=delay)
                continue
            backoff.reset()
            database.recovered()
            if not published:
                connection.process_data_events(time_limit=self.idle_seconds)  # keeps heartbeats alive

    def publish_batch(self, channel) -> int:
        """Publish one batch; rows confirmed before a failure are still marked, the rest wait for the retry.
        On PostgreSQL a batch is published only by the relay holding the service's relay lock (a transaction-level
        advisory lock, `relay_lock_key`): several relays of one service take turns, batch by batch, and never
        publish at the same time, so the broker receives the outbox in `seq` order and an inspection's
        `inspectors.replaced` never overtakes its `inspectors.assigned` (issue 14). Before, rows claimed FOR UPDATE
        SKIP LOCKED by two relays at once were published concurrently, in either order. The cost: a service
        publishes at one relay's rate, not the sum of its relays' (about 1,100 events/s with one confirm at a time,
        design notes); the others stand by and take over at once if it dies, as the lock ends with its
        transaction or connection. Extra relays buy availability, not throughput. A
        connection lost after the publish and before the mark republishes the batch, in order; the inbox absorbs
        the copies. On SQLite (one process, embedded mode or one worker) the rows are read without the write lock
        and marked in a short transaction afterwards: a broker that is slow to confirm must never hold up the
        service's own writers (a SQLite database has one writer at a time)."""
        outbox = self.runtime.models["Outbox"]
        query = select(outbox).where(outbox.published_at.is_(None)).order_by(outbox.seq).limit(self.batch)
        postgres = self.runtime.engine.dialect.name == "postgresql"
        with self.runtime.unit_of_work(read_only=not postgres) as uow:
            if postgres:
                if not uow.session.execute(select(func.pg_try_advisory_xact_lock(relay_lock_key(self.runtime.name)))
                                           ).scalar_one():
                    self.standing_by = True
                    return 0  # another relay of this service is publishing: wait for its batch to be marked
                self.standing_by = False
                rows = uow.session.execute(query.with_for_update()).scalars().all()
                return self._publish(channel, rows, uow)
            rows = uow.session.execute(query).scalars().all()
        if not rows:
            return 0
        with self.runtime.unit_of_work() as uow:
            return self._publish(channel, rows, uow)

    def _publish(self, channel, rows, uow) -> int:
        outbox = self.runtime.models["Outbox"]
        confirmed: list[int] = []
        try:
            for row in rows:
                channel.basic_publish(EXCHANGE, row.routing_key, row.body, message_properties(row))
                confirmed.append(row.seq)
        finally:
            if confirmed:
                uow.session.execute(update(outbox).where(outbox.seq.in_(confirmed))
                                    .values(published_at=self.runtime.clock.now()))
                uow.commit()
        self.published += len(confirmed)
        metrics.published(self.runtime.name, [row.event_type for row in rows[:len(confirmed)]])
        return len(confirmed)
