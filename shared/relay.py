"""Outbox relay (design §3.2): publish pending rows in order with publisher confirms; mark them sent only
after the broker confirmed them; wait out a broker that is away; compete safely with other relays."""
from __future__ import annotations

import logging
import threading

import pika
from sqlalchemy import select, update

from .amqp import RECOVERABLE, Backoff, close_quietly, connect
from .clock import utc
from .db import is_postgres
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
        On PostgreSQL rows are claimed FOR UPDATE SKIP LOCKED so several relays never take the same row."""
        outbox = self.runtime.models["Outbox"]
        with self.runtime.unit_of_work() as uow:
            session = uow.session
            query = select(outbox).where(outbox.published_at.is_(None)).order_by(outbox.seq).limit(self.batch)
            if is_postgres(session):
                query = query.with_for_update(skip_locked=True)
            rows = session.execute(query).scalars().all()
            confirmed: list[int] = []
            try:
                for row in rows:
                    channel.basic_publish(EXCHANGE, row.routing_key, row.body, message_properties(row))
                    confirmed.append(row.seq)
            finally:
                if confirmed:
                    session.execute(update(outbox).where(outbox.seq.in_(confirmed))
                                    .values(published_at=self.runtime.clock.now()))
                session.commit()
            self.published += len(confirmed)
            return len(confirmed)
