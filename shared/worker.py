"""A service's distributed-mode worker: its outbox relay and its consumers, each on its own connection."""
from __future__ import annotations

import logging
import threading

from .consumer import Consumer
from .periodic import PeriodicJobs
from .relay import OutboxRelay
from .runtime import ServiceRuntime

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, runtime: ServiceRuntime):
        settings = runtime.settings
        if not settings.amqp_url:
            raise RuntimeError("worker needs AMQP_URL (distributed mode)")
        self.relay = OutboxRelay(runtime, settings.amqp_url, batch=settings.relay_batch)
        self.consumer = Consumer(runtime, settings.amqp_url, prefetch=settings.prefetch,
                                 delivery_limit=settings.delivery_limit) if runtime.consumers else None
        self.periodic = PeriodicJobs([runtime])
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        parts = [("relay", self.relay)] + ([("consumer", self.consumer)] if self.consumer else [])
        for label, part in parts:
            thread = threading.Thread(target=part.run, args=(self.stop_event,), name=label, daemon=True)
            thread.start()
            self.threads.append(thread)
        self.periodic.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.periodic.stop()
        for thread in self.threads:
            thread.join(timeout=15)

    def run_forever(self) -> None:
        self.start()
        try:
            while not self.stop_event.wait(1):
                pass
        except KeyboardInterrupt:
            log.info("worker stopping")
        finally:
            self.stop()
