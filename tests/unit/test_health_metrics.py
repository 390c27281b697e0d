"""Issue 14, health and metrics: the worker's probe server, readiness that reflects the outbox (the incident: a relay
ended by a database restart while `/readyz` kept answering 200), Prometheus counters, and JSON log lines."""
from __future__ import annotations

import io
import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared import events, metrics
from shared.clock import Clock
from shared.config import PROJECT_ROOT, load_settings
from shared.health import WorkerHealthServer
from shared.logs import JsonFormatter

pytestmark = pytest.mark.unit


@pytest.fixture
def runtime(tmp_path):
    from services import registry
    settings = load_settings("results", env={"JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "test-secret",
                                             "OUTBOX_MAX_AGE_SECONDS": "120", "OUTBOX_BACKLOG_MAX": "3"})
    runtime = registry.start("results", settings)
    yield runtime
    runtime.dispose()


class FakeWorker:
    """The worker's shape the probe reads: its part threads by name, a consumer that is connected."""

    def __init__(self):
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.stop.wait, name=name, daemon=True) for name in ("relay",)]
        for thread in self.threads:
            thread.start()


@pytest.fixture
def probe(runtime):
    worker = FakeWorker()
    server = WorkerHealthServer(worker, runtime, "127.0.0.1", 0).start()
    yield server, worker
    worker.stop.set()
    server.stop()


def get(server, path: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def add_outbox_row(runtime, age: timedelta) -> None:
    event_id, body = events.build("results", "result.published", {"x": 1}, "subject", Clock().now())
    outbox = runtime.models["Outbox"]
    with runtime.unit_of_work() as uow:
        uow.add(outbox(event_id=event_id, event_type="result.published", routing_key="result.published", body=body,
                       created_at=runtime.clock.now() - age))
        uow.commit()


def test_the_worker_probe_answers_healthz_readyz_and_metrics(probe):
    server, _ = probe
    status, body = get(server, "/healthz")
    assert status == 200 and json.loads(body)["threads"] == {"relay": "ok"}
    status, body = get(server, "/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "outbox": "ok", "relay": "ok"}
    status, body = get(server, "/metrics")
    names = {family.name for family in text_string_to_metric_families(body)}
    assert status == 200 and {"jointinspect_outbox_backlog", "jointinspect_events_published"} <= names
    assert get(server, "/nowhere")[0] == 404


def test_a_dead_relay_thread_fails_liveness_and_readiness(probe):
    server, worker = probe
    worker.stop.set()
    worker.threads[0].join(5)
    status, body = get(server, "/healthz")
    assert status == 503 and json.loads(body)["threads"] == {"relay": "dead"}
    status, body = get(server, "/readyz")
    assert status == 503 and "事件发布线程已停止" in json.loads(body)["message"]


def test_an_old_unsent_outbox_row_makes_the_service_not_ready(probe, runtime):
    server, _ = probe
    add_outbox_row(runtime, timedelta(seconds=30))  # young: a relay that is working will send it
    assert get(server, "/readyz")[0] == 200
    add_outbox_row(runtime, timedelta(minutes=10))  # older than OUTBOX_MAX_AGE_SECONDS=120: the relay is stuck
    status, body = get(server, "/readyz")
    answer = json.loads(body)
    assert status == 503 and answer["checks"]["outbox"] == "behind"
    assert answer["outbox"]["backlog"] == 2 and answer["outbox"]["oldest_unsent_seconds"] >= 600
    assert "待发事件积压超过阈值" in answer["message"]


def test_a_backlog_at_the_limit_makes_the_service_not_ready(probe, runtime):
    server, _ = probe
    for _ in range(3):  # OUTBOX_BACKLOG_MAX=3, every row fresh
        add_outbox_row(runtime, timedelta(0))
    status, body = get(server, "/readyz")
    assert status == 503 and json.loads(body)["outbox"]["backlog"] == 3


def test_the_outbox_gauges_are_read_at_scrape_time(runtime):
    add_outbox_row(runtime, timedelta(minutes=5))
    families = {f.name: f for f in text_string_to_metric_families(metrics.exposition([runtime])[0].decode())}
    assert families["jointinspect_outbox_backlog"].samples[0].value == 1
    assert families["jointinspect_outbox_oldest_unsent_seconds"].samples[0].value >= 300


def test_metrics_want_the_token_when_one_is_set(runtime):
    from dataclasses import replace
    guarded = replace(runtime, settings=runtime.settings.with_(metrics_token="s3cret"))
    worker = FakeWorker()
    server = WorkerHealthServer(worker, guarded, "127.0.0.1", 0).start()
    try:
        assert get(server, "/metrics")[0] == 401
        assert get(server, "/metrics", {"Authorization": "Bearer wrong"})[0] == 401
        assert get(server, "/metrics", {"Authorization": "Bearer s3cret"})[0] == 200
        assert get(server, "/readyz")[0] == 200  # probes stay open: compose checks them without the token
    finally:
        worker.stop.set()
        server.stop()


def test_json_log_lines_parse_and_carry_the_exception():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("letters"))
    logger = logging.getLogger("jointinspect.test_json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("队列 %s 不可用", "letters.x")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("handler failed")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2  # a traceback stays inside its one line
    assert lines[0]["message"] == "队列 letters.x 不可用" and lines[0]["level"] == "WARNING"
    assert lines[0]["service"] == "letters" and lines[0]["logger"] == "jointinspect.test_json" and lines[0]["time"]
    assert "RuntimeError: boom" in lines[1]["exception"]


def test_log_format_json_configures_the_process_for_one_object_per_line():
    """What `jointinspect serve|worker` does at start with LOG_FORMAT=json: in a fresh process, so the root logger
    is the one an operator's process has, not pytest's."""
    import subprocess
    import sys
    script = ("import logging; from shared import logs; logs.configure('INFO', 'json', 'draw');"
              "log = logging.getLogger('jointinspect');"
              "logs.lifecycle(log, 'worker started', 'draw', 'distributed', health_port=9000);"
              "\ntry:\n    1/0\nexcept ZeroDivisionError:\n    log.exception('数据库不可用')")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=str(PROJECT_ROOT))
    lines = [json.loads(line) for line in run.stderr.splitlines()]
    assert [line["level"] for line in lines] == ["INFO", "ERROR"], run.stderr
    started = lines[0]["message"]
    assert started.startswith("draw worker started: mode=distributed version=") and "pid=" in started
    assert started.endswith("health_port=9000") and lines[0]["service"] == "draw"
    assert lines[1]["message"] == "数据库不可用" and "ZeroDivisionError" in lines[1]["exception"]


def test_an_unknown_log_format_is_refused_with_the_variable_name():
    from shared.config import SettingsError
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        load_settings("draw", env={"LOG_FORMAT": "xml"})
