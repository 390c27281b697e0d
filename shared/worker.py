"""A service's distributed-mode worker: its outbox relay and its consumers, each on its own connection. Outages are
waited out inside the parts; a part that ends anyway makes the worker exit non-zero, to be restarted (issue 14)."""
from __future__ import annotations

import logging
import threading

from .consumer import Consumer
from .outages import describe
from .periodic import PeriodicJobs
from .relay import OutboxRelay
from .runtime import ServiceRuntime
from .topology import parse_delays

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, runtime: ServiceRuntime):
        settings = runtime.settings
        if not settings.amqp_url:
            raise RuntimeError("worker needs AMQP_URL (distributed mode)")
        self.relay = OutboxRelay(runtime, settings.amqp_url, batch=settings.relay_batch)
        self.consumer = Consumer(runtime, settings.amqp_url, prefetch=settings.prefetch,
                                 delivery_limit=settings.delivery_limit,
                                 retry_delays=parse_delays(settings.retry_delays)) if runtime.consumers else None
        self.periodic = PeriodicJobs([runtime])
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.failure: str | None = None  # why a part ended unexpectedly; the worker then exits non-zero
        self.name = runtime.name
        self.runtime_parts = list(runtime.parts)

    def start(self) -> None:
        parts = [("relay", self.relay.run)] + ([("consumer", self.consumer.run)] if self.consumer else [])
        parts += self.runtime_parts  # the service's own parts (letters: its render loop), supervised alike
        for label, run in parts:
            thread = threading.Thread(target=self._guarded, args=(label, run), name=label, daemon=True)
            thread.start()
            self.threads.append(thread)
        self.periodic.start()
        log.debug("%s worker: started (%s)", self.name, ", ".join(label for label, _ in parts))

    def _guarded(self, label: str, run) -> None:
        """A part ends only when asked to; if it ends otherwise, say why here, once, for run_forever to act on."""
        try:
            run(self.stop_event)
        except BaseException as exc:  # noqa: BLE001 — whatever it was, the worker must not live on without it
            self.failure = f"{label} thread died: {describe(exc)}"
            log.critical("%s worker: %s", self.name, self.failure, exc_info=True)
            return
        if not self.stop_event.is_set():
            self.failure = f"{label} thread ended without being asked to"
            log.critical("%s worker: %s", self.name, self.failure)

    def dead_parts(self) -> list[str]:
        """Names of the parts (relay, consumer, the runtime's own, periodic-jobs) whose thread is no longer running."""
        threads = self.threads + ([self.periodic.thread] if self.periodic.thread else [])
        return [thread.name for thread in threads if not thread.is_alive()]

    def stop(self) -> None:
        self.stop_event.set()
        self.periodic.stop()
        for thread in self.threads:
            thread.join(timeout=15)

    def run_forever(self, check_seconds: float = 1.0) -> int:
        """Run until interrupted (exit code 0) or until a part's thread dies (exit code 1): a worker without its
        relay or consumer would look alive while doing nothing, so it exits and its supervisor restarts it."""
        self.start()
        code = 0
        try:
            while not self.stop_event.wait(check_seconds):
                dead = self.dead_parts()
                if dead:
                    log.critical("%s worker: exiting with status 1 so it is restarted: %s", self.name,
                                 self.failure or f"{', '.join(dead)} thread no longer running")
                    code = 1
                    break
        except KeyboardInterrupt:
            log.info("%s worker: stopping", self.name)
        finally:
            self.stop()
        log.debug("%s worker: stopped", self.name)
        return code
