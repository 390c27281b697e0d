"""AMQP consumer (design §3.3–3.5): manual ack after the handler's transaction commits, bounded prefetch,
work in worker threads so pika's I/O thread keeps heartbeats alive, reconnect after a broker restart.

Settlement (issue 14): success or duplicate → ack; a database outage → the handler thread waits until the
database answers and tries again, the message stays unacked and is never counted against it; any other handler
error → republished to the service's delay queue (shared/topology.py) with the attempt count, then acked, and
after `delivery_limit` failed attempts published to `<queue>.dead` with the first failure's reason; an event that
came before one it depends on (`NotYet`: several consumers, a thread pool and one queue per event type mean no order
between an inspection's events) → put back in a delay queue without counting an attempt, up to `defer_limit`
times (then its failures count, so an event whose predecessor never comes is dead-lettered, not kept forever);
unparseable body → reject without requeue (dead-lettered by the broker at once).
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pika
from pika.exceptions import AMQPError

from . import events, metrics
from .amqp import RECOVERABLE, Backoff, close_quietly, connect
from .errors import NotYet
from .outages import Outage, describe, is_database_outage
from .runtime import ServiceRuntime
from .topology import (
    ATTEMPTS_HEADER,
    DEAD_AT_HEADER,
    DEAD_LETTER_EXCHANGE,
    DEFERRALS_HEADER,
    FIRST_FAILURE_AT_HEADER,
    FIRST_FAILURE_REASON_HEADER,
    LAST_FAILURE_REASON_HEADER,
    ORIGINAL_ROUTING_KEY_HEADER,
    ORIGINAL_SENDER_HEADER,
    RETRY_DELAY_HEADER,
    declare_service,
    delay_label,
    retry_exchange_name,
)

log = logging.getLogger(__name__)
DEFAULT_RETRY_DELAYS = (1.0, 5.0, 30.0, 120.0)


class Consumer:
    def __init__(self, runtime: ServiceRuntime, amqp_url: str, prefetch: int = 20,
                 delivery_limit: int = 5, workers: int = 4, retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
                 hold_seconds: float = 600.0, defer_limit: int = 12):
        self.runtime, self.amqp_url, self.hold_seconds = runtime, amqp_url, hold_seconds
        self.defer_limit = defer_limit  # with the default delays ≈ 19 min for a predecessor to arrive
        self.prefetch, self.delivery_limit, self.retry_delays = prefetch, delivery_limit, tuple(retry_delays)
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{runtime.name}-handler")
        self.ready = threading.Event()
        self.connections_opened = 0
        self.name = f"{runtime.name} consumer"
        self.database = Outage(self.name, "database", log)
        self._stop = threading.Event()

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        broker, backoff = Outage(self.name, "broker", log), Backoff()
        log.info("%s: started (prefetch %d, %d attempts, retry delays %s s)", self.name, self.prefetch,
                 self.delivery_limit, ", ".join(f"{d:g}" for d in self.retry_delays))
        while not stop.is_set():
            connection = None
            try:
                connection = connect(self.amqp_url, f"{self.runtime.name}-consumer")
                self.connections_opened += 1
                channel = connection.channel()
                publisher = connection.channel()  # retries and dead letters, confirmed before the original's ack
                publisher.confirm_delivery()
                events_consumed = list(self.runtime.consumers)
                queues = declare_service(channel, self.runtime.name, events_consumed, self.delivery_limit,
                                         self.retry_delays)
                channel.basic_qos(prefetch_count=self.prefetch)
                for queue in queues:
                    channel.basic_consume(queue, functools.partial(self._on_message, connection, publisher, queue))
                backoff.reset()
                broker.recovered()
                if self.connections_opened == 1:
                    log.info("%s: consuming %d queues", self.name, len(queues))
                self.ready.set()
                while not stop.is_set():
                    connection.process_data_events(time_limit=0.5)
            except RECOVERABLE as exc:
                self.ready.clear()
                delay = backoff.next()
                broker.failed(exc, delay)
                stop.wait(delay)
            finally:
                close_quietly(connection)
        self.executor.shutdown(wait=True)
        log.info("%s: stopped", self.name)

    def _on_message(self, connection, publisher, queue, channel, method, properties, body) -> None:
        self.executor.submit(self._work, connection, channel, queue, method.delivery_tag, body, properties,
                             publisher, method.routing_key, time.monotonic())

    def _work(self, connection, channel, queue: str, tag: int, body: bytes, properties=None,
              publisher=None, routing_key: str | None = None, received: float | None = None) -> None:
        properties = properties or pika.BasicProperties()
        try:
            event = events.parse(body).sent_by(self._sender(properties))
        except ValueError as exc:
            log.error("%s: unparseable message dead-lettered: %s", queue, exc)
            metrics.dead_lettered(self.runtime.name, properties.type or "unparseable")
            return self._settle(connection, channel.basic_reject, tag, requeue=False)
        delivery = Delivery(connection, channel, publisher, queue, tag, body, properties, event, routing_key)
        backoff, waiting_since = Backoff(cap=10.0), received or time.monotonic()  # held since it arrived
        while True:
            try:
                self.runtime.deliver(queue, event)
            except NotYet as exc:
                return self._defer(delivery, exc)
            except Exception as exc:
                if not is_database_outage(exc):
                    return self._failed(delivery, exc)
                delay = backoff.next()
                self.database.failed(exc, delay)
                if time.monotonic() - waiting_since > self.hold_seconds:
                    return self._park(delivery)
                if self._stop.wait(delay):
                    return  # left unacked: the broker redelivers it to whoever consumes next
                continue
            self.database.recovered()
            return self._settle(connection, channel.basic_ack, tag)

    def _park(self, delivery: "Delivery") -> None:
        """A long database outage: hand the message to the longest delay queue without counting an attempt,
        before the broker's acknowledgement timeout (30 min by default) closes the channel and counts a
        redelivery against the queue's delivery limit."""
        headers = dict(delivery.properties.headers or {})
        headers[ORIGINAL_SENDER_HEADER] = delivery.event.sender or ""
        headers[RETRY_DELAY_HEADER] = delay_label(self.retry_delays[-1])
        if delivery.routing_key and delivery.routing_key != delivery.queue:
            headers.setdefault(ORIGINAL_ROUTING_KEY_HEADER, delivery.routing_key)
        log.debug("%s: database still unavailable; %s waits in the delay queue", delivery.queue, delivery.event.id)
        self._forward(delivery, retry_exchange_name(self.runtime.name), headers)

    def _defer(self, delivery: "Delivery", exc: NotYet) -> None:
        """An event ahead of its predecessor: wait in a delay queue (growing delays), attempts untouched."""
        headers = dict(delivery.properties.headers or {})
        deferrals = int(headers.get(DEFERRALS_HEADER, 0)) + 1
        if deferrals > self.defer_limit:
            return self._failed(delivery, exc)  # the predecessor is overdue: now it counts toward poison
        headers[DEFERRALS_HEADER] = deferrals
        headers[ORIGINAL_SENDER_HEADER] = delivery.event.sender or ""
        if delivery.routing_key and delivery.routing_key != delivery.queue:
            headers.setdefault(ORIGINAL_ROUTING_KEY_HEADER, delivery.routing_key)
        delay = self.retry_delays[min(deferrals, len(self.retry_delays)) - 1]
        headers[RETRY_DELAY_HEADER] = delay_label(delay)
        log.info("%s: %s came before an event it depends on (%s); deferred %s (%d of %d)", delivery.queue,
                 delivery.event.id, exc, delay_label(delay), deferrals, self.defer_limit)
        metrics.deferred(self.runtime.name, delivery.event.name)
        self._forward(delivery, retry_exchange_name(self.runtime.name), headers)

    def _failed(self, delivery: "Delivery", exc: Exception) -> None:
        """A handler error that is not an outage: retry later with a growing delay, or dead-letter when spent."""
        queue, event = delivery.queue, delivery.event
        headers = dict(delivery.properties.headers or {})
        attempts = int(headers.get(ATTEMPTS_HEADER, 0)) + 1
        reason = describe(exc)
        headers[ATTEMPTS_HEADER] = attempts
        headers.setdefault(FIRST_FAILURE_REASON_HEADER, reason)
        headers.setdefault(FIRST_FAILURE_AT_HEADER, self.runtime.clock.now().isoformat())
        headers[LAST_FAILURE_REASON_HEADER] = reason
        headers[ORIGINAL_SENDER_HEADER] = event.sender or ""
        if delivery.routing_key and delivery.routing_key != queue:  # a retry copy arrives keyed by the queue name
            headers.setdefault(ORIGINAL_ROUTING_KEY_HEADER, delivery.routing_key)
        if attempts >= self.delivery_limit:
            headers[DEAD_AT_HEADER] = self.runtime.clock.now().isoformat()
            log.error("%s: %s dead-lettered after %d attempts: %s", queue, event.id, attempts,
                      headers[FIRST_FAILURE_REASON_HEADER])
            target = DEAD_LETTER_EXCHANGE
            metrics.dead_lettered(self.runtime.name, event.name)
        else:
            delay = self.retry_delays[min(attempts, len(self.retry_delays)) - 1]
            headers[RETRY_DELAY_HEADER] = delay_label(delay)
            log.warning("%s: handler failed on %s (attempt %d of %d): %s; retrying in %s", queue, event.id,
                        attempts, self.delivery_limit, reason, delay_label(delay),
                        exc_info=attempts == 1)  # the traceback once per message, not once per attempt
            target = retry_exchange_name(self.runtime.name)
        self._forward(delivery, target, headers)

    def _forward(self, delivery: "Delivery", exchange: str, headers: dict) -> None:
        """Publish a copy (confirmed, mandatory) and only then ack the original, on the I/O thread."""
        d, original = delivery, delivery.properties
        copy = pika.BasicProperties(content_type=original.content_type, message_id=original.message_id,
                                    type=original.type, timestamp=original.timestamp, user_id=self._own_user(),
                                    delivery_mode=2, headers=headers)

        def forward():
            if not d.channel.is_open:
                return  # the original is redelivered; nothing was published
            if not d.publisher.is_open:  # the broker closed it (e.g. a refused publish): the connection is rebuilt
                log.warning("%s: publishing channel closed; reconnecting to forward %s", d.queue, d.event.id)
                return d.connection.close()  # the original stays unacked and is redelivered after the reconnect
            try:
                d.publisher.basic_publish(exchange, d.queue, d.body, copy, mandatory=True)
            except AMQPError as error:  # unroutable or refused: keep the original, the broker's limit still applies
                log.warning("%s: could not forward %s (%s); requeued", d.queue, d.event.id, describe(error))
                return d.channel.basic_reject(d.tag, requeue=True)
            d.channel.basic_ack(d.tag)
        try:
            d.connection.add_callback_threadsafe(forward)
        except RECOVERABLE as error:
            log.warning("%s: could not settle %s: %s", d.queue, d.event.id, describe(error))

    def _own_user(self) -> str:
        return pika.URLParameters(self.amqp_url).credentials.username

    def _sender(self, properties) -> str | None:
        """The broker-authenticated producer (AMQP user_id). A retry copy is published by this consumer under
        its own user, so the broker vouches only for that; the original producer then travels in a header,
        believed only on a message the broker says this service's own user published."""
        headers = properties.headers or {}
        if properties.user_id and properties.user_id == self._own_user() and ORIGINAL_SENDER_HEADER in headers:
            return headers[ORIGINAL_SENDER_HEADER] or None
        return properties.user_id

    @staticmethod
    def _settle(connection, method, tag: int, **kwargs) -> None:
        """Acks go back through the I/O thread; if the connection is gone the broker redelivers and the
        inbox absorbs the duplicate."""
        def settle():
            if method.__self__.is_open:
                method(tag, **kwargs)
        try:
            connection.add_callback_threadsafe(settle)
        except RECOVERABLE as exc:
            log.warning("could not settle delivery %s: %s", tag, describe(exc))


@dataclass(frozen=True)
class Delivery:
    """One message being worked on, with what settling it needs."""
    connection: object
    channel: object
    publisher: object
    queue: str
    tag: int
    body: bytes
    properties: pika.BasicProperties
    event: events.Event
    routing_key: str | None = None
