"""The partners' side of `bench/pipeline.py`: each department's queue declared exactly as `jointinspect partners
provision` declares it (`partner.<dept>`, a quorum queue bound to that department's partner-facing keys; the
broker user is left out — the benchmark consumes as guest) and consumed by a plain pika consumer that acks each
message after noting when it arrived. Duplicates are counted, never collapsed."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import pika
from support import ROOT  # noqa: F401  (puts the repository root on the path)

from shared.partner_queues import declare_partner_queue, partner_queue


@dataclass(frozen=True)
class Delivery:
    queue: str
    routing_key: str
    event: str  # e.g. "letter.issued"
    event_id: str
    subject: str | None
    department: str | None
    time: str | None  # CloudEvents `time`: when the emitting service wrote it
    received: float  # time.time() when the partner got it
    redelivered: bool


def event_name(cloud_type: str) -> str:
    return cloud_type.removeprefix("cn.gov.jointinspect.").removesuffix(".v1")


class PartnerConsumer:
    """`declare()` before the run (so nothing emitted is missed), `start()`, then `deliveries` fills up."""

    def __init__(self, amqp_url: str, departments, delivery_limit: int = 5):
        self.amqp_url, self.departments, self.delivery_limit = amqp_url, tuple(departments), delivery_limit
        self.deliveries: list[Delivery] = []
        self.unparsed = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def declare(self) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        try:
            channel = connection.channel()
            for department in self.departments:
                declare_partner_queue(channel, department, self.delivery_limit)
        finally:
            connection.close()

    def count(self, event: str) -> int:
        with self._lock:
            return sum(1 for d in self.deliveries if d.event == event)

    def snapshot(self) -> list[Delivery]:
        with self._lock:
            return list(self.deliveries)

    def _received(self, queue: str):
        def on_message(channel, method, properties, body):
            arrived = time.time()
            try:
                event = json.loads(body)
                data = event.get("data") or {}
                delivery = Delivery(queue, method.routing_key, event_name(event.get("type", "")), event.get("id", ""),
                                    event.get("subject"), data.get("department"), event.get("time"), arrived,
                                    bool(method.redelivered))
                with self._lock:
                    self.deliveries.append(delivery)
            except (ValueError, AttributeError):
                self.unparsed += 1
            channel.basic_ack(method.delivery_tag)
        return on_message

    def _run(self) -> None:
        try:
            connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
            channel = connection.channel()
            channel.basic_qos(prefetch_count=500)
            for department in self.departments:
                queue = partner_queue(department)
                channel.basic_consume(queue, self._received(queue))
            while not self._stop.is_set():
                connection.process_data_events(time_limit=0.2)
            connection.close()
        except BaseException as error:  # noqa: BLE001 — reported by the driver, which stops waiting
            self.error = error

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="partner-consumer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
