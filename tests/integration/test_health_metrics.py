"""Issue 14, health and metrics of the running processes: a web process's `/readyz` reflects its outbox, `/metrics`
counts HTTP by route pattern and the pipeline's events, and a distributed worker's probe on the real broker."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pika
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared import events, topology
from shared.clock import Clock
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def add_outbox_row(runtime, age: timedelta = timedelta(0)) -> str:
    event_id, body = events.build(runtime.name, "result.published", {"x": 1}, "subject", Clock().now())
    outbox = runtime.models["Outbox"]
    with runtime.unit_of_work() as uow:
        uow.add(outbox(event_id=event_id, event_type="result.published", routing_key="result.published", body=body,
                       created_at=runtime.clock.now() - age))
        uow.commit()
    return event_id


def _sample(name: str, **labels) -> float:
    from prometheus_client import REGISTRY
    return sum(s.value for family in REGISTRY.collect() for s in family.samples
               if s.name == name and labels.items() <= s.labels.items())


def test_web_readyz_is_not_ready_while_an_unsent_event_waits_too_long(system, http):
    """The incident of issue 14: a relay ended by a database restart, 203 rows unsent, `/readyz` 200 everywhere."""
    assert http.call("GET", "/letters/readyz")[0] == 200
    add_outbox_row(system.runtime("letters"), timedelta(hours=1))  # nothing drains it: the bus thread is not started
    status, body = http.call("GET", "/letters/readyz")
    assert status == 503 and body["checks"]["outbox"] == "behind" and body["outbox"]["backlog"] == 1
    assert "待发事件积压" in body["message"]
    assert http.call("GET", "/intake/readyz")[0] == 200  # another service's pipeline is not letters'


def test_web_metrics_count_requests_by_route_pattern_not_by_raw_path(system, http):
    for task_id in ("a-1", "b-2"):
        http.call("GET", f"/letters/api/v1/documents/{task_id}/pdf")
    response = system.client().get("/letters/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    routes = {sample.labels["route"] for family in text_string_to_metric_families(response.get_data(as_text=True))
              if family.name == "jointinspect_http_request_seconds" for sample in family.samples}
    assert "/letters/api/v1/documents/<document_id>/pdf" in routes, routes
    assert not any("a-1" in route or "b-2" in route for route in routes)


def test_events_relayed_and_handled_in_embedded_mode_are_counted(system):
    """The counters move by what the pipeline did: every outbox row the bus marks sent is one `published`, every
    delivery to a consuming service one `consumed`, labelled by service and event type."""
    from services.demo import seed_reference
    from tests.support.outbox import outbox_rows
    seed_reference(system, system.runtime("intake").clock.today_local())
    published_before = _sample("jointinspect_events_published_total")
    consumed_before = _sample("jointinspect_events_consumed_total")
    pending = [row for name in system.runtimes for row in outbox_rows(system, name) if row.published_at is None]
    system.bus.drain()
    assert pending, "the reference data emits events (else this test checks nothing)"
    assert _sample("jointinspect_events_published_total") - published_before == len(pending)
    deliveries = sum(len(system.bus.bindings(row.routing_key)) for row in pending)
    assert _sample("jointinspect_events_consumed_total") - consumed_before == deliveries
    assert _sample("jointinspect_events_published_total", event_type=pending[0].event_type) > 0


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_distributed_worker_probe_is_ready_and_counts_what_it_relays_and_consumes(tmp_path, amqp_url):
    from services import registry
    from shared.config import load_settings
    from shared.health import WorkerHealthServer
    from shared.worker import Worker
    from tests.support.events import assigned_payload
    settings = load_settings("results", env={"JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "test-secret",
                                             "AMQP_URL": amqp_url})
    runtime = registry.start("results", settings)
    worker = Worker(runtime)
    worker.start()
    probe = WorkerHealthServer(worker, runtime, "127.0.0.1", 0).start()
    try:
        wait_for(lambda: _get(probe.port, "/readyz")[0] == 200, timeout=30, message="worker ready")
        checks = json.loads(_get(probe.port, "/readyz")[1])["checks"]
        assert checks["broker"] == checks["database"] == checks["relay"] == checks["consumer"] == "ok"
        published = _sample("jointinspect_events_published_total", service="results", event_type="result.published")
        consumed = _sample("jointinspect_events_consumed_total", service="results",
                           event_type="inspectors.assigned")
        add_outbox_row(runtime)
        event_id, body = events.build("draw", "inspectors.assigned", assigned_payload("insp-h1"), "insp-h1",
                                      Clock().now())
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(topology.EXCHANGE, "inspectors.assigned", body, pika.BasicProperties(
            content_type=events.CONTENT_TYPE, message_id=event_id, delivery_mode=2))
        connection.close()

        def counted() -> bool:
            text = _get(probe.port, "/metrics")[1]
            samples = {(s.name, s.labels.get("event_type")): s.value for family in text_string_to_metric_families(text)
                       for s in family.samples if s.labels.get("service") == "results"}
            return samples.get(("jointinspect_events_published_total", "result.published"), 0) > published \
                and samples.get(("jointinspect_events_consumed_total", "inspectors.assigned"), 0) > consumed
        wait_for(counted, timeout=30, message="published and consumed counted on /metrics")
    finally:
        probe.stop()
        worker.stop()
        runtime.dispose()


def test_web_metrics_want_the_token_when_one_is_set(embedded_env):
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem({**embedded_env, "METRICS_TOKEN": "s3cret"})
    try:
        client = system.client()
        refused = client.get("/draw/metrics")
        assert refused.status_code == 401 and refused.get_json()["error"]["message"] == "需要指标令牌"
        assert client.get("/draw/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/draw/readyz").status_code == 200  # the probe stays open for compose
    finally:
        system.close()
