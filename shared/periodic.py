"""Periodic jobs a service declares in its runtime's `periodic` as (interval seconds, job(runtime)): run by the
worker in distributed mode and by `jointinspect up` in embedded mode. Jobs must be idempotent, because
several workers may run them."""
from __future__ import annotations

import logging
import threading
import time

from .outages import Outage, is_database_outage
from .runtime import ServiceRuntime

log = logging.getLogger(__name__)


class PeriodicJobs:
    def __init__(self, runtimes: list[ServiceRuntime]):
        self.jobs = [(runtime, interval, job) for runtime in runtimes
                     for interval, job in runtime.periodic]
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None
        self.outages: dict[int, Outage] = {}

    def run_due(self, last_run: dict, now: float) -> None:
        for index, (runtime, interval, job) in enumerate(self.jobs):
            if now - last_run.get(index, float("-inf")) >= interval:
                last_run[index] = now
                outage = self.outages.setdefault(index, Outage(f"{runtime.name} {job.__name__}", "database", log))
                try:
                    job(runtime)
                except Exception as exc:
                    if is_database_outage(exc):  # one line per outage, not a traceback every interval
                        outage.failed(exc)
                        continue
                    log.exception("%s: periodic job %s failed; it runs again next interval", runtime.name,
                                  job.__name__)
                else:
                    outage.recovered()

    def _run(self) -> None:
        last_run: dict[int, float] = {}
        while not self.stop_event.is_set():
            self.run_due(last_run, time.monotonic())
            self.stop_event.wait(1)

    def start(self) -> None:
        if self.jobs:
            self.thread = threading.Thread(target=self._run, name="periodic-jobs", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread:
            self.thread.join(timeout=15)
