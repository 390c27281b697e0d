"""Prometheus metrics (issue 14): what an operator graphs and alerts on, with nothing personal in any label.

Counters and histograms live in prometheus_client's process registry and are bumped by small hooks the pipeline
calls (`published`, `consumed`, `failed`, `dead_lettered`, `handler_timer`, the Flask request hooks). The outbox
backlog and the age of its oldest unsent row are read from the database when scraped, not sampled, so a scrape
always tells how far behind the relay is *now*, also from a web process (which does not run the relay).

Under gunicorn with several workers, counters of one process would be a random fraction of the truth: with
PROMETHEUS_MULTIPROC_DIR set (an empty directory, before the process starts) prometheus_client writes them to
files there and a scrape adds up every process's files.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
PUBLISHED = Counter("jointinspect_events_published", "Outbox events confirmed by the broker (or delivered "
                    "in-process in embedded mode)", ["service", "event_type"])
UNROUTABLE = Counter("jointinspect_events_unroutable", "Outbox events the broker confirmed with no queue bound "
                     "for their routing key (e.g. a department without a partner queue); marked sent",
                     ["service", "event_type"])
CONSUMED = Counter("jointinspect_events_consumed", "Events a service's consumer handled (duplicates included)",
                   ["service", "event_type"])
FAILED = Counter("jointinspect_events_failed", "Event deliveries whose handler raised (each attempt)",
                 ["service", "event_type"])
DEFERRED = Counter("jointinspect_events_deferred", "Events that came before one they depend on and were put back "
                   "in a delay queue (not failures)", ["service", "event_type"])
DEAD_LETTERED = Counter("jointinspect_events_dead_lettered", "Events given up on and set aside as dead letters",
                        ["service", "event_type"])
HANDLER_SECONDS = Histogram("jointinspect_handler_seconds", "Time the message bus spent on one message",
                            ["service", "message"], buckets=LATENCY_BUCKETS)
HTTP_SECONDS = Histogram("jointinspect_http_request_seconds", "HTTP requests by route pattern (never the raw path)",
                         ["service", "method", "route", "status"], buckets=LATENCY_BUCKETS)


def published(service: str, event_types: Iterable[str]) -> None:
    for event_type in event_types:
        PUBLISHED.labels(service, event_type).inc()


def unroutable(service: str, event_type: str) -> None:
    UNROUTABLE.labels(service, event_type).inc()


def consumed(service: str, event_type: str) -> None:
    CONSUMED.labels(service, event_type).inc()


def failed(service: str, event_type: str) -> None:
    FAILED.labels(service, event_type).inc()


def deferred(service: str, event_type: str) -> None:
    DEFERRED.labels(service, event_type).inc()


def dead_lettered(service: str, event_type: str) -> None:
    DEAD_LETTERED.labels(service, event_type).inc()


@contextmanager
def handler_timer(service: str, message: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        HANDLER_SECONDS.labels(service, message).observe(time.perf_counter() - started)


def observe_http(service: str, method: str, route: str, status: int, seconds: float) -> None:
    HTTP_SECONDS.labels(service, method, route, str(status)).observe(seconds)


class OutboxCollector:
    """Backlog and oldest unsent age of each runtime's outbox, read at scrape time. A database that does not answer
    leaves the gauges out (absent, not zero: zero would claim all is sent) and sets `…_outbox_readable` to 0."""

    def __init__(self, runtimes):
        self.runtimes = list(runtimes)

    def collect(self):
        from .health import outbox_state
        backlog = GaugeMetricFamily("jointinspect_outbox_backlog", "Outbox rows not yet published", labels=["service"])
        age = GaugeMetricFamily("jointinspect_outbox_oldest_unsent_seconds", "Age of the oldest unpublished outbox "
                                "row (0 when none)", labels=["service"])
        readable = GaugeMetricFamily("jointinspect_outbox_readable", "1 when the outbox could be read at this scrape",
                                     labels=["service"])
        for runtime in self.runtimes:
            state = outbox_state(runtime)
            readable.add_metric([runtime.name], 0 if state is None else 1)
            if state is not None:
                backlog.add_metric([runtime.name], state[0])
                age.add_metric([runtime.name], state[1])
        yield from (backlog, age, readable)


def exposition(runtimes, multiproc_dir: str = "") -> tuple[bytes, str]:
    """The body and content type of a scrape: this process's (or, in multiprocess mode, every process's)
    counters, then the outbox gauges computed now."""
    if multiproc_dir:
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiproc_dir)
    else:
        from prometheus_client import REGISTRY as registry
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(OutboxCollector(runtimes))
    return generate_latest(registry) + generate_latest(scraped), CONTENT_TYPE_LATEST


def token_accepted(expected: str, authorization: str | None) -> bool:
    """METRICS_TOKEN unset: metrics are open (they hold counts and route patterns only); set: a bearer token."""
    if not expected:
        return True
    import hmac
    return hmac.compare_digest((authorization or "").encode(), f"Bearer {expected}".encode())


def reset_multiproc_dir(multiproc_dir: str) -> None:
    """gunicorn's `on_starting` (master, before any worker): the directory exists and holds no counts of an earlier
    run, which would otherwise be added to this one's."""
    if multiproc_dir:
        from pathlib import Path
        folder = Path(multiproc_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()


def mark_process_dead(multiproc_dir: str, pid: int) -> None:
    """gunicorn's `child_exit`: a dead worker's live gauges must not linger in the multiprocess files."""
    if multiproc_dir:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(pid, multiproc_dir)
