"""Outbox relay (design §3.2): publish pending rows in order with publisher confirms; mark them sent only
after the broker confirmed them; wait out a broker that is away; compete safely with other relays."""
from __future__ import annotations

import logging
import threading

import pika
from sqlalchemy import select, update

from .amqp import RECOVERABLE, Backoff, close_quietly, connect
from .clock import utc
from .events import CONTENT_TYPE
from .runtime import ServiceRuntime
from .topology import EXCHANGE, declare_exchanges

log = logging.getLogger(__name__)


def message_properties(row) -> pika.BasicProperties:
    return pika.BasicProperties(
        content_type=CONTENT_TYPE, message_id=row.event_id, type=row.event_type,
        delivery_mode=2, timestamp=int(utc(row.created_at).timestamp()),
    )


class OutboxRelay:
    def __init__(self, runtime: ServiceRuntime, amqp_url: str, batch: int = 200, idle_seconds: float = 0.2):
        self.runtime, self.amqp_url, self.batch, self.idle_seconds = runtime, amqp_url, batch, idle_seconds
        self.published = 0

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff()
        while not stop.is_set():
            connection = None
            try:
                connection = connect(self.amqp_url, f"{self.runtime.name}-relay")
                channel = connection.channel()
                channel.confirm_delivery()
                declare_exchanges(channel)
                backoff.reset()
                while not stop.is_set():
                    if not self.publish_batch(channel):
                        connection.process_data_events(time_limit=self.idle_seconds)  # keeps heartbeats alive
            except RECOVERABLE as exc:
                delay = backoff.next()
                log.warning("%s relay: broker unavailable (%s); retrying in %.1fs", self.runtime.name, exc, delay)
                stop.wait(delay)
            finally:
                close_quietly(connection)

    def publish_batch(self, channel) -> int:
        """Publish one batch; rows confirmed before a failure are still marked, the rest wait for the retry.
        On PostgreSQL rows are claimed FOR UPDATE SKIP LOCKED so several relays never take the same row. On SQLite
        the rows are read without the write lock and marked in a short transaction afterwards: a broker that is
        slow to confirm must never hold up the service's own writers (a SQLite database has one writer at a time)."""
        outbox = self.runtime.models["Outbox"]
        query = select(outbox).where(outbox.published_at.is_(None)).order_by(outbox.seq).limit(self.batch)
        postgres = self.runtime.engine.dialect.name == "postgresql"
        with self.runtime.unit_of_work(read_only=not postgres) as uow:
            rows = uow.session.execute(query.with_for_update(skip_locked=True) if postgres else query).scalars().all()
            if postgres:
                return self._publish(channel, rows, uow)
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
        return len(confirmed)
