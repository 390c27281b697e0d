"""Liveness and readiness (issue 14) of a service's web process and of its worker.

Readiness is the service's pipeline, not just "the process answers": its database and (distributed) broker are
reachable and its outbox is being published — fewer than OUTBOX_BACKLOG_MAX rows wait and the oldest waits less
than OUTBOX_MAX_AGE_SECONDS. A web process does not run the relay, but its outbox tells whether its worker is
publishing: after a database restart that silently ended a relay, the backlog grew while `/readyz` kept answering
200 (the incident in issue 14). The worker adds that its relay and consumer threads are alive.

The worker's probe is a stdlib HTTP server on WORKER_HEALTH_PORT (0: off) in a daemon thread, so compose or
Kubernetes can check a process that has no web app; it also serves /metrics for Prometheus.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import func, select, text

from . import amqp, metrics
from .clock import utc
from .db import READ_ONLY
from .runtime import ServiceRuntime

log = logging.getLogger(__name__)
BROKER_CHECK_CACHE_SECONDS = 5  # a probe every few seconds must not open a broker connection each time
NAMES = {"database": "数据库", "broker": "消息代理", "outbox": "待发事件积压", "relay": "事件发布线程",
         "consumer": "事件消费线程",
         "periodic-jobs": "定时任务线程"}
STATES = {"behind": "超过阈值", "dead": "已停止", "connecting": "正在连接", "unavailable": "不可用"}


def check_database(runtime: ServiceRuntime) -> str:
    try:
        with runtime.engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            connection.execute(text("SELECT 1"))  # a deferred BEGIN on SQLite: never queued behind a writer
        return "ok"
    except Exception as exc:  # any driver error means not ready
        log.warning("%s readiness: database check failed: %s", runtime.name, exc)
        return "unavailable"


def check_broker(runtime: ServiceRuntime, cache: dict[str, float]) -> str:
    if time.monotonic() - cache.get("ok_at", -1e9) < BROKER_CHECK_CACHE_SECONDS:
        return "ok"
    try:
        amqp.close_quietly(amqp.connect(runtime.settings.amqp_url, f"{runtime.name}-readyz"))
        cache["ok_at"] = time.monotonic()
        return "ok"
    except amqp.RECOVERABLE as exc:
        log.warning("%s readiness: broker check failed: %s", runtime.name, exc)
        return "unavailable"


def outbox_state(runtime: ServiceRuntime) -> tuple[int, float] | None:
    """(unsent rows, age in seconds of the oldest of them, 0 when none) by the runtime's clock; None when the
    database does not answer."""
    outbox = runtime.models["Outbox"]
    try:
        with runtime.unit_of_work(read_only=True) as uow:
            count, oldest = uow.session.execute(select(func.count(), func.min(outbox.created_at))
                                                .where(outbox.published_at.is_(None))).one()
    except Exception as exc:  # the database check reports the outage; metrics only leave the gauges out
        log.debug("%s: outbox not readable: %s", runtime.name, exc)
        return None
    age = max(0.0, (runtime.clock.now() - utc(oldest)).total_seconds()) if oldest is not None else 0.0
    return int(count), age


def check_outbox(runtime: ServiceRuntime) -> tuple[str, dict]:
    settings = runtime.settings
    state = outbox_state(runtime)
    if state is None:
        return "unavailable", {}
    backlog, age = state
    detail = {"backlog": backlog, "oldest_unsent_seconds": round(age, 1)}
    ok = backlog < settings.outbox_backlog_max and age < settings.outbox_max_age_seconds
    return ("ok" if ok else "behind"), detail


def pipeline_checks(runtime: ServiceRuntime, broker_cache: dict[str, float]) -> tuple[dict, dict]:
    """The checks every process of a service shares: database, broker (distributed), outbox."""
    checks = {"database": check_database(runtime)}
    if runtime.settings.distributed:
        checks["broker"] = check_broker(runtime, broker_cache)
    checks["outbox"], outbox = check_outbox(runtime) if checks["database"] == "ok" else ("unavailable", {})
    return checks, {"outbox": outbox} if outbox else {}


def readiness(name: str, checks: dict, details: dict) -> tuple[dict, int]:
    """The answer of a /readyz: 200 when every check is ok, else 503 with a Chinese message naming what is not."""
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if ready else "not_ready", "service": name, "checks": checks, **details}
    if not ready:
        body["message"] = "服务未就绪：" + "，".join(
            NAMES.get(k, k) + STATES.get(v, "不可用") for k, v in checks.items() if v != "ok")
    return body, 200 if ready else 503


def thread_checks(worker) -> dict[str, str]:
    """Each of the worker's threads (relay, consumer, periodic jobs) by name: alive or dead. The consumer also
    counts as not ready until it holds a channel to its queues."""
    periodic = getattr(getattr(worker, "periodic", None), "thread", None)
    threads = [*getattr(worker, "threads", []), *([periodic] if periodic else [])]
    checks = {thread.name: "ok" if thread.is_alive() else "dead" for thread in threads}
    consumer = getattr(worker, "consumer", None)
    if checks.get("consumer") == "ok" and consumer is not None and not consumer.ready.is_set():
        checks["consumer"] = "connecting"
    return checks


class WorkerHealthServer:
    """/healthz: the worker's threads are alive (else 503, so a supervisor restarts it); /readyz: pipeline and
    threads; /metrics: Prometheus exposition (behind METRICS_TOKEN if set)."""

    def __init__(self, worker, runtime: ServiceRuntime, host: str, port: int):
        self.worker, self.runtime, self._broker_cache = worker, runtime, {}
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, name="health-server", daemon=True)

    def start(self) -> "WorkerHealthServer":
        self.thread.start()
        log.info("%s worker: health probe on %s:%d (/healthz /readyz /metrics)", self.runtime.name,
                 *self.server.server_address[:2])
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, authorization: str | None) -> tuple[int, str, bytes]:
        name = self.runtime.name
        if path == "/healthz":
            threads = thread_checks(self.worker)
            alive = all(value != "dead" for value in threads.values())
            return _json({"status": "ok" if alive else "dead", "service": name, "threads": threads},
                         200 if alive else 503)
        if path == "/readyz":
            checks, details = pipeline_checks(self.runtime, self._broker_cache)
            body, status = readiness(name, {**checks, **thread_checks(self.worker)}, details)
            return _json(body, status)
        if path == "/metrics":
            settings = self.runtime.settings
            if not metrics.token_accepted(settings.metrics_token, authorization):
                return _json({"status": "unauthorized", "message": "需要指标令牌"}, 401)
            body, content_type = metrics.exposition([self.runtime], settings.prometheus_multiproc_dir)
            return 200, content_type, body
        return _json({"status": "not_found"}, 404)

    def _handler_class(self):
        probe = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                status, content_type, body = probe.answer(self.path.split("?")[0], self.headers.get("Authorization"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # probes every few seconds: not worth a log line each
                pass

        return Handler


def _json(body: dict, status: int) -> tuple[int, str, bytes]:
    return status, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode()


def serve_worker_health(worker, runtime: ServiceRuntime) -> WorkerHealthServer | None:
    settings = runtime.settings
    if not settings.worker_health_port:
        return None
    return WorkerHealthServer(worker, runtime, settings.worker_health_bind, settings.worker_health_port).start()
