"""AMQP consumer (design §3.3–3.5): manual ack after the handler's transaction commits, bounded prefetch,
work in worker threads so pika's I/O thread keeps heartbeats alive, reconnect after a broker restart.

Settlement: success or duplicate → ack; handler error → reject(requeue) which the quorum queue counts
towards `x-delivery-limit` before dead-lettering to `<queue>.dead`; unparseable body → reject without requeue.
"""
from __future__ import annotations

import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from . import events
from .amqp import RECOVERABLE, Backoff, close_quietly, connect
from .runtime import ServiceRuntime
from .topology import declare_service

log = logging.getLogger(__name__)


class Consumer:
    def __init__(self, runtime: ServiceRuntime, amqp_url: str, prefetch: int = 20,
                 delivery_limit: int = 5, workers: int = 4):
        self.runtime, self.amqp_url = runtime, amqp_url
        self.prefetch, self.delivery_limit = prefetch, delivery_limit
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{runtime.name}-handler")
        self.ready = threading.Event()
        self.connections_opened = 0

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff()
        while not stop.is_set():
            connection = None
            try:
                connection = connect(self.amqp_url, f"{self.runtime.name}-consumer")
                self.connections_opened += 1
                channel = connection.channel()
                events_consumed = list(self.runtime.consumers)
                queues = declare_service(channel, self.runtime.name, events_consumed, self.delivery_limit)
                channel.basic_qos(prefetch_count=self.prefetch)
                for queue in queues:
                    channel.basic_consume(queue, functools.partial(self._on_message, connection, queue))
                backoff.reset()
                self.ready.set()
                while not stop.is_set():
                    connection.process_data_events(time_limit=0.5)
            except RECOVERABLE as exc:
                self.ready.clear()
                delay = backoff.next()
                log.warning("%s consumer: broker unavailable (%s); retrying in %.1fs", self.runtime.name, exc, delay)
                stop.wait(delay)
            finally:
                close_quietly(connection)
        self.executor.shutdown(wait=True)

    def _on_message(self, connection, queue, channel, method, properties, body) -> None:
        self.executor.submit(self._work, connection, channel, queue, method.delivery_tag, body, properties.user_id)

    def _work(self, connection, channel, queue: str, tag: int, body: bytes, sender: str | None = None) -> None:
        try:
            event = events.parse(body).sent_by(sender)
        except ValueError as exc:
            log.error("%s: poison message dead-lettered: %s", queue, exc)
            return self._settle(connection, channel.basic_reject, tag, requeue=False)
        try:
            self.runtime.deliver(queue, event)
        except Exception:
            log.exception("%s: handler failed on %s; requeued (delivery limit %d)", queue, event.id,
                          self.delivery_limit)
            return self._settle(connection, channel.basic_reject, tag, requeue=True)
        self._settle(connection, channel.basic_ack, tag)

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
            log.warning("could not settle delivery %s: %s", tag, exc)
